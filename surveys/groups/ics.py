"""Calendar files of the public schedule (RFC 5545, with the `icalendar` package).

Times are written on the program's clock (`TZID` and its `VTIMEZONE`), so a calendar app
anywhere shows each session at the right instant, daylight saving time included. A
cancelled session stays in the file as `STATUS:CANCELLED` with a higher `SEQUENCE`, so a
calendar that saved it learns of the cancellation instead of keeping a stale entry.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.urls import reverse
from django.utils.translation import gettext as _

from programs.program import current

from ..models import GroupSession, JoinMode
from .pages import absolute_url

PRODID = "-//Peer Support//Group sessions//EN"
# How often a subscribed calendar should fetch the feed again.
REFRESH = timedelta(hours=6)
# The time zone's rules are written for the years the file's sessions need, and a margin.
ZONE_MARGIN = timedelta(days=400)


def _join_words(session: GroupSession) -> str:
    if session.join_mode == JoinMode.LINK:
        words = _("Join online: %(url)s") % {"url": session.meeting_url}
        if session.join_details:
            words += f" ({session.join_details})"
        return words
    program = current()
    how = program.contact_email or program.contact_phone
    if how:
        return _("Online: write to the program for the link (%(how)s).") % {"how": how}
    return _("Online: ask the program for the link.")


def _event(session: GroupSession, *, host: str, schedule_url: str) -> icalendar.Event:
    zone = current().time_zone
    event = icalendar.Event()
    event.add("uid", f"group-session-{session.public_id}@{host}")
    event.add("dtstamp", session.updated_at)
    event.add("last-modified", session.updated_at)
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    title = session.title
    if session.is_cancelled:
        title = _("Cancelled: %(title)s") % {"title": title}
    event.add("summary", title)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    description = [session.description, _join_words(session), schedule_url]
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("location", session.meeting_url if session.join_mode == JoinMode.LINK else "")
    event.add("url", schedule_url)
    event.add("transp", "OPAQUE")
    return event


def calendar_file(sessions: Sequence[GroupSession], *, name: str, now: datetime) -> bytes:
    """Return an iCalendar file of `sessions` (public sessions only: callers select them)."""
    program = current()
    site = program.site_url.rstrip("/")
    host = urlsplit(site).hostname or "localhost"
    schedule_url = absolute_url(reverse("surveys:group_schedule"))
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", program.time_zone.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for session in sessions:
        calendar.add_component(_event(session, host=host, schedule_url=schedule_url))
    # The zone is declared even in an empty file: a calendar that subscribed keeps it.
    moments = [moment for session in sessions for moment in (session.starts_at, session.ends_at)]
    first = min(moments, default=now) - ZONE_MARGIN
    last = max(moments, default=now) + ZONE_MARGIN
    calendar.add_component(
        icalendar.Timezone.from_tzid(
            program.time_zone.key, first_date=first.date(), last_date=last.date()
        )
    )
    return bytes(calendar.to_ical())
