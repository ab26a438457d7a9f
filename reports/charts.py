"""Charts drawn on the server: a bar per row, as inline SVG, from a table already suppressed.

Each bar is its own small SVG that stretches to the width it is given, so a chart reads
at 360 px as well as on a desktop; the labels and values are text, read by screen
readers and printed as they are, and the bars repeat them (`aria-hidden`). The series'
colours come from the Okabe-Ito palette, distinguishable with the common colour-vision
deficiencies, and a hidden count draws no bar at all.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .tables import Cell, Table


@dataclass(frozen=True)
class Bar:
    series: int
    series_label: str
    width: float  # percent of the widest value, 0 when hidden
    text: str


@dataclass(frozen=True)
class BarRow:
    label: str
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    rows: list[BarRow]
    legend: list[str]


def _text(table: Table, cell: Cell) -> str:
    shown = table.display(cell)
    if cell.percent is not None:
        return f"{shown} ({cell.percent}%)"
    return shown


def chart_of(table: Table, *, by_total: bool = False) -> Chart:
    """Draw `table` as bars: one per cell, or one per row's total with `by_total`."""
    if by_total:
        pairs = [
            (row.label, [row.total if row.total is not None else row.cells[0]])
            for row in table.rows
        ]
        legend: list[str] = []
    else:
        pairs = [(row.label, row.cells) for row in table.rows]
        legend = table.columns if len(table.columns) > 1 else []
    shown = [cell.count for _label, cells in pairs for cell in cells if not cell.hidden]
    widest = max(shown, default=0)
    rows = [
        BarRow(
            label=label,
            bars=[
                Bar(
                    series=index,
                    series_label=legend[index] if legend else "",
                    width=0.0 if cell.hidden or not widest else round(100 * cell.count / widest, 1),
                    text=_text(table, cell),
                )
                for index, cell in enumerate(cells)
            ],
        )
        for label, cells in pairs
    ]
    return Chart(
        key=table.key,
        title=table.title,
        summary=summary_of(table, pairs),
        rows=rows,
        legend=legend,
    )


def summary_of(table: Table, pairs: list[tuple[str, list[Cell]]]) -> str:
    """Say in words what the chart shows: its largest shown value, or why it shows little."""
    if table.is_empty:
        return _("No data yet for this period.")
    best: tuple[int, str] | None = None
    for label, cells in pairs:
        for cell in cells:
            if not cell.hidden and (best is None or cell.count > best[0]):
                best = (cell.count, label)
    if best is None:
        return _("Every count here is too small to show without singling someone out.")
    return _("The largest: %(label)s, %(count)s.") % {"label": best[1], "count": f"{best[0]:,}"}
