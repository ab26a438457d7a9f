"""The emails matching sends, all through the outbox.

Staff emails carry a case code and a link, never a name, an address or a reason
(DESIGN.md "Tell less by email"). Emails to a requester are discreet: the case code in
the subject, nothing that reads as distress.
"""

from django.conf import settings
from django.urls import reverse

from accounts.services import email_administrators
from intake.models import SupportRequest
from notifications.services import queue_email
from programs.business_days import Calendar
from programs.program import current

from .deadlines import due_date_words
from .models import Assignment


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def portal_link() -> str:
    return _absolute(reverse("matching:portal"))


def match_link(request: SupportRequest) -> str:
    return _absolute(reverse("admin:matching_queuedrequest_match", args=[request.public_id]))


def _to_supporter(assignment: Assignment, *, kind: str, template: str) -> None:
    user = assignment.supporter.user
    queue_email(
        kind=kind,
        to=user.email,
        template=template,
        context={**current().email_context(), "link": portal_link()},
        language=user.language,
        request_public_id=assignment.request.public_id,
    )


def _to_administrators(request: SupportRequest, *, kind: str, template: str, link: str) -> None:
    email_administrators(
        kind=kind,
        template=template,
        context={**current().email_context(), "case_code": request.case_code, "link": link},
        request_public_id=request.public_id,
    )


def new_contact_to_supporter(assignment: Assignment) -> None:
    _to_supporter(assignment, kind="new_contact", template="matching/new_contact")


def contact_moved_to_supporter(assignment: Assignment) -> None:
    """Tell a supporter a contact left their list (reassigned or withdrawn): no more."""
    _to_supporter(assignment, kind="contact_moved", template="matching/contact_moved")


def reminder_to_supporter(assignment: Assignment) -> None:
    _to_supporter(assignment, kind="contact_reminder", template="matching/contact_reminder")


def expected_contact_to_requester(
    request: SupportRequest, assignment: Assignment, *, calendar: Calendar
) -> None:
    """Tell the requester by when to expect the supporter, in words, in their language."""
    program = current()
    if not program.notify_requester_on_match or not request.email:
        return
    queue_email(
        kind="requester_matched",
        to=request.email,
        template="matching/requester_matched",
        context={
            **program.email_context(),
            "case_code": request.case_code,
            "due_on": due_date_words(
                assignment.contact_due_at, calendar=calendar, language=request.interface_language
            ),
        },
        language=request.interface_language,
        request_public_id=request.public_id,
    )


def survey_invitation_to_requester(request: SupportRequest, *, token: str) -> None:
    """Invite the person to the anonymous survey by its single-use link, in their language.

    The link lives only in this outbox row, which is blanked once sent (and cleared with
    the request's other pending emails by the retention scrub).
    """
    program = current()
    queue_email(
        kind="survey_invitation",
        to=request.email,
        template="matching/survey_invitation",
        context={
            **program.email_context(),
            "case_code": request.case_code,
            "link": _absolute(reverse("surveys:invited", args=[token])),
            "token_days": program.survey_token_days,
        },
        language=request.interface_language,
        request_public_id=request.public_id,
    )


def handed_back_to_administrators(request: SupportRequest) -> None:
    _to_administrators(
        request, kind="handed_back", template="matching/handed_back", link=match_link(request)
    )


def overdue_to_administrators(request: SupportRequest) -> None:
    _to_administrators(
        request,
        kind="contact_overdue",
        template="matching/contact_overdue",
        link=match_link(request),
    )


def unmatched_to_administrators(request: SupportRequest) -> None:
    _to_administrators(
        request,
        kind="still_unmatched",
        template="matching/still_unmatched",
        link=match_link(request),
    )


def safety_concern_to_administrators(request: SupportRequest) -> None:
    _to_administrators(
        request,
        kind="safety_concern",
        template="matching/safety_concern",
        link=_absolute(reverse("admin:matching_safetyconcern_changelist")),
    )


def debrief_to_administrators() -> None:
    email_administrators(
        kind="debrief_requested",
        template="matching/debrief_requested",
        context={
            **current().email_context(),
            "link": _absolute(reverse("admin:matching_debriefrequest_changelist")),
        },
    )
