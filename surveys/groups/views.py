"""The groups' pages: the public schedule and its calendar files, and the facilitator's
pages with the live poll counts.

The public pages show sessions for physicians only and ask nothing of their readers:
there is no registration. A facilitator sees only the sessions they are named on
(administrators see all); anyone else gets a 404, the JSON of live counts included.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from programs.program import current

from ..models import GroupSession, PollKind, PollState
from .ics import calendar_file
from .pages import absolute_url, closing_text, opening_text, poll_url, times_of
from .selectors import (
    calendar_feed,
    facilitated_session,
    live_counts,
    public_schedule,
    public_session,
    sessions_of_facilitator,
)

# The live counts' script asks again this often while the polls take answers (or are
# about to), and stops once they have closed.
REFRESH_SECONDS = 3
REFRESH_BEFORE_OPENING = timedelta(hours=1)
CALENDAR_TYPE = "text/calendar; charset=utf-8"


# --- Public --------------------------------------------------------------------------------


@require_safe
def schedule(request: HttpRequest) -> HttpResponse:
    """List the coming drop-in sessions for physicians, what they are, and how to join."""
    now = timezone.now()
    program = current()
    return render(
        request,
        "surveys/groups/schedule.html",
        {
            "sessions": times_of(public_schedule(now=now)),
            "program_zone": program.time_zone.key,
            "feed_url": absolute_url(reverse("surveys:group_feed")),
        },
    )


def _calendar_response(body: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@cache_control(max_age=300, public=True)
@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """The whole public schedule as a calendar feed to subscribe to."""
    now = timezone.now()
    name = _("%(program)s: drop-in groups") % {"program": current().name}
    body = calendar_file(calendar_feed(now=now), name=name, now=now)
    return _calendar_response(body, filename="group-sessions.ics", attachment=False)


@cache_control(max_age=300, public=True)
@require_safe
def session_calendar(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One public session as a calendar file to download; a supervision session is a 404."""
    session = public_session(public_id)
    if session is None:
        raise Http404
    day = session.starts_at.astimezone(current().time_zone).date().isoformat()
    body = calendar_file([session], name=session.title, now=timezone.now())
    return _calendar_response(body, filename=f"group-session-{day}.ics", attachment=True)


# --- Facilitators ----------------------------------------------------------------------------


def keeps_refreshing(session: GroupSession, now: datetime) -> bool:
    """Return whether the live counts are worth asking for again: while the polls take
    answers, or within the hour before they open."""
    state = session.poll_state(now)
    return state == PollState.OPEN or (
        state == PollState.NOT_YET and session.poll_opens_at - now <= REFRESH_BEFORE_OPENING
    )


@login_required
@never_cache
@require_safe
def facilitator(request: HttpRequest) -> HttpResponse:
    """List the sessions the signed-in person facilitates: coming and open, then recent."""
    sessions = sessions_of_facilitator(request.user, now=timezone.now())
    return render(
        request,
        "surveys/groups/facilitator.html",
        {"upcoming": times_of(sessions.upcoming), "recent": times_of(sessions.recent)},
    )


def _session_or_404(request: HttpRequest, public_id: UUID) -> GroupSession:
    session = facilitated_session(request.user, public_id)
    if session is None:
        raise Http404
    return session


@login_required
@never_cache
@require_safe
def facilitator_session(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One session for its facilitator: what to paste in the chat, reminders, live counts."""
    session = _session_or_404(request, public_id)
    now = timezone.now()
    counts = live_counts(session)
    by_kind = {poll_counts.kind: poll_counts.poll for poll_counts in counts}
    entrance, exit_poll = by_kind.get(PollKind.ENTRANCE), by_kind.get(PollKind.EXIT)
    context: dict[str, Any] = {
        "times": times_of([session])[0],
        "session": session,
        "polls": [(poll_counts, poll_url(poll_counts.poll)) for poll_counts in counts],
        "opening_text": opening_text(session, entrance),
        "closing_text": closing_text(exit_poll),
        "poll_state": session.poll_state(now),
        "keeps_refreshing": keeps_refreshing(session, now),
        "refresh_seconds": REFRESH_SECONDS,
        "facilitators": list(session.facilitators.all()),
    }
    return render(request, "surveys/groups/session.html", context)


@never_cache
@require_safe
def live_results(request: HttpRequest, public_id: UUID) -> JsonResponse:
    """The polls' counts so far, for the facilitator page's script; 404 for anyone else.

    Each request is activity for the signed-in session's idle time, like any page's
    (`accounts.middleware.SessionTimeoutMiddleware`), up to its 12-hour cap; the script
    stops asking once the polls have closed.
    """
    session = _session_or_404(request, public_id)
    now = timezone.now()
    return JsonResponse(
        {
            "polls": [poll_counts.as_json() for poll_counts in live_counts(session)],
            "state": str(session.poll_state(now)),
            "refresh": keeps_refreshing(session, now),
        }
    )
