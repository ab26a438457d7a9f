"""Support given: conversations, hours, outcomes and referrals on."""

from decimal import Decimal

from django.db.models import (
    Count,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from intake.selectors import requests
from matching.selectors import conversations
from matching.selectors.direct import direct_contacts
from programs.program import Program
from programs.vocabulary import Modality, Outcome, ReferralResource

from ..periods import Period
from ..tables import Measure, build
from .common import Section, between, dates_in, rounded


def support(period: Period, program: Program, min_cell: int) -> Section:
    held = conversations().filter(dates_in("held_on", period))
    direct = direct_contacts().filter(dates_in("held_on", period))
    modality = {value: [0, 0] for value in Modality.values}
    follow_up = [[0, 0], [0, 0]]  # [planned, not planned] of [assigned, direct]
    minutes = [0, 0]
    for column, rows in (
        (
            0,
            held.order_by()
            .values("modality", "is_follow_up_planned")
            .annotate(count=Count("pk"), minutes=Coalesce(Sum("minutes"), 0))
            .values_list("modality", "is_follow_up_planned", "count", "minutes"),
        ),
        (
            1,
            direct.order_by()
            .values("modality", "is_follow_up_planned")
            .annotate(count=Count("pk"), minutes=Coalesce(Sum("minutes"), 0))
            .values_list("modality", "is_follow_up_planned", "count", "minutes"),
        ),
    ):
        for kind, is_planned, count, total_minutes in rows:
            modality.setdefault(kind, [0, 0])[column] += count
            follow_up[0 if is_planned else 1][column] += count
            minutes[column] += total_minutes
    people = held.aggregate(people=Count("assignment__request", distinct=True))["people"]
    people += direct.filter(is_first_conversation=True).count()
    talks = sum(modality_counts[0] + modality_counts[1] for modality_counts in modality.values())

    mix = build(
        key="conversations",
        title=_("Conversations, by way of talking"),
        row_header=_("Way of talking"),
        columns=[_("Assigned contacts"), _("Reached directly")],
        rows=[
            (str(Modality(value).label), counts)
            for value, counts in modality.items()
            if value in Modality.values
        ],
        min_cell=min_cell,
        percent_of_total=True,
    )
    planned = build(
        key="follow-up",
        title=_("Another conversation planned"),
        row_header=_("Follow-up"),
        columns=[_("Assigned contacts"), _("Reached directly")],
        rows=[(_("Planned"), follow_up[0]), (_("Not planned"), follow_up[1])],
        min_cell=min_cell,
    )
    hours = Measure(
        _("Volunteer hours (assigned and direct)"),
        rounded(sum(minutes) / 60),
        talks,
        is_total=True,
    )
    per_person = Measure(
        _("Conversations per person supported"),
        rounded(talks / people) if people else None,
        people,
        "",
    )

    closed = requests().filter(between("closed_at", period, program))
    outcome_counts = dict.fromkeys(Outcome.values, 0)
    resources = {value: [0, 0] for value in ReferralResource.values}
    for outcome, resource, count in (
        closed.order_by()
        .values("outcome", "referred_to")
        .annotate(count=Count("pk"))
        .values_list("outcome", "referred_to", "count")
    ):
        if outcome in outcome_counts:
            outcome_counts[outcome] += count
        if resource in resources:
            resources[resource][0] += count
    for resource, count in (
        direct.exclude(referred_to="")
        .order_by()
        .values("referred_to")
        .annotate(count=Count("pk"))
        .values_list("referred_to", "count")
    ):
        if resource in resources:
            resources[resource][1] += count
    outcomes = build(
        key="outcomes",
        title=_("How contacts closed"),
        row_header=_("Outcome"),
        columns=[_("Requests")],
        rows=[(str(Outcome(value).label), [count]) for value, count in outcome_counts.items()],
        min_cell=min_cell,
        percent_of_total=True,
    )
    referred = build(
        key="referrals-on",
        title=_("Referred on, by kind of resource"),
        row_header=_("Kind of resource"),
        columns=[_("Assigned contacts"), _("Reached directly")],
        rows=[(str(ReferralResource(value).label), counts) for value, counts in resources.items()],
        min_cell=min_cell,
    )
    return Section(
        key="support",
        title=_("Support given"),
        tables=[mix, planned, outcomes, referred],
        measures=[
            Measure(_("Conversations"), Decimal(talks), talks, is_total=True),
            hours,
            Measure(_("People supported"), Decimal(people), people, is_total=True),
            per_person,
        ],
    )
