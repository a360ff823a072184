"""The budget overview: the table shows the pots and their running figures, the SVG chart is
well-formed, labelled and escaped, and the year can be chosen."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.charts import Group, Series, bar_chart, budget_chart
from funding.models import BuildingBlock, Programme
from funding.selectors import budget_overview
from tests.funding.factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    block,
    next_year,
    submitted,
)
from tests.querybudget import count_queries

from .conftest import svg_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]

BUDGET = reverse("funding:staff_budget")
SVG = "{http://www.w3.org/2000/svg}"


def row_cells(page: str, header: str) -> list[str]:
    """The numeric cells of the table row whose header is `header`."""
    match = re.search(
        rf">{re.escape(header)}</th>(.*?)</tr>", page.split('id="budget-caption"')[1], re.S
    )
    assert match, header
    return re.findall(r'numeric cell-nowrap">([^<]*)</td>', match.group(1))


def test_table_shows_pot_committed_paid_returned_available_and_open_requests(staff_client):
    year = ProgrammeYearFactory()
    approved(ApplicationFactory(programme_year=year, requested_amount=Decimal("900")))
    submitted(
        ApplicationFactory(
            programme_year=year,
            block=block(year, "B"),
            requested_amount=Decimal("450.50"),
            own_contribution=Decimal("549.50"),
        )
    )

    page = staff_client.get(BUDGET, {"year": year.pk}).content.decode()

    # pot, committed, paid, returned, available, open requests
    assert row_cells(page, "A: Baustein A") == [
        "25.000,00",
        "900,00",
        "0,00",
        "0,00",
        "24.100,00",
        "0,00",
    ]
    assert row_cells(page, "B: Baustein B") == [
        "25.000,00",
        "0,00",
        "0,00",
        "0,00",
        "25.000,00",
        "450,50",
    ]
    assert row_cells(page, "Förderjahr gesamt") == [
        "100.000,00",
        "900,00",
        "0,00",
        "0,00",
        "99.100,00",
        "450,50",
    ]
    assert reverse("funding:staff_export", args=[year.pk, "xlsx"]) in page
    assert reverse("funding:staff_export", args=[year.pk, "csv"]) + "?summary=town" in page


def test_the_chart_is_a_well_formed_labelled_svg_with_the_figures(staff_client):
    year = ProgrammeYearFactory()
    approved(ApplicationFactory(programme_year=year, requested_amount=Decimal("900")))

    page = staff_client.get(BUDGET, {"year": year.pk}).content.decode()
    svg = svg_of(page, "budget-chart")

    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == f"Fördertöpfe KOMM-AN II {year.year}"
    assert "Topf 100.000,00 €" in desc.text and "gebunden 900,00 €" in desc.text
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for label in ("Förderjahr gesamt", "A: Baustein A", "D: Baustein D", "verfügbar"):
        assert label in texts
    assert "24.100,00 €" in texts  # block A available, written beside its bar
    # Patterns, not colour alone: every patterned fill refers to a defined pattern.
    defined = {p.get("id") for p in svg.iter(f"{SVG}pattern")}
    used = {
        re.match(r"url\(#(.+)\)", r.get("fill")).group(1)
        for r in svg.iter(f"{SVG}rect")
        if r.get("fill", "").startswith("url(")
    }
    assert used and used <= defined
    # The widest bar is the year's pot; block A's pot is a quarter of it.
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("x") == "160"]
    assert max(widths) == 400.0 and 100.0 in widths


def test_markup_in_a_block_title_is_text_in_the_chart_and_the_table(staff_client):
    year = ProgrammeYearFactory()
    BuildingBlock.objects.filter(programme_year=year, code="A").update(
        title='<script>alert("x")</script> & Co'
    )

    page = staff_client.get(BUDGET, {"year": year.pk}).content.decode()

    assert "<script>alert" not in page
    svg = svg_of(page, "budget-chart")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert 'A: <script>alert("x")</script> & Co' in texts


def test_the_default_is_this_years_newest_funding_year_and_others_can_be_chosen(staff_client):
    this_year = timezone.localdate().year
    current = ProgrammeYearFactory(year=this_year)
    second_programme = Programme.objects.create(
        name="2.000 x 1.000 Euro", short_name="2000x1000", code="TSD"
    )
    newest_current = ProgrammeYearFactory(programme=second_programme, year=this_year)
    upcoming = ProgrammeYearFactory(year=next_year())

    default = staff_client.get(BUDGET)
    chosen = staff_client.get(BUDGET, {"year": upcoming.pk})
    unknown = staff_client.get(BUDGET, {"year": 999_999})

    assert default.context["overview"].programme_year == newest_current
    assert chosen.context["overview"].programme_year == upcoming
    assert unknown.context["overview"].programme_year == newest_current
    assert f'<option value="{current.pk}"' in default.content.decode()


def test_without_any_funding_year_the_page_says_so(staff_client):
    from funding.models import ProgrammeYear

    ProgrammeYear.objects.all().delete()
    page = staff_client.get(BUDGET).content.decode()
    assert "Es ist noch kein Förderjahr angelegt." in page


def test_budget_page_queries_do_not_grow_with_the_cases(staff_client):
    year = ProgrammeYearFactory()
    url = f"{BUDGET}?year={year.pk}"
    submitted(ApplicationFactory(programme_year=year))
    few, _ = count_queries(staff_client, url)
    for _ in range(20):
        ApplicationFactory(programme_year=year, status="submitted")
    many, _ = count_queries(staff_client, url)
    assert many <= few


def test_bar_chart_handles_zero_and_escapes_everything():
    chart = bar_chart(
        chart_id="c1",
        title="T <1>",
        description='D "2"',
        series=[Series("a & b", "hatch"), Series("c", "solid")],
        groups=[Group("<g>", [Decimal(0), Decimal(0)])],
        value_format=str,
    )
    svg = svg_of(str(chart), "c1")
    assert svg.find(f"{SVG}title").text == "T <1>"
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["<g>", "a & b", "0", "c", "0"]
    assert list(svg.iter(f"{SVG}rect")) == [svg.find(f".//{SVG}pattern/{SVG}rect")]


def test_budget_chart_of_an_overview_is_well_formed():
    year = ProgrammeYearFactory()
    svg = svg_of(str(budget_chart(budget_overview(year))), "budget-chart")
    assert len([t for t in svg.iter(f"{SVG}text") if t.get("font-weight") == "600"]) == 5
