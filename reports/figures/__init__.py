"""Every figure of the evaluation, computed in Postgres, for one calendar period.

Each table is one grouped query (or two, for a table that adds direct contacts to
requests), so the page costs the same number of queries at any size; medians and the 90th
percentile come from `percentile_cont`. Nothing here loops over rows in Python: Python only
arranges what the queries counted into tables, and hides what must be hidden
(`reports.tables`). One module per section of the dashboard.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Min

from intake.selectors import requests
from programs.program import Program, current

from ..periods import Period
from ..tables import Table
from .common import Section
from .demand import demand
from .feedback import feedback
from .responsiveness import responsiveness
from .roster import supporters_section
from .support import support


@dataclass
class Report:
    period: Period
    min_cell: int
    sections: list[Section]

    @property
    def has_data(self) -> bool:
        """Whether the period holds anything at all (else the page says "no data yet")."""
        return any(not table.is_empty for _section, table in self.tables()) or any(
            measure.count for section in self.sections for measure in section.measures
        )

    def tables(self) -> Iterable[tuple[Section, Table]]:
        for section in self.sections:
            for table in section.tables:
                yield section, table


def first_day(program: Program) -> date | None:
    """The day of the program's first request (its reports start that year)."""
    first: datetime | None = requests().aggregate(first=Min("submitted_at"))["first"]
    return program.local_time(first).date() if first else None


def build_report(period: Period, *, program: Program | None = None) -> Report:
    """Return the whole evaluation for `period` in a fixed number of queries."""
    program = program or current()
    min_cell = program.report_min_cell
    return Report(
        period=period,
        min_cell=min_cell,
        sections=[
            demand(period, program, min_cell),
            responsiveness(period, program, min_cell),
            support(period, program, min_cell),
            supporters_section(period, program, min_cell),
            feedback(period, program, min_cell),
        ],
    )
