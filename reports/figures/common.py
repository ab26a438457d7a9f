"""What every section of the report shares: its shape, the period's bounds, the percentile."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Aggregate, FloatField, Q
from django.utils import formats

from programs.program import Program

from ..periods import Period
from ..tables import Measure, Table


class PercentileCont(Aggregate):
    """`percentile_cont(p) WITHIN GROUP (ORDER BY x)`: a continuous percentile."""

    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()

    def __init__(self, expression: Any, percentile: float, **extra: Any) -> None:
        super().__init__(expression, percentile=percentile, **extra)


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)


def between(field_name: str, period: Period, program: Program) -> Q:
    """The moments of `period` on the program's clock (a datetime column)."""
    return Q(
        **{
            f"{field_name}__gte": period.start(program.time_zone),
            f"{field_name}__lt": period.end(program.time_zone),
        }
    )


def dates_in(field_name: str, period: Period) -> Q:
    """The days of `period` (a date column)."""
    return Q(**{f"{field_name}__gte": period.first, f"{field_name}__lte": period.last})


def month_label(month: date) -> str:
    return formats.date_format(month, "F Y")


def rounded(value: float | None, places: str = "0.1") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)
