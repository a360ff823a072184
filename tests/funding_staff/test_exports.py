"""Exports of a funding year for the Bezirksregierung: CSV for German Excel and XLSX, one row
per case with the right figures, summaries per town and block, the formula-injection guard,
file names and headers, and a query count that does not grow."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from funding.exports import guard_formula
from funding.services import payments, proof
from tests.factories import OrganisationFactory, TownFactory
from tests.funding.factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    block,
    coordinator_of,
    next_year,
    submitted,
)
from tests.querybudget import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]


def export_url(year, fmt: str, summary: str | None = None) -> str:
    url = reverse("funding:staff_export", args=[year.pk, fmt])
    return f"{url}?summary={summary}" if summary else url


def read_csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.fixture
def world(staff):
    """A year with a closed case (paid, repaid), an approved one, a submitted one in another
    town and block, a draft (never exported) and a case of another year."""
    year = ProgrammeYearFactory()
    beckum = TownFactory(name="Beckum")
    closed = approved(
        ApplicationFactory(
            programme_year=year,
            reference="KA2-2027-001",
            title="Sprachcafé",
            organisation=OrganisationFactory(name="Helferkreis Ahlen", kind="verein"),
            requested_amount=Decimal("900"),
            own_contribution=Decimal("100"),
            cost_lines=[("fees", "Honorar", "600"), ("material", "Bücher", "400")],
        ),
        amount=Decimal("800"),
    )
    coordinator = coordinator_of(closed)
    payment = payments.payment_request(application=closed, amount=Decimal("800"), actor=coordinator)
    payments.payment_mark_paid(payment=payment, actor=staff)
    proof.proof_submit(
        application=closed,
        report="Bericht",
        actual_amounts={line.pk: line.amount for line in closed.cost_lines.all()},
        actor=coordinator,
        today=closed.ends_on,
    )
    proof.application_close(application=closed, actor=staff, repayment=Decimal("75.5"))
    approved(
        ApplicationFactory(
            programme_year=year, reference="KA2-2027-002", requested_amount=Decimal("900")
        )
    )
    submitted(
        ApplicationFactory(
            programme_year=year,
            reference="KA2-2027-003",
            town=beckum,
            block=block(year, "C"),
            requested_amount=Decimal("500"),
            own_contribution=Decimal("500"),
        )
    )
    ApplicationFactory(programme_year=year, reference="KA2-2027-DRAFT")
    other_year = ProgrammeYearFactory(year=next_year() + 1)
    ApplicationFactory(
        programme_year=other_year,
        block=block(other_year, "A"),
        reference="KA2-2028-001",
        status="submitted",
    )
    closed.refresh_from_db()
    return {"year": year, "closed": closed}


def test_csv_has_one_row_per_case_with_the_figures(staff_client, world):
    year, closed = world["year"], world["closed"]
    response = staff_client.get(export_url(year, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="foerderfaelle-KA2-{year.year}.csv"'
    )
    header, *rows = read_csv(response)
    assert header[:6] == [
        "Aktenzeichen",
        "Organisation",
        "Art der Organisation",
        "Ort",
        "Baustein",
        "Projekttitel",
    ]
    assert [row[0] for row in rows] == ["KA2-2027-001", "KA2-2027-002", "KA2-2027-003"]
    record = dict(zip(header, rows[0], strict=True))
    signed_on = timezone.localtime(closed.signed_at).strftime("%d.%m.%Y")
    proof_on = timezone.localtime(closed.proof_submitted_at).strftime("%d.%m.%Y")
    assert record == {
        "Aktenzeichen": "KA2-2027-001",
        "Organisation": "Helferkreis Ahlen",
        "Art der Organisation": "Verein",
        "Ort": "Ahlen",
        "Baustein": "A",
        "Projekttitel": "Sprachcafé",
        "Beginn": f"01.02.{next_year()}",
        "Ende": f"30.11.{next_year()}",
        "Status": "abgeschlossen",
        "beantragt (EUR)": "900,00",
        "Eigenanteil (EUR)": "100,00",
        "Gesamtkosten (EUR)": "1000,00",
        "bewilligt (EUR)": "800,00",
        "ausgezahlt (EUR)": "800,00",
        "zurückgefordert (EUR)": "75,50",
        "Verwendungsnachweis fällig am": closed.proof_due_on.strftime("%d.%m.%Y"),
        "Verwendungsnachweis eingereicht am": proof_on,
        "gezeichnet am": signed_on,
    }
    submitted_row = dict(zip(header, rows[2], strict=True))
    assert submitted_row["Status"] == "eingereicht"
    assert submitted_row["bewilligt (EUR)"] == ""
    assert submitted_row["gezeichnet am"] == ""
    assert (submitted_row["Ort"], submitted_row["Baustein"]) == ("Beckum", "C")


def test_csv_summaries_per_town_and_per_block(staff_client, world):
    year = world["year"]
    towns = read_csv(staff_client.get(export_url(year, "csv", "town")))
    blocks_response = staff_client.get(export_url(year, "csv", "block"))
    blocks = read_csv(blocks_response)

    assert towns == [
        [
            "Ort",
            "Anträge",
            "davon bewilligt",
            "beantragt (EUR)",
            "bewilligt (EUR)",
            "ausgezahlt (EUR)",
            "zurückgefordert (EUR)",
        ],
        ["Ahlen", "2", "2", "1800,00", "1700,00", "800,00", "75,50"],
        ["Beckum", "1", "0", "500,00", "0,00", "0,00", "0,00"],
        ["gesamt", "3", "2", "2300,00", "1700,00", "800,00", "75,50"],
    ]
    assert [row[:3] for row in blocks[1:]] == [
        ["A: Baustein A", "2", "2"],
        ["C: Baustein C", "1", "0"],
        ["gesamt", "3", "2"],
    ]
    assert blocks_response["Content-Disposition"].endswith(
        f'filename="foerderfaelle-KA2-{year.year}-bausteine.csv"'
    )


def test_xlsx_has_the_cases_and_both_summaries_with_numbers_and_dates(staff_client, world):
    year, closed = world["year"], world["closed"]
    response = staff_client.get(export_url(year, "xlsx"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="foerderfaelle-KA2-{year.year}.xlsx"'
    )
    book = read_xlsx(response)
    assert book.sheetnames == ["Förderfälle", "nach Orten", "nach Bausteinen"]
    cases = list(book["Förderfälle"].iter_rows(values_only=True))
    header, rows = cases[0], cases[1:]
    assert [row[0] for row in rows] == ["KA2-2027-001", "KA2-2027-002", "KA2-2027-003"]
    record = dict(zip(header, rows[0], strict=True))
    assert record["bewilligt (EUR)"] == 800
    assert record["zurückgefordert (EUR)"] == 75.5
    assert record["Gesamtkosten (EUR)"] == 1000
    assert record["Beginn"] == dt.datetime(next_year(), 2, 1)
    assert record["Verwendungsnachweis fällig am"] == dt.datetime.combine(
        closed.proof_due_on, dt.time()
    )
    assert dict(zip(header, rows[2], strict=True))["bewilligt (EUR)"] is None
    towns = list(book["nach Orten"].iter_rows(values_only=True))
    assert towns[1:] == [
        ("Ahlen", 2, 2, 1800, 1700, 800, 75.5),
        ("Beckum", 1, 0, 500, 0, 0, 0),
        ("gesamt", 3, 2, 2300, 1700, 800, 75.5),
    ]
    blocks = list(book["nach Bausteinen"].iter_rows(values_only=True))
    assert [row[0] for row in blocks[1:]] == ["A: Baustein A", "C: Baustein C", "gesamt"]


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1+1"],
)
def test_cells_that_look_like_formulas_are_neutralised(staff_client, title):
    year = ProgrammeYearFactory()
    submitted(
        ApplicationFactory(
            programme_year=year,
            title=title,
            organisation=OrganisationFactory(name="=cmd|' /C calc'!A0"),
        )
    )

    _header, row = read_csv(staff_client.get(export_url(year, "csv")))
    assert row[5] == "'" + title
    assert row[1] == "'=cmd|' /C calc'!A0"

    sheet = read_xlsx(staff_client.get(export_url(year, "xlsx")))["Förderfälle"]
    title_cell, name_cell = sheet.cell(row=2, column=6), sheet.cell(row=2, column=2)
    # Stored as text cells, never as formulas: the spreadsheet shows them, runs nothing.
    assert (title_cell.data_type, title_cell.value) == ("s", title)
    assert name_cell.data_type == "s"


def test_guard_leaves_ordinary_text_alone():
    assert guard_formula("Sprachcafé = Treffpunkt") == "Sprachcafé = Treffpunkt"
    assert guard_formula("") == ""
    assert guard_formula("=1") == "'=1"


def test_markup_in_a_title_is_exported_as_the_plain_text_it_is(staff_client):
    year = ProgrammeYearFactory()
    submitted(ApplicationFactory(programme_year=year, title="<b>Café</b> & Treff"))
    _header, row = read_csv(staff_client.get(export_url(year, "csv")))
    assert row[5] == "<b>Café</b> & Treff"


def test_unknown_format_summary_or_year_is_404(staff_client):
    year = ProgrammeYearFactory()
    assert staff_client.get(export_url(year, "pdf")).status_code == 404
    assert staff_client.get(export_url(year, "csv", "organisation")).status_code == 404
    missing = reverse("funding:staff_export", args=[999_999, "csv"])
    assert staff_client.get(missing).status_code == 404


def test_exports_are_for_staff_only(client, world):
    url = export_url(world["year"], "csv")
    assert client.get(url).status_code == 302  # to the login
    client.force_login(coordinator_of(world["closed"]))
    assert client.get(url).status_code == 403


def test_export_queries_do_not_grow_with_the_cases(staff_client):
    year = ProgrammeYearFactory()
    submitted(ApplicationFactory(programme_year=year))
    for fmt in ("csv", "xlsx"):
        few, _ = count_queries(staff_client, export_url(year, fmt))
        assert few <= 8, few
    for i in range(20):
        ApplicationFactory(
            programme_year=year,
            status="submitted",
            town=TownFactory(name=f"Ort {i % 3}"),
            cost_lines=[("fees", "a", "500"), ("material", "b", "500")],
        )
    for fmt in ("csv", "xlsx"):
        many, _ = count_queries(staff_client, export_url(year, fmt))
        assert many <= 8, many
