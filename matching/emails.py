"""The emails matching sends, all through the outbox.

Staff emails carry a case code and a link, never a name, an address or a reason
(DESIGN.md "Tell less by email"). Emails to a requester are discreet: the case code in
the subject, nothing that reads as distress.
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.services import email_administrators
from intake.models import SupportRequest
from notifications.services import queue_email
from programs.business_days import Calendar
from programs.program import current

from .deadlines import due_date_changed, due_date_words
from .models import Assignment, DebriefRequest, SafetyConcern


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def portal_link() -> str:
    return _absolute(reverse("matching:portal"))


def match_link(request: SupportRequest) -> str:
    return _absolute(reverse("admin:matching_queuedrequest_match", args=[request.public_id]))


def _to_supporter(assignment: Assignment, *, kind: str, template: str) -> None:
    user = assignment.supporter.user
    if not user.is_active:
        # A supporter who left is told nothing more; their contacts are the program's now.
        return
    queue_email(
        kind=kind,
        to=user.email,
        template=template,
        context={**current().email_context(), "link": portal_link()},
        language=user.language,
        request_public_id=assignment.request.public_id,
    )


def _to_administrators(
    request: SupportRequest, *, kind: str, template: str, link: str, urgent: bool = False
) -> None:
    email_administrators(
        kind=kind,
        template=template,
        context={**current().email_context(), "case_code": request.case_code, "link": link},
        request_public_id=request.public_id,
        urgent=urgent,
    )


def new_contact_to_supporter(assignment: Assignment) -> None:
    _to_supporter(assignment, kind="new_contact", template="matching/new_contact")


def contact_moved_to_supporter(assignment: Assignment) -> None:
    """Tell a supporter a contact left their list (reassigned or withdrawn): no more."""
    _to_supporter(assignment, kind="contact_moved", template="matching/contact_moved")


def reminder_to_supporter(assignment: Assignment) -> None:
    _to_supporter(assignment, kind="contact_reminder", template="matching/contact_reminder")


def requester_hears_of_matches(request: SupportRequest) -> bool:
    """Return whether this requester is emailed by when to expect contact."""
    return current().notify_requester_on_match and bool(request.email)


def expected_contact_to_requester(
    request: SupportRequest,
    assignment: Assignment,
    *,
    calendar: Calendar,
    previously_due_at: datetime | None = None,
) -> bool:
    """Tell the requester by when to expect a supporter, in words, in their language.

    After a reassignment or a hand-back (`previously_due_at`, the date they were last
    given), only a changed date is news: the same date sends nothing, a new one says it
    changed. Return whether an email was queued.
    """
    program = current()
    if not requester_hears_of_matches(request):
        return False
    date_changed = previously_due_at is not None
    if date_changed and not due_date_changed(
        previously_due_at, assignment.contact_due_at, calendar=calendar
    ):
        return False
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
            "date_changed": date_changed,
        },
        language=request.interface_language,
        request_public_id=request.public_id,
    )
    return True


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
        urgent=True,
    )


def unmatched_to_administrators(request: SupportRequest) -> None:
    _to_administrators(
        request,
        kind="still_unmatched",
        template="matching/still_unmatched",
        link=match_link(request),
    )


def safety_concern_to_administrators(concern: SafetyConcern, *, again: bool = False) -> None:
    """Tell every administrator a supporter needs them: the case code, a link to the concern
    and the program's urgent number. `again` is the re-escalation of one nobody handled."""
    program = current()
    request = concern.assignment.request
    email_administrators(
        kind="safety_concern_reescalated" if again else "safety_concern",
        template="matching/safety_concern_again" if again else "matching/safety_concern",
        context={
            **program.email_context(),
            **program.urgent_context(),
            "case_code": request.case_code,
            "minutes": program.safety_reescalate_minutes,
            "link": _absolute(reverse("admin:matching_safetyconcern_change", args=[concern.pk])),
        },
        request_public_id=request.public_id,
        urgent=True,
    )


def debrief_to_administrators(debrief: DebriefRequest) -> None:
    """Tell every administrator a supporter asked for a debrief: a link, no name or detail."""
    program = current()
    email_administrators(
        kind="debrief_requested",
        template="matching/debrief_requested",
        context={
            **program.email_context(),
            **program.urgent_context(),
            "link": _absolute(reverse("admin:matching_debriefrequest_change", args=[debrief.pk])),
        },
        urgent=True,
    )


def departed_supporters_contacts_to_administrators(contacts: list[Assignment]) -> None:
    """Tell every administrator how many contacts a departed supporter left, by case code.

    No name, neither the supporter's nor anyone's: each case code links to its Match page.
    """
    email_administrators(
        kind="supporter_deactivated",
        template="matching/supporter_deactivated",
        context={
            **current().email_context(),
            "count": len(contacts),
            "contacts": [
                {"case_code": contact.request.case_code, "link": match_link(contact.request)}
                for contact in contacts
            ],
        },
        urgent=True,
    )


def no_longer_waiting(request: SupportRequest) -> None:
    """Tell the administrators and, kindly, the requester that a long wait has ended."""
    _to_administrators(
        request,
        kind="withdrawn_unmatched",
        template="matching/withdrawn_unmatched",
        link=match_link(request),
    )
    if not request.email:
        return
    with translation.override(request.interface_language):
        # The crisis resources' labels are translated: in the requester's language.
        context = {**current().page_context(), "case_code": request.case_code}
    queue_email(
        kind="no_longer_waiting",
        to=request.email,
        template="matching/no_longer_waiting",
        context=context,
        language=request.interface_language,
        request_public_id=request.public_id,
    )
