"""Small filters and tags of the reports' templates."""

from django import template

from ..charts import Chart
from ..tables import Cell, Measure, Table

register = template.Library()


@register.filter
def get_chart(charts: dict[str, Chart], key: str) -> Chart | None:
    return charts.get(key)


@register.filter
def bar_width(width: float) -> str:
    """A bar's width in the 0-100 viewBox, written with a dot whatever the locale."""
    return f"{max(0.0, min(100.0, width)):.1f}"


@register.simple_tag
def cell_display(table: Table, cell: Cell) -> str:
    shown = table.display(cell)
    return f"{shown} ({cell.percent}%)" if cell.percent is not None else shown


@register.simple_tag
def measure_display(measure: Measure, min_cell: int) -> str:
    return measure.display(min_cell)
