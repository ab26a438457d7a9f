"""Responsiveness: time to match and to first contact, in business days, and the deadline."""

from typing import Any

from django.db.models import (
    Count,
    F,
    Q,
)
from django.utils.translation import gettext as _

from intake.selectors import requests
from matching.selectors import assignments
from programs.program import Program

from ..periods import Period, previous
from ..tables import Measure, build
from .common import PercentileCont, Section, between, rounded


def responsiveness(period: Period, program: Program, min_cell: int) -> Section:
    before = previous(period)
    figures: dict[str, Any] = {}
    for name, window in (("now", period), ("before", before)):
        matched = between("first_matched_at", window, program)
        reached = between("first_contact_at", window, program)
        figures.update(
            {
                f"{name}_match_median": PercentileCont(
                    "business_days_to_match", 0.5, filter=matched
                ),
                f"{name}_match_p90": PercentileCont("business_days_to_match", 0.9, filter=matched),
                f"{name}_match_count": Count("business_days_to_match", filter=matched),
                f"{name}_contact_median": PercentileCont(
                    "business_days_to_first_contact", 0.5, filter=reached
                ),
                f"{name}_contact_p90": PercentileCont(
                    "business_days_to_first_contact", 0.9, filter=reached
                ),
                f"{name}_contact_count": Count("business_days_to_first_contact", filter=reached),
            }
        )
    figures["withdrawn_unmatched"] = Count(
        "pk", filter=between("withdrawn_at", period, program) & Q(first_matched_at__isnull=True)
    )
    found = requests().aggregate(**figures)

    days = " " + _("business days")
    measures = [
        Measure(label, rounded(found[f"now_{step}_{figure}"]), found[f"now_{step}_count"], days)
        for step, figure, label in (
            ("match", "median", _("Median time to match")),
            ("match", "p90", _("90th percentile of time to match")),
            ("contact", "median", _("Median time to first contact")),
            ("contact", "p90", _("90th percentile of time to first contact")),
        )
    ]

    deadlines = assignments().filter(between("assigned_at", period, program))
    kept = deadlines.aggregate(
        met=Count(
            "pk",
            filter=Q(first_contact_at__isnull=False, first_contact_at__lte=F("contact_due_at")),
        ),
        missed=Count(
            "pk",
            filter=Q(first_contact_at__gt=F("contact_due_at"))
            | Q(first_contact_at__isnull=True, contact_due_at__lt=period.end(program.time_zone)),
        ),
    )
    met, missed = kept["met"], kept["missed"]
    judged = met + missed
    share_shown = judged >= min_cell and not (0 < met < min_cell) and not (0 < missed < min_cell)
    measures.append(
        Measure(
            _("Share of assignments reached within the deadline"),
            rounded(100 * met / judged, "1") if judged and share_shown else None,
            judged if share_shown else 0,
            "%",
        )
    )
    withdrawn = build(
        key="withdrawn-unmatched",
        title=_("Requests withdrawn before being matched"),
        row_header=_("Requests"),
        columns=[_("Count")],
        rows=[(_("Withdrawn unmatched"), [found["withdrawn_unmatched"]])],
        min_cell=min_cell,
        with_totals=False,
    )
    summaries = [
        trend(
            label,
            found[f"now_{step}_median"],
            found[f"now_{step}_count"],
            found[f"before_{step}_median"],
            found[f"before_{step}_count"],
            min_cell,
            before,
        )
        for step, label in (
            ("contact", _("Median time to first contact")),
            ("match", _("Median time to match")),
        )
    ]
    return Section(
        key="responsiveness",
        title=_("Responsiveness"),
        tables=[withdrawn],
        measures=measures,
        summaries=[summary for summary in summaries if summary],
    )


def trend(
    label: str,
    now: float | None,
    now_count: int,
    before: float | None,
    before_count: int,
    min_cell: int,
    previous: Period,
) -> str:
    """Say how a median moved from the previous period, when both are shown."""
    if now is None or now_count < min_cell:
        return ""
    shown_now = rounded(now)
    if before is None or before_count < min_cell:
        return _("%(label)s: %(now)s business days.") % {"label": label, "now": shown_now}
    shown_before = rounded(before)
    if shown_now == shown_before:
        words = _("%(label)s held at %(now)s business days (as in %(previous)s).")
    elif shown_now is not None and shown_before is not None and shown_now < shown_before:
        words = _("%(label)s fell from %(before)s to %(now)s business days (against %(previous)s).")
    else:
        words = _("%(label)s rose from %(before)s to %(now)s business days (against %(previous)s).")
    return words % {
        "label": label,
        "now": shown_now,
        "before": shown_before,
        "previous": previous.label,
    }
