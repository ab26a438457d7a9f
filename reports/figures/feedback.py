"""Feedback: the anonymous surveys' answers (invited and open link apart), and the drop-in
groups held with their polls' answers."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from programs.program import Program
from surveys.groups.selectors import group_results_by_month, poll_labels
from surveys.models import PollKind, Question, Response, SurveyKind
from surveys.selectors import answers_between

from ..periods import Period
from ..tables import Table, build
from .common import Section, month_label


def feedback(period: Period, program: Program, min_cell: int) -> Section:
    tables: list[Table] = []
    for kind, prefix in (
        (SurveyKind.POST_SUPPORT, _("After support")),
        (SurveyKind.AWARENESS, _("Awareness")),
    ):
        answers = answers_between(kind=kind, first_day=period.first, last_day=period.last)
        channels = [Response.Channel.INVITED, Response.Channel.OPEN_LINK]
        for question in answers.questions:
            options: list[tuple[int | None, int | None, str]]
            if question.kind == Question.Kind.SCALE:
                options = [(None, value, label) for value, label in question.scale_options()]
            else:
                options = [(choice.pk, None, choice.text) for choice in question.choices.all()]
            several = question.kind == Question.Kind.MULTIPLE
            tables.append(
                build(
                    key=f"survey-{question.pk}",
                    title=f"{prefix}: {question.text}",
                    row_header=_("Answer"),
                    columns=[str(channel.label) for channel in channels],
                    rows=[
                        (
                            label,
                            [
                                answers.counts.get((question.pk, choice, value, channel), 0)
                                for channel in channels
                            ],
                        )
                        for choice, value, label in options
                    ],
                    min_cell=min_cell,
                    with_totals=not several,
                    percent_of_total=not several,
                    note=_("Several answers could be ticked: no total.") if several else "",
                )
            )
    return Section(
        key="feedback",
        title=_("Feedback"),
        tables=[*tables, *groups(period, program, min_cell)],
    )


def groups(period: Period, program: Program, min_cell: int) -> list[Table]:
    """The drop-in groups held in the period, their polls' answers and how they spread."""
    months = group_results_by_month(
        since=period.first, until=period.last, now=timezone.now(), min_cell=min_cell
    )
    by_month = {month.month: month for month in months}
    held = build(
        key="group-sessions",
        title=_("Drop-in group sessions held, and their polls answered"),
        row_header=_("Month"),
        columns=[_("Sessions"), _("Entrance poll answers"), _("Exit poll answers")],
        rows=[
            (
                month_label(day),
                [
                    by_month[day].sessions_held if day in by_month else 0,
                    by_month[day].answers[PollKind.ENTRANCE].count if day in by_month else 0,
                    by_month[day].answers[PollKind.EXIT].count if day in by_month else 0,
                ],
            )
            for day in period.months()
        ],
        min_cell=min_cell,
        note=_("Polls are anonymous and answered once per browser: answers are not people."),
    )
    labels = poll_labels()
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for month in months:
        for key, cell in month.choices.items():
            totals[key] += cell.count
    tables = [held]
    for (kind, question), text in labels.questions.items():
        options = [
            (label, [totals.get((poll_kind, code, choice), 0)])
            for (poll_kind, code, choice), label in labels.choices.items()
            if (poll_kind, code) == (kind, question)
        ]
        several = (kind, question) in labels.multiple
        tables.append(
            build(
                key=f"poll-{kind}-{question}",
                title=f"{PollKind(kind).label}: {text}",
                row_header=_("Answer"),
                columns=[_("Answers")],
                rows=options,
                min_cell=min_cell,
                with_totals=not several,
                percent_of_total=not several,
                note=_("Several answers could be ticked: no total.") if several else "",
            )
        )
    return tables
