"""Feedback: the anonymous surveys' answers, invited and open link apart."""

from django.utils.translation import gettext as _

from surveys.models import Question, Response, SurveyKind
from surveys.selectors import answers_between

from ..periods import Period
from ..tables import Table, build
from .common import Section


def feedback(period: Period, min_cell: int) -> Section:
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
    return Section(key="feedback", title=_("Feedback"), tables=tables)
