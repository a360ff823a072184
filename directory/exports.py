"""The figures per town as files for the AG Integration's meetings.

- Staff: all towns side by side (one row per town, the district total last) as CSV, or as XLSX
  with two more sheets: volunteers per language and per activity area (small counts suppressed
  as in the pages: "weniger als 3").
- Municipal accounts: their own town's figures as CSV, one figure per line.
- CSV for German Excel (UTF-8 with BOM, semicolon, decimal comma) and XLSX that never turns a
  text into a formula, as funding.exports does (its helpers are reused). Always German, like
  the funding exports. No names, no emails: the selectors hand out counts only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from funding.exports import Column, csv_bytes, guard_formula
from volunteers.models import Town

from .selectors_figures import (
    Breakdown,
    FiguresOverview,
    TownFigures,
    all_towns_figures,
    town_figures,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def figure_columns() -> list[Column]:
    """The columns of the side-by-side table ("money" also formats hours: two decimals)."""
    return [
        Column("name", _("Stadt/Gemeinde"), "text"),
        Column("volunteers", _("Ehrenamtliche (Wohnort)"), "int"),
        Column("requests_published", _("Hilfegesuche veröffentlicht"), "int"),
        Column("requests_open", _("davon offen"), "int"),
        Column("requests_filled", _("davon besetzt"), "int"),
        Column("hours", _("Bestätigte Stunden"), "hours"),
        Column("trainings_attended", _("Besuchte Schulungen"), "int"),
        Column("applications_submitted", _("KOMM-AN-Anträge eingereicht"), "int"),
        Column("applications_approved", _("bewilligt"), "int"),
        Column("applications_rejected", _("abgelehnt"), "int"),
        Column("money_committed", _("Bewilligte Mittel (EUR)"), "money"),
    ]


def less_than_three() -> str:
    return _("weniger als 3")


def not_shown() -> str:
    """A count of 3 or more hidden so that a small one cannot be computed from the total."""
    return _("nicht ausgewiesen")


def hidden_label(complement: bool) -> str:
    return not_shown() if complement else less_than_three()


def year_label(year: int | None) -> str:
    return str(year) if year is not None else _("alle Jahre")


def _row(figures: TownFigures, name: str | None = None) -> dict:
    shown = figures.volunteers_shown
    return {
        "name": name if name is not None else figures.name,
        **{column.key: getattr(figures, column.key) for column in figure_columns()[1:]},
        "volunteers": hidden_label(figures.volunteers_complement) if shown is None else shown,
    }


def overview_rows(overview: FiguresOverview) -> list[dict]:
    """The towns by name, data without a town (if any), the district total."""
    rows = [_row(figures) for figures in overview.rows]
    if overview.unknown is not None:
        rows.append(_row(overview.unknown, _("ohne Ortsangabe")))
    rows.append(_row(overview.total, _("Kreis gesamt")))
    return rows


def filename(extension: str, year: int | None, town: Town | None = None) -> str:
    """zahlen-nach-orten-2026.csv; zahlen-ahlen-alle-jahre.csv for one town."""
    stem = f"zahlen-{town.slug}" if town is not None else "zahlen-nach-orten"
    return f"{stem}-{year if year is not None else 'alle-jahre'}.{extension}"


# --- CSV -------------------------------------------------------------------------------------


def _csv_columns() -> list[Column]:
    # funding.exports writes "money" with two decimals and a comma: right for hours, too.
    return [
        Column(c.key, c.label, "money" if c.kind == "hours" else c.kind) for c in figure_columns()
    ]


def overview_csv(year: int | None) -> bytes:
    with translation.override("de"):
        return csv_bytes(_csv_columns(), overview_rows(all_towns_figures(year)))


def _decimal(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def _breakdown_lines(prefix: str, rows: Iterable[Breakdown]) -> list[list[str]]:
    return [
        [
            f"{prefix}: {row.label}",
            hidden_label(row.complement) if row.suppressed else str(row.count),
        ]
        for row in rows
    ]


def town_csv(town: Town, year: int | None) -> bytes:
    """One town: a line per figure ("Kennzahl;Wert"), then the breakdowns."""
    with translation.override("de"):
        figures = town_figures(town, year)
        lines = [
            [_("Kennzahl"), _("Wert")],
            [_("Stadt/Gemeinde"), figures.name],
            [_("Jahr"), year_label(year)],
        ]
        shown = _row(figures)
        for column in figure_columns()[1:]:
            value = shown[column.key]
            lines.append([column.label, _decimal(value) if column.kind != "int" else str(value)])
        lines += _breakdown_lines(_("Sprache"), figures.languages)
        lines += _breakdown_lines(_("Tätigkeitsbereich"), figures.activity_areas)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        for line in lines:
            writer.writerow([guard_formula(cell) for cell in line])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- XLSX ------------------------------------------------------------------------------------


def overview_xlsx(year: int | None) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    formats = {
        "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "money": workbook.add_format({"num_format": '#,##0.00 "€"'}),
        "hours": workbook.add_format({"num_format": "#,##0.00"}),
        "int": None,
        "text": None,
    }
    bold = {
        "header": formats["header"],
        "money": workbook.add_format({"bold": True, "num_format": '#,##0.00 "€"'}),
        "hours": workbook.add_format({"bold": True, "num_format": "#,##0.00"}),
        "int": workbook.add_format({"bold": True}),
        "text": workbook.add_format({"bold": True}),
    }
    with translation.override("de"):
        overview = all_towns_figures(year)
        columns = figure_columns()
        sheet = workbook.add_worksheet(_("Orte"))
        _header(sheet, formats, [c.label for c in columns])
        rows = overview_rows(overview)
        for index, row in enumerate(rows, start=1):
            style = bold if index == len(rows) else formats
            for col, column in enumerate(columns):
                value = row[column.key]
                if column.kind == "text" or isinstance(value, str):
                    sheet.write_string(index, col, str(value), style["text"])
                else:
                    sheet.write_number(index, col, float(value), style[column.kind])
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, len(columns) - 1, 14)
        for title, attribute, label in (
            (_("Sprachen"), "languages", _("Sprache")),
            (_("Tätigkeitsbereiche"), "activity_areas", _("Tätigkeitsbereich")),
        ):
            sheet = workbook.add_worksheet(title)
            _header(sheet, formats, [_("Stadt/Gemeinde"), label, _("Ehrenamtliche")])
            line = 1
            for figures in overview.rows:
                for item in getattr(figures, attribute):
                    sheet.write_string(line, 0, figures.name)
                    sheet.write_string(line, 1, item.label)
                    if item.suppressed:
                        sheet.write_string(line, 2, hidden_label(item.complement))
                    else:
                        sheet.write_number(line, 2, item.count)
                    line += 1
            sheet.set_column(0, 1, 24)
            sheet.set_column(2, 2, 14)
        workbook.set_properties(
            {"title": _("Zahlen nach Orten %(year)s") % {"year": year_label(year)}}
        )
    workbook.close()
    return output.getvalue()


def _header(sheet, formats, labels: list[str]) -> None:
    for index, label in enumerate(labels):
        sheet.write_string(0, index, label, formats["header"])
    sheet.freeze_panes(1, 0)
