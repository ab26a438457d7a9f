"""How a group session reads on a page: its times on the program's clock, how to join,
and the texts a facilitator pastes in the meeting's chat."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from programs.dates import long_date
from programs.program import current

from ..models import GroupSession, Survey


@dataclass(frozen=True)
class SessionTimes:
    """A session's day and hours in the program's time zone, and its instants in UTC for
    the script that adds the reader's own time when their zone differs."""

    session: GroupSession
    day: str
    hours: str
    zone: str
    starts_iso: str
    ends_iso: str
    reflection_until: str

    @classmethod
    def of(cls, session: GroupSession, zone: ZoneInfo) -> "SessionTimes":
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        if end.date() == start.date():
            hours = _("%(start)s to %(end)s") % {"start": _time(start), "end": _time(end)}
        else:
            hours = _("%(start)s to %(end_day)s, %(end)s") % {
                "start": _time(start),
                "end_day": long_date(end.date()),
                "end": _time(end),
            }
        reflection = session.reflection_ends_at.astimezone(zone)
        return cls(
            session=session,
            day=long_date(start.date()),
            hours=hours,
            zone=start.tzname() or zone.key,
            starts_iso=_iso(session.starts_at),
            ends_iso=_iso(session.ends_at),
            reflection_until=_time(reflection) if session.reflection_minutes else "",
        )


@dataclass(frozen=True)
class MomentWords:
    day: str
    time: str
    zone: str


def moment_words(moment: datetime, zone: ZoneInfo) -> MomentWords:
    """Return a moment's day, time and zone abbreviation on the program's clock."""
    local = moment.astimezone(zone)
    return MomentWords(day=long_date(local.date()), time=_time(local), zone=local.tzname() or "")


def _time(moment: datetime) -> str:
    return time_format(moment, "TIME_FORMAT")


def _iso(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")


def times_of(sessions: list[GroupSession]) -> list[SessionTimes]:
    zone = current().time_zone
    return [SessionTimes.of(session, zone) for session in sessions]


def absolute_url(path: str) -> str:
    """Return `path` on the site's public address (`SITE_URL`), for text pasted elsewhere."""
    return current().site_url.rstrip("/") + path


def poll_url(poll: Survey) -> str:
    return absolute_url(reverse("surveys:poll", args=[poll.code]))


def opening_text(session: GroupSession, entrance: Survey | None) -> str:
    """Return what the facilitator pastes in the chat at the start: the rules, the poll."""
    parts = [session.title, session.rules]
    if entrance is not None:
        parts.append(
            _("One anonymous question to start, about a minute: %(url)s")
            % {"url": poll_url(entrance)}
        )
    return "\n\n".join(parts)


def closing_text(exit_poll: Survey | None) -> str:
    """Return what the facilitator pastes in the chat at the end: the exit poll, the
    program's survey, and the way to ask for one-to-one support."""
    parts = [_("Thank you for being here today.")]
    if exit_poll is not None:
        parts.append(
            _("Two anonymous questions before you go: %(url)s") % {"url": poll_url(exit_poll)}
        )
    parts.append(
        _(
            "If one of the program's peer supporters has helped you, here or one to one, you "
            "can tell us how it went, anonymously: %(url)s"
        )
        % {"url": absolute_url(reverse("surveys:feedback"))}
    )
    parts.append(
        _("To talk with a peer supporter one to one, ask here: %(url)s")
        % {"url": absolute_url(reverse("intake:request"))}
    )
    return "\n\n".join(parts)
