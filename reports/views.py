"""The evaluation dashboard and its CSV: for program leads and administrators only."""

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.access import reports_required
from programs.program import current

from . import periods
from .charts import chart_of
from .figures import Report, build_report, first_day
from .periods import Period


def _period(request: HttpRequest) -> tuple[Period, list[Period]]:
    """The period asked for (a fixed calendar period), else the default; and the choices."""
    program = current()
    today = program.today()
    start = first_day(program)
    choices = periods.choices(today=today, first_day=start)
    asked = periods.parse(request.GET.get("period", ""))
    if asked is None or asked.first > today:
        asked = periods.default(today=today, first_day=start)
    return asked, choices


@reports_required
@never_cache
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show how the program is doing in `period`: charts, their tables, small counts hidden."""
    period, choices = _period(request)
    report = build_report(period)
    charts = {
        table.key: chart_of(table, by_total=table.key == "requests-by-month")
        for _section, table in report.tables()
    }
    return render(
        request,
        "reports/dashboard.html",
        {"report": report, "period": period, "choices": choices, "charts": charts},
    )


@reports_required
@never_cache
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The same tables as CSV, suppressed the same way, named for the period."""
    period, _choices = _period(request)
    report = build_report(period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="peer-support-report-{period.key}.csv"'
    write_csv(response, report)
    return response


def write_csv(out: HttpResponse, report: Report) -> None:
    writer = csv.writer(out)
    writer.writerow([_("period"), _("section"), _("table"), _("row"), _("column"), _("value")])
    for section in report.sections:
        for measure in section.measures:
            writer.writerow(
                [
                    report.period.key,
                    section.title,
                    measure.label,
                    "",
                    "",
                    measure.display(report.min_cell),
                ]
            )
        for table in section.tables:
            for row in table.rows:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    writer.writerow(
                        [
                            report.period.key,
                            section.title,
                            table.title,
                            row.label,
                            column,
                            table.display(cell),
                        ]
                    )
                if row.total is not None:
                    writer.writerow(
                        [
                            report.period.key,
                            section.title,
                            table.title,
                            row.label,
                            _("Total"),
                            table.display(row.total),
                        ]
                    )
            if table.column_totals is not None:
                for column, cell in zip(table.columns, table.column_totals, strict=True):
                    writer.writerow(
                        [
                            report.period.key,
                            section.title,
                            table.title,
                            _("Total"),
                            column,
                            table.display(cell),
                        ]
                    )
                if table.grand_total is not None:
                    writer.writerow(
                        [
                            report.period.key,
                            section.title,
                            table.title,
                            _("Total"),
                            _("Total"),
                            table.display(table.grand_total),
                        ]
                    )
