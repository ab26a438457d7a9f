"""Which supporter the signed-in person is: the one check the portal's pages make."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.access import is_supporter, require_role
from accounts.models import User

from .models import Supporter
from .selectors import supporter_of


def own_supporter(request: HttpRequest) -> tuple[User, Supporter]:
    """Return the signed-in supporter and their own profile; anyone else gets a 403."""
    user = require_role(is_supporter, request)
    supporter = supporter_of(user)
    if supporter is None:
        raise PermissionDenied
    return user, supporter
