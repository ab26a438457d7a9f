"""The roster: who supports, their load, their learning, and their calls for help."""

from decimal import Decimal

from django.db.models import (
    Count,
    IntegerField,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from matching.selectors import debrief_requests, safety_concerns
from programs.program import Program
from supporters.selectors import roster, training_records, with_availability

from ..periods import Period
from ..tables import Measure, build
from .common import Section, between, dates_in

LOAD_BANDS = [(0, 0), (1, 1), (2, 2), (3, None)]


def supporters_section(period: Period, program: Program, min_cell: int) -> Section:
    today = program.today()
    supporters = with_availability(roster(), today=today)
    counts = supporters.aggregate(
        active=Count("pk", filter=Q(user__is_active=True)),
        trained=Count("pk", filter=Q(user__is_active=True, trained_on__isnull=False)),
        signed=Count("pk", filter=Q(user__is_active=True, agreement_signed_on__isnull=False)),
        away=Count("pk", filter=Q(user__is_active=True, availability_status="away")),
        **{
            f"band{low}": Count(
                "pk",
                filter=Q(user__is_active=True, active_load__gte=low)
                & (Q(active_load__lte=high) if high is not None else Q()),
            )
            for low, high in LOAD_BANDS
        },
    )
    people = build(
        key="supporters",
        title=_("Supporters today"),
        row_header=_("Supporters"),
        columns=[_("Count")],
        rows=[
            (_("Active"), [counts["active"]]),
            (_("Trained"), [counts["trained"]]),
            (_("Confidentiality agreement signed"), [counts["signed"]]),
            (_("Away"), [counts["away"]]),
        ],
        min_cell=min_cell,
        with_totals=False,
        note=_("A supporter may be counted on several lines."),
    )
    loads = build(
        key="load",
        title=_("Active contacts per supporter, today"),
        row_header=_("Active contacts"),
        columns=[_("Supporters")],
        rows=[
            (
                str(low) if high == low else _("%(low)d or more") % {"low": low},
                [counts[f"band{low}"]],
            )
            for low, high in LOAD_BANDS
        ],
        min_cell=min_cell,
        percent_of_total=True,
    )
    learning = (
        training_records()
        .filter(dates_in("completed_on", period))
        .aggregate(
            hours=Coalesce(Sum("hours"), Value(0), output_field=IntegerField()), records=Count("pk")
        )
    )
    raised = safety_concerns().filter(between("raised_at", period, program)).count()
    asked = debrief_requests().filter(between("requested_at", period, program)).count()
    calls = build(
        key="calls-for-help",
        title=_("Safety concerns and debriefs"),
        row_header=_("Call"),
        columns=[_("Count")],
        rows=[(_("Safety concerns raised"), [raised]), (_("Debriefs asked for"), [asked])],
        min_cell=min_cell,
        with_totals=False,
    )
    return Section(
        key="roster",
        title=_("The roster"),
        tables=[people, loads, calls],
        measures=[
            Measure(
                _("Training and continuing-education hours"),
                Decimal(learning["hours"] or 0),
                learning["records"],
                is_total=True,
            )
        ],
    )
