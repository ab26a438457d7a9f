"""Demand: who asked for support, how, about what, and the colleague referrals."""

from collections import defaultdict
from datetime import date

from django.db.models import (
    Count,
    F,
    Func,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from intake.models import SupportRequest
from intake.selectors import referral_tallies, requests
from matching.selectors.direct import direct_contacts
from programs.program import Program
from programs.selectors import regions
from programs.vocabulary import CareerStage, Reason

from ..periods import Period
from ..tables import build
from .common import Section, between, dates_in, month_label

Source = SupportRequest.Source


def demand(period: Period, program: Program, min_cell: int) -> Section:
    submitted = requests().filter(between("submitted_at", period, program))
    direct = direct_contacts().filter(dates_in("held_on", period), is_first_conversation=True)
    zone = program.time_zone

    by_month: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month, source, count in (
        submitted.annotate(month=TruncMonth("submitted_at", tzinfo=zone))
        .order_by()
        .values("month", "source")
        .annotate(count=Count("pk"))
        .values_list("month", "source", "count")
    ):
        by_month[program.local_time(month).date()][source] += count
    for month, count in (
        direct.annotate(month=TruncMonth("held_on"))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    ):
        by_month[month]["direct"] += count
    sources = [
        (Source.SELF.value, _("Self-referral")),
        (Source.COLLEAGUE.value, _("Colleague referral")),
        ("direct", _("Reached a supporter directly")),
    ]
    monthly = build(
        key="requests-by-month",
        title=_("People asking for support, by month and way in"),
        row_header=_("Month"),
        columns=[label for _value, label in sources],
        rows=[
            (month_label(month), [by_month[month][value] for value, _label in sources])
            for month in period.months()
        ],
        min_cell=min_cell,
    )

    reasons: dict[str, list[int]] = {value: [0, 0] for value in Reason.values}
    for reason, count in (
        submitted.annotate(reason=Func(F("reasons"), function="unnest"))
        .order_by()
        .values("reason")
        .annotate(count=Count("pk"))
        .values_list("reason", "count")
    ):
        if reason in reasons:
            reasons[reason][0] = count
    for reason, count in (
        direct.exclude(reason="")
        .order_by()
        .values("reason")
        .annotate(count=Count("pk"))
        .values_list("reason", "count")
    ):
        if reason in reasons:
            reasons[reason][1] = count
    by_reason = build(
        key="reasons",
        title=_("What it was about"),
        row_header=_("Reason"),
        columns=[_("Through the forms"), _("Reached directly")],
        rows=[(str(Reason(value).label), counts) for value, counts in reasons.items()],
        min_cell=min_cell,
        with_totals=False,
        note=_(
            "A request may give several reasons, or none: it is counted once under each, so "
            "this table has no total."
        ),
    )

    stages: dict[str, list[int]] = {value: [0, 0] for value in ["", *CareerStage.values]}
    for stage, count in (
        submitted.order_by()
        .values("career_stage")
        .annotate(count=Count("pk"))
        .values_list("career_stage", "count")
    ):
        stages.setdefault(stage, [0, 0])[0] += count
    for stage, count in (
        direct.order_by()
        .values("career_stage")
        .annotate(count=Count("pk"))
        .values_list("career_stage", "count")
    ):
        stages.setdefault(stage, [0, 0])[1] += count
    by_stage = build(
        key="career-stages",
        title=_("Career stage"),
        row_header=_("Career stage"),
        columns=[_("Through the forms"), _("Reached directly")],
        rows=[
            (str(CareerStage(value).label) if value else _("Not given"), counts)
            for value, counts in stages.items()
            if value == "" or value in CareerStage.values
        ],
        min_cell=min_cell,
        percent_of_total=True,
    )

    region_names = dict(regions().values_list("pk", "name"))
    per_region: dict[int | None, int] = defaultdict(int)
    for region, count in (
        submitted.order_by()
        .values("region")
        .annotate(count=Count("pk"))
        .values_list("region", "count")
    ):
        per_region[region] += count
    by_region = build(
        key="regions",
        title=_("Region"),
        row_header=_("Region"),
        columns=[_("Requests")],
        rows=[(name, [per_region[pk]]) for pk, name in region_names.items()]
        + [(_("Not given"), [per_region[None]])],
        min_cell=min_cell,
        percent_of_total=True,
    )

    confirmed = (
        requests().filter(between("confirmed_at", period, program), source=Source.COLLEAGUE).count()
    )
    tallies = {
        outcome: total or 0
        for outcome, total in referral_tallies()
        .filter(dates_in("month", period))
        .order_by()
        .values("outcome")
        .annotate(total=Sum("count"))
        .values_list("outcome", "total")
    }
    referrals = build(
        key="referrals",
        title=_("Colleague referrals"),
        row_header=_("What happened"),
        columns=[_("Referrals")],
        rows=[
            (_("Confirmed by the colleague"), [confirmed]),
            (_("Declined by the colleague"), [tallies.get("declined", 0)]),
            (_("Not confirmed in time"), [tallies.get("lapsed", 0)]),
        ],
        min_cell=min_cell,
        percent_of_total=True,
    )
    return Section(
        key="demand",
        title=_("Demand"),
        tables=[monthly, by_reason, by_stage, by_region, referrals],
    )
