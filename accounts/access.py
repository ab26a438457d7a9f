"""Who may do what: the one home for role checks and the view decorators built on them.

A role is a Django group (`accounts.roles`). Every view, admin page and template tag
that asks "is this person an administrator / a supporter / a lead" asks here, so the
rule can change in one place.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import User
from .roles import ADMINISTRATORS, LEADS, SUPPORTERS

AnyUser = AbstractBaseUser | AnonymousUser


def role_names(user: AnyUser) -> frozenset[str]:
    """Return the names of the user's groups, read once per request and cached on the user."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_role_names", None)
    if cached is None:
        groups = getattr(user, "groups", None)
        cached = frozenset(groups.values_list("name", flat=True)) if groups else frozenset()
        setattr(user, "_role_names", cached)  # noqa: B010  (not a declared attribute)
    return cached


def has_role(user: AnyUser, role: str) -> bool:
    """Return whether `user` is active and in the group `role`."""
    return role in role_names(user)


def is_administrator(user: AnyUser) -> bool:
    return has_role(user, ADMINISTRATORS) and bool(getattr(user, "is_staff", False))


def is_supporter(user: AnyUser) -> bool:
    return has_role(user, SUPPORTERS)


def is_lead(user: AnyUser) -> bool:
    return has_role(user, LEADS)


def may_read_reports(user: AnyUser) -> bool:
    """Return whether `user` may read the aggregate reports: leads and administrators."""
    return is_lead(user) or is_administrator(user)


def require_role(check: Callable[[AnyUser], bool], request: HttpRequest) -> User:
    """Return the signed-in user when `check` passes; anyone else gets a 403."""
    if not check(request.user):
        raise PermissionDenied
    return cast(User, request.user)


type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponse]


def role_required[**P](check: Callable[[AnyUser], bool]) -> Callable[[View[P]], View[P]]:
    """Decorate a view: anonymous visitors sign in first; signed-in people without the role
    get a 403."""

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            require_role(check, request)
            return view(request, *args, **kwargs)

        return cast("View[P]", login_required(guarded))

    return decorator


supporter_required = role_required(is_supporter)
reports_required = role_required(may_read_reports)
