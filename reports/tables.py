"""The reports' tables, and the rule that no person can be singled out of them.

Every count from 1 to `REPORT_MIN_CELL - 1` shows as "<5" (primary suppression), and so
does whatever would reveal it (complementary suppression): in a row or a column whose total
is shown, a single hidden cell could be worked out as the total minus the shown cells, so a
second cell is hidden too — the smallest one left — or, when none is left, the total.
Percentages are shown only for shown cells over a shown total. A table whose rows can count
one request several times (reasons) has no totals at all, and says so.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


@dataclass
class Cell:
    count: int
    small: bool = False  # hidden because it is a small count
    masked: bool = False  # hidden because it would reveal a small count elsewhere
    percent: Decimal | None = None

    @property
    def hidden(self) -> bool:
        return self.small or self.masked

    def display(self, min_cell: int) -> str:
        if self.small:
            return f"<{min_cell}"
        if self.masked:
            return "\N{EN DASH}"
        return f"{self.count:,}"


@dataclass
class Row:
    label: str
    cells: list[Cell]
    total: Cell | None = None


@dataclass
class Table:
    """A titled table of counts: `rows` by `columns`, with the totals it may show."""

    key: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    column_totals: list[Cell] | None = None
    grand_total: Cell | None = None
    note: str = ""
    percent_of_total: bool = False
    min_cell: int = 5
    with_totals: bool = field(default=True)

    @property
    def is_empty(self) -> bool:
        return not any(cell.count for row in self.rows for cell in row.cells)

    def display(self, cell: Cell) -> str:
        return cell.display(self.min_cell)


def build(
    *,
    key: str,
    title: str,
    row_header: str,
    columns: list[str],
    rows: list[tuple[str, list[int]]],
    min_cell: int,
    with_totals: bool = True,
    percent_of_total: bool = False,
    note: str = "",
) -> Table:
    """Build a table from raw counts and hide what must be hidden."""
    table = Table(
        key=key,
        title=title,
        row_header=row_header,
        columns=columns,
        rows=[Row(label=label, cells=[Cell(count) for count in counts]) for label, counts in rows],
        note=note,
        percent_of_total=percent_of_total,
        min_cell=min_cell,
        with_totals=with_totals,
    )
    if with_totals:
        many_columns = len(columns) > 1
        for row in table.rows:
            if many_columns:
                row.total = Cell(sum(cell.count for cell in row.cells))
        table.column_totals = [
            Cell(sum(row.cells[index].count for row in table.rows)) for index in range(len(columns))
        ]
        if many_columns:
            table.grand_total = Cell(sum(total.count for total in table.column_totals))
    suppress(table)
    if percent_of_total and table.column_totals is not None:
        _percentages(table)
    return table


def _is_small(count: int, min_cell: int) -> bool:
    return 0 < count < min_cell


def _lines(table: Table) -> list[tuple[list[Cell], Cell]]:
    """Every row and column whose total is shown, with that total (the totals' own line too)."""
    lines: list[tuple[list[Cell], Cell]] = []
    for row in table.rows:
        if row.total is not None:
            lines.append((row.cells, row.total))
    if table.column_totals is not None:
        for index, total in enumerate(table.column_totals):
            lines.append(([row.cells[index] for row in table.rows], total))
        if table.grand_total is not None:
            lines.append((table.column_totals, table.grand_total))
            lines.append(
                ([row.total for row in table.rows if row.total is not None], table.grand_total)
            )
    return lines


def suppress(table: Table) -> None:
    """Hide small counts, then whatever would let one be worked out, until nothing changes."""
    everything = [cell for row in table.rows for cell in row.cells]
    everything += [row.total for row in table.rows if row.total is not None]
    everything += table.column_totals or []
    everything += [table.grand_total] if table.grand_total is not None else []
    for cell in everything:
        cell.small = _is_small(cell.count, table.min_cell)
    changed = True
    while changed:
        changed = False
        for cells, total in _lines(table):
            if total.hidden:
                continue
            hidden = [cell for cell in cells if cell.hidden]
            if len(hidden) != 1:
                continue
            # The one hidden cell equals the total minus the shown ones: hide another.
            candidates = sorted(
                (cell for cell in cells if not cell.hidden and cell.count > 0),
                key=lambda cell: cell.count,
            )
            if candidates:
                candidates[0].masked = True
            else:
                total.masked = True
            changed = True


def _percentages(table: Table) -> None:
    assert table.column_totals is not None  # noqa: S101  (build() sets them first)
    for index, total in enumerate(table.column_totals):
        if total.hidden or total.count == 0:
            continue
        for row in table.rows:
            cell = row.cells[index]
            if not cell.hidden:
                cell.percent = (Decimal(cell.count * 100) / total.count).quantize(
                    Decimal("1"), rounding=ROUND_HALF_UP
                )


@dataclass(frozen=True)
class Measure:
    """A figure over `count` values: a median, a percentile or a share is shown only over
    at least `min_cell` values; a total (`is_total`) is shown unless its count is small."""

    label: str
    value: Decimal | None
    count: int
    unit: str = ""
    is_total: bool = False

    def display(self, min_cell: int) -> str:
        if self.is_total and self.count == 0:
            return "0"
        if self.is_total and self.count < min_cell:
            return f"<{min_cell}"
        if not self.is_shown(min_cell):
            return _("not shown (fewer than %(min)d values)") % {"min": min_cell}
        return f"{self.value:,}{self.unit}"

    def is_shown(self, min_cell: int) -> bool:
        return self.value is not None and self.count >= min_cell
