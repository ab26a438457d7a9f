"""The admin's safety-concern banner: on every admin page while a concern is open."""

from typing import Any

from django import template

from accounts.access import is_administrator

from ..selectors import open_safety_concerns

register = template.Library()


@register.inclusion_tag("admin/matching/safety_banner.html", takes_context=True)
def safety_concern_banner(context: template.Context) -> dict[str, Any]:
    """Return the open safety concerns for an administrator (one query), else nothing.

    Each line names the case code only: the banner shows on every page, over anyone's
    shoulder.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_administrator(user):
        return {"concerns": []}
    # Each line links straight to its concern's page, where "Mark handled" is.
    return {"concerns": list(open_safety_concerns())}
