"""The year's cases for the report to the Bezirksregierung, as CSV or XLSX.

- One row per case of a funding year (every status except drafts, which were never submitted),
  with the figures the report asks for; plus summaries per town and per building block.
- XLSX: three sheets (cases, per town, per block); amounts are numbers with a euro format,
  dates are dates, texts are written as strings (never interpreted as formulas).
- CSV, for German Excel: UTF-8 with BOM, semicolon, decimal comma, dates as dd.mm.yyyy. One
  table per file: the cases, or with ?summary=town / ?summary=block the summary.
  Texts that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
  return) get a leading apostrophe.
- Exports are official figures and always in German, like the letters.

Two queries whatever the number of cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

import xlsxwriter
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Application, ProgrammeYear
from .models.programmes import ZERO

SUMMARIES = ("town", "block")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # "text", "money", "date", "int"


def case_columns() -> list[Column]:
    return [
        Column("reference", _("Aktenzeichen"), "text"),
        Column("organisation", _("Organisation"), "text"),
        Column("organisation_kind", _("Art der Organisation"), "text"),
        Column("town", _("Ort"), "text"),
        Column("block", _("Baustein"), "text"),
        Column("title", _("Projekttitel"), "text"),
        Column("starts_on", _("Beginn"), "date"),
        Column("ends_on", _("Ende"), "date"),
        Column("status", _("Status"), "text"),
        Column("requested", _("beantragt (EUR)"), "money"),
        Column("own_contribution", _("Eigenanteil (EUR)"), "money"),
        Column("total_costs", _("Gesamtkosten (EUR)"), "money"),
        Column("approved", _("bewilligt (EUR)"), "money"),
        Column("paid", _("ausgezahlt (EUR)"), "money"),
        Column("repaid", _("zurückgefordert (EUR)"), "money"),
        Column("proof_due_on", _("Verwendungsnachweis fällig am"), "date"),
        Column("proof_submitted_on", _("Verwendungsnachweis eingereicht am"), "date"),
        Column("signed_on", _("gezeichnet am"), "date"),
    ]


def summary_columns(kind: str) -> list[Column]:
    first = _("Ort") if kind == "town" else _("Baustein")
    return [
        Column("key", first, "text"),
        Column("cases", _("Anträge"), "int"),
        Column("approved_cases", _("davon bewilligt"), "int"),
        Column("requested", _("beantragt (EUR)"), "money"),
        Column("approved", _("bewilligt (EUR)"), "money"),
        Column("paid", _("ausgezahlt (EUR)"), "money"),
        Column("repaid", _("zurückgefordert (EUR)"), "money"),
    ]


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def case_rows(programme_year: ProgrammeYear) -> list[dict]:
    """One dict per case of the year, ordered by reference (one query)."""
    applications = (
        Application.objects.filter(programme_year=programme_year)
        .exclude(status=Application.Status.DRAFT)
        .select_related("organisation", "town", "block")
        .annotate(cost_total=Sum("cost_lines__amount"))
        .order_by("reference")
    )
    return [
        {
            "reference": application.reference,
            "organisation": application.organisation.name,
            "organisation_kind": str(application.organisation.get_kind_display()),
            "town": application.town.name,
            "block": application.block.code,
            "block_title": application.block.title,
            "title": application.title,
            "starts_on": application.starts_on,
            "ends_on": application.ends_on,
            "status": str(application.get_status_display()),
            "requested": application.requested_amount,
            "own_contribution": application.own_contribution,
            "total_costs": application.cost_total or ZERO,
            "approved": application.approved_amount,
            "paid": application.paid_amount,
            "repaid": application.repaid_amount,
            "proof_due_on": application.proof_due_on,
            "proof_submitted_on": _local_date(application.proof_submitted_at),
            "signed_on": _local_date(application.signed_at),
        }
        for application in applications
    ]


def summary_rows(rows: Iterable[dict], kind: str) -> list[dict]:
    """Per town or per block (with a total row at the end), from the case rows."""
    groups: dict[str, dict] = {}
    total = _summary_row(_("gesamt"))
    for row in rows:
        key = row["town"] if kind == "town" else f"{row['block']}: {row['block_title']}"
        group = groups.setdefault(key, _summary_row(key))
        for target in (group, total):
            target["cases"] += 1
            target["requested"] += row["requested"]
            if row["approved"] is not None:
                target["approved_cases"] += 1
                target["approved"] += row["approved"]
            target["paid"] += row["paid"]
            target["repaid"] += row["repaid"]
    return [groups[key] for key in sorted(groups)] + [total]


def _summary_row(key: str) -> dict:
    return {
        "key": key,
        "cases": 0,
        "approved_cases": 0,
        "requested": ZERO,
        "approved": ZERO,
        "paid": ZERO,
        "repaid": ZERO,
    }


def filename(programme_year: ProgrammeYear, extension: str, summary: str | None = None) -> str:
    """foerderfaelle-KA2-2027.csv; foerderfaelle-KA2-2027-orte.csv for a summary."""
    suffix = {"town": "-orte", "block": "-bausteine"}.get(summary or "", "")
    return (
        f"foerderfaelle-{programme_year.programme.code}-{programme_year.year}{suffix}.{extension}"
    )


# --- CSV -------------------------------------------------------------------------------------


def guard_formula(text: str) -> str:
    """A text a spreadsheet would evaluate as a formula gets a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_value(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return f"{value:.2f}".replace(".", ",")
    if kind == "date":
        return value.strftime("%d.%m.%Y")
    if kind == "int":
        return str(value)
    return guard_formula(str(value))


def csv_bytes(columns: list[Column], rows: Iterable[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([guard_formula(column.label) for column in columns])
    for row in rows:
        writer.writerow([_csv_value(row[column.key], column.kind) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_csv(programme_year: ProgrammeYear, summary: str | None = None) -> bytes:
    with translation.override("de"):
        rows = case_rows(programme_year)
        if summary:
            return csv_bytes(summary_columns(summary), summary_rows(rows, summary))
        return csv_bytes(case_columns(), rows)


# --- XLSX ------------------------------------------------------------------------------------


def export_xlsx(programme_year: ProgrammeYear) -> bytes:
    output = io.BytesIO()
    # Strings stay strings: no formulas, no links, no numbers guessed from text.
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
        "date": workbook.add_format({"num_format": "dd.mm.yyyy"}),
        "total": workbook.add_format({"bold": True}),
        "total_money": workbook.add_format({"bold": True, "num_format": '#,##0.00 "€"'}),
    }
    with translation.override("de"):
        rows = case_rows(programme_year)
        _sheet(workbook, formats, _("Förderfälle"), case_columns(), rows)
        _sheet(
            workbook,
            formats,
            _("nach Orten"),
            summary_columns("town"),
            summary_rows(rows, "town"),
            total_row=True,
        )
        _sheet(
            workbook,
            formats,
            _("nach Bausteinen"),
            summary_columns("block"),
            summary_rows(rows, "block"),
            total_row=True,
        )
        workbook.set_properties(
            {
                "title": _("Förderfälle %(year)s")
                % {"year": f"{programme_year.programme.short_name} {programme_year.year}"},
                "company": programme_year.programme.funding_authority,
            }
        )
    workbook.close()
    return output.getvalue()


def _sheet(workbook, formats, name, columns, rows, *, total_row: bool = False) -> None:
    sheet = workbook.add_worksheet(name[:31])
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.label, formats["header"])
        sheet.set_column(index, index, 14 if column.kind != "text" else 24)
    sheet.freeze_panes(1, 0)
    rows = list(rows)
    for row_index, row in enumerate(rows, start=1):
        is_total = total_row and row_index == len(rows)
        for index, column in enumerate(columns):
            value = row[column.key]
            if value is None or value == "":
                sheet.write_blank(row_index, index, None)
            elif column.kind == "money":
                fmt = formats["total_money"] if is_total else formats["money"]
                sheet.write_number(row_index, index, float(value), fmt)
            elif column.kind == "int":
                sheet.write_number(row_index, index, value, formats["total"] if is_total else None)
            elif column.kind == "date":
                sheet.write_datetime(row_index, index, value, formats["date"])
            else:
                sheet.write_string(
                    row_index, index, str(value), formats["total"] if is_total else None
                )
    if rows and not total_row:
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)
