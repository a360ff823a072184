"""Programme data as data: a second programme without code, creating and copying funding
years, editing a year's pots, blocks and Pauschalen — and the refusal to shrink a pot below
what is already bound, checked again under the lock and backed by the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.db.models import F
from django.urls import reverse

from funding import forms_staff
from funding.models import BuildingBlock, CostLine, Pauschale, Programme, ProgrammeYear
from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory, approved, next_year
from tests.querybudget import assert_constant_queries

from .conftest import page_messages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]

PROGRAMMES = reverse("funding:staff_programmes")
YEAR_CREATE = reverse("funding:staff_year_create")


def edit_url(year: ProgrammeYear) -> str:
    return reverse("funding:staff_year_edit", args=[year.pk])


def create_data(programme: Programme, year: int, **overrides) -> dict:
    data = {
        "form": "create",
        "create-programme": programme.pk,
        "create-year": year,
        "create-pot": "120000.00",
        "create-call_opens_on": f"{year - 1}-10-01",
        "create-call_closes_on": f"{year - 1}-12-31",
        "create-proof_of_use_weeks": "10",
        "create-cap_per_application": "5000",
    }
    for code in "ABCD":
        data[f"create-block_{code}_title"] = f"Baustein {code}"
        data[f"create-block_{code}_pot"] = "30000"
    data.update(overrides)
    return data


def edit_data(year: ProgrammeYear, **overrides) -> dict:
    """The edit form as the page sends it, unchanged unless overridden."""
    year.refresh_from_db()
    blocks = list(year.blocks.order_by("code"))
    pauschalen = list(year.pauschalen.order_by("title", "pk"))
    data = {
        "year-pot": str(year.pot),
        "year-call_opens_on": year.call_opens_on.isoformat(),
        "year-call_closes_on": year.call_closes_on.isoformat(),
        "year-cap_per_application": str(year.cap_per_application or ""),
        "year-proof_of_use_weeks": str(year.proof_of_use_weeks),
        "blocks-TOTAL_FORMS": str(len(blocks)),
        "blocks-INITIAL_FORMS": str(len(blocks)),
        "pauschalen-TOTAL_FORMS": str(len(pauschalen) + 1),
        "pauschalen-INITIAL_FORMS": str(len(pauschalen)),
        f"pauschalen-{len(pauschalen)}-unit": "Stück",
        f"pauschalen-{len(pauschalen)}-max_units": "1",
    }
    if year.subject_to_confirmation:
        data["year-subject_to_confirmation"] = "on"
    for i, block in enumerate(blocks):
        data.update(
            {
                f"blocks-{i}-id": str(block.pk),
                f"blocks-{i}-title": block.title,
                f"blocks-{i}-pot": str(block.pot),
                f"blocks-{i}-description": block.description,
            }
        )
    for i, pauschale in enumerate(pauschalen):
        data.update(
            {
                f"pauschalen-{i}-id": str(pauschale.pk),
                f"pauschalen-{i}-title": pauschale.title,
                f"pauschalen-{i}-unit": pauschale.unit,
                f"pauschalen-{i}-amount": str(pauschale.amount),
                f"pauschalen-{i}-max_units": str(pauschale.max_units),
                f"pauschalen-{i}-block": str(pauschale.block_id or ""),
                f"pauschalen-{i}-conditions": pauschale.conditions,
            }
        )
    data.update(overrides)
    return data


def test_the_list_shows_programmes_with_their_years(staff_client):
    year = ProgrammeYearFactory()
    approved(ApplicationFactory(programme_year=year))
    upcoming = ProgrammeYearFactory(year=next_year() + 1, subject_to_confirmation=True)

    page = staff_client.get(PROGRAMMES).content.decode()

    assert "KOMM-AN NRW – Programmteil II" in page
    assert f">{year.year}</th>" in page
    upcoming_row = page.split(f">{upcoming.year}</th>")[1].split("</tr>")[0]
    assert ">ja</td>" in upcoming_row
    assert "100.000,00 €" in page and "900,00 €" in page and "99.100,00 €" in page
    assert edit_url(year) in page


def test_a_second_programme_and_its_year_need_no_code(staff_client, staff):
    response = staff_client.post(
        reverse("funding:staff_programme_create"),
        {
            "name": "2.000 × 1.000 Euro",
            "short_name": "2000x1000",
            "code": "TSD",
            "funding_authority": "Ministerium für Kinder, Jugend, Familie",
            "description": "",
        },
    )
    programme = Programme.objects.get(code="TSD")
    assert response.status_code == 302
    assert response.url == f"{YEAR_CREATE}?programme={programme.pk}"
    # One block only: the other rows are left empty.
    data = create_data(programme, next_year(), **{"create-pot": "2000000"})
    data.update(
        {
            "create-block_A_title": "Projektförderung",
            "create-block_A_pot": "2000000",
            "create-cap_per_application": "1000",
        }
    )
    for code in "BCD":
        data[f"create-block_{code}_title"] = ""
        data[f"create-block_{code}_pot"] = ""

    response = staff_client.post(YEAR_CREATE, data)

    year = ProgrammeYear.objects.get(programme=programme)
    assert response.status_code == 302 and response.url == edit_url(year)
    assert [(b.code, b.title, b.pot) for b in year.blocks.all()] == [
        ("A", "Projektförderung", Decimal("2000000.00"))
    ]
    assert year.cap_per_application == Decimal("1000.00")
    assert LogEntry.objects.filter(object_id=str(programme.pk), user=staff).exists()
    assert "2.000 × 1.000 Euro" in staff_client.get(PROGRAMMES).content.decode()


def test_a_duplicate_programme_code_is_a_form_error(staff_client):
    response = staff_client.post(
        reverse("funding:staff_programme_create"),
        {"name": "Anderes", "short_name": "Anderes", "code": "KA2", "funding_authority": "x"},
    )
    assert response.status_code == 400
    assert Programme.objects.filter(code="KA2").count() == 1


def test_create_a_year_with_the_komm_an_blocks(staff_client):
    programme = Programme.objects.get(code="KA2")
    target = next_year() + 2

    response = staff_client.post(YEAR_CREATE, create_data(programme, target))

    year = ProgrammeYear.objects.get(programme=programme, year=target)
    assert response.status_code == 302
    assert year.pot == Decimal("120000.00")
    assert year.proof_of_use_weeks == 10
    assert [b.code for b in year.blocks.all()] == ["A", "B", "C", "D"]
    assert all(b.pot == Decimal("30000.00") for b in year.blocks.all())


def test_block_pots_above_the_year_and_a_duplicate_year_are_refused(staff_client):
    programme = Programme.objects.get(code="KA2")
    existing = ProgrammeYearFactory()

    too_much = staff_client.post(
        YEAR_CREATE, create_data(programme, next_year() + 3, **{"create-pot": "100000"})
    )
    twice = staff_client.post(YEAR_CREATE, create_data(programme, existing.year))
    no_block = create_data(programme, next_year() + 4)
    for code in "ABCD":
        no_block[f"create-block_{code}_title"] = ""
        no_block[f"create-block_{code}_pot"] = ""
    without_blocks = staff_client.post(YEAR_CREATE, no_block)

    assert too_much.status_code == 400
    assert "Die Töpfe der Bausteine sind zusammen größer als der Jahrestopf." in (
        too_much.content.decode()
    )
    assert twice.status_code == 400
    assert "Dieses Förderjahr gibt es schon." in twice.content.decode()
    assert without_blocks.status_code == 400
    assert "mindestens einen Baustein" in without_blocks.content.decode()
    assert ProgrammeYear.objects.filter(programme=programme).count() == 1


def test_copy_a_year_with_its_blocks_and_pauschalen(staff_client):
    source = ProgrammeYearFactory(cap_per_application=Decimal("3000"))
    Pauschale.objects.create(
        programme_year=source,
        block=source.blocks.get(code="A"),
        title="Raumpauschale",
        amount=Decimal("1000"),
        max_units=2,
    )
    target = next_year() + 1

    response = staff_client.post(
        YEAR_CREATE,
        {
            "form": "copy",
            "copy-source": source.pk,
            "copy-year": target,
            "copy-call_opens_on": f"{target - 1}-11-01",
            "copy-call_closes_on": f"{target - 1}-12-15",
        },
    )

    copy = ProgrammeYear.objects.get(programme=source.programme, year=target)
    assert response.status_code == 302
    assert copy.subject_to_confirmation is True
    assert copy.cap_per_application == Decimal("3000.00")
    assert [(p.title, p.block.code) for p in copy.pauschalen.all()] == [("Raumpauschale", "A")]


def test_edit_a_year_its_blocks_and_its_pauschalen(staff_client, staff):
    year = ProgrammeYearFactory(subject_to_confirmation=True)
    block_a = year.blocks.get(code="A")
    data = edit_data(
        year,
        **{
            "year-pot": "110000.00",
            "year-call_closes_on": (year.call_closes_on + dt.timedelta(days=14)).isoformat(),
            "year-cap_per_application": "2500",
            "year-proof_of_use_weeks": "12",
            "blocks-0-title": "Ankommenstreffpunkte",
            "blocks-0-pot": "35000.00",
            "pauschalen-0-title": "Raumpauschale",
            "pauschalen-0-amount": "1000",
            "pauschalen-0-max_units": "2",
            "pauschalen-0-block": str(block_a.pk),
        },
    )
    del data["year-subject_to_confirmation"]  # the state confirmed the pot

    response = staff_client.post(edit_url(year), data, follow=True)

    assert response.redirect_chain == [(edit_url(year), 302)]
    assert "Die Änderungen am Förderjahr sind gespeichert." in page_messages(response)
    year.refresh_from_db()
    block_a.refresh_from_db()
    assert (year.pot, year.subject_to_confirmation, year.proof_of_use_weeks) == (
        Decimal("110000.00"),
        False,
        12,
    )
    assert year.cap_per_application == Decimal("2500.00")
    assert (block_a.title, block_a.pot) == ("Ankommenstreffpunkte", Decimal("35000.00"))
    pauschale = Pauschale.objects.get(programme_year=year)
    assert (pauschale.title, pauschale.amount, pauschale.block) == (
        "Raumpauschale",
        Decimal("1000.00"),
        block_a,
    )
    entry = LogEntry.objects.get(object_id=str(year.pk), user=staff)
    assert "110.000,00 €" in entry.change_message
    assert "Pauschale angelegt: Raumpauschale" in entry.change_message

    # Change and then delete the Pauschale.
    staff_client.post(edit_url(year), edit_data(year, **{"pauschalen-0-amount": "1200"}))
    pauschale.refresh_from_db()
    assert pauschale.amount == Decimal("1200.00")
    staff_client.post(edit_url(year), edit_data(year, **{"pauschalen-0-DELETE": "on"}))
    assert not Pauschale.objects.filter(programme_year=year).exists()


def test_a_pot_below_what_is_bound_is_refused_with_a_clear_message(staff_client):
    year = ProgrammeYearFactory()
    approved(ApplicationFactory(programme_year=year, requested_amount=Decimal("900")))
    before = edit_data(year)

    year_too_small = staff_client.post(edit_url(year), {**before, "year-pot": "500.00"})
    block_too_small = staff_client.post(edit_url(year), {**before, "blocks-0-pot": "899.99"})
    blocks_above_year = staff_client.post(edit_url(year), {**before, "blocks-1-pot": "80000"})

    assert year_too_small.status_code == 400
    assert "Der Topf ist kleiner als die schon gebundenen Mittel." in (
        year_too_small.content.decode()
    )
    assert block_too_small.status_code == 400
    block_page = block_too_small.content.decode()
    assert 'id="id_blocks-0-pot-error"' in block_page
    assert "Baustein A, Fördertopf (EUR): Der Topf ist kleiner als die schon gebundenen" in (
        block_page
    )
    assert "Mindestens 900,00 € (schon gebunden)." in block_page
    assert blocks_above_year.status_code == 400
    assert "größer als der Jahrestopf" in blocks_above_year.content.decode()
    year.refresh_from_db()
    assert year.pot == Decimal("100000.00")
    assert year.blocks.get(code="A").pot == Decimal("25000.00")
    assert year.blocks.get(code="B").pot == Decimal("25000.00")
    assert not LogEntry.objects.filter(object_id=str(year.pk)).exists()
    # Exactly what is bound is fine.
    ok = staff_client.post(edit_url(year), {**before, "blocks-0-pot": "900.00"})
    assert ok.status_code == 302


def test_the_check_runs_again_under_the_lock(staff_client, monkeypatch):
    """A decision signed after the form was validated (simulated: the model's check saw the
    old figures) is still caught before anything is written."""
    year = ProgrammeYearFactory()
    monkeypatch.setattr(ProgrammeYear, "clean", lambda self: None)
    approved(ApplicationFactory(programme_year=year, requested_amount=Decimal("900")))

    response = staff_client.post(edit_url(year), edit_data(year, **{"year-pot": "100.00"}))

    assert response.status_code == 400
    assert "gebundenen Mittel (900,00 €)" in response.content.decode()
    year.refresh_from_db()
    assert year.pot == Decimal("100000.00")

    monkeypatch.setattr(BuildingBlock, "clean", lambda self: None)
    response = staff_client.post(edit_url(year), edit_data(year, **{"blocks-0-pot": "10.00"}))
    assert response.status_code == 400
    assert "Der Topf von Baustein A ist kleiner als die schon gebundenen Mittel (900,00 €)." in (
        response.content.decode()
    )
    assert year.blocks.get(code="A").pot == Decimal("25000.00")


def test_the_database_check_is_the_backstop(staff_client, monkeypatch):
    """Even with both checks in Python gone, the pot constraint refuses the write; the page
    says so and nothing is saved."""
    year = ProgrammeYearFactory()
    approved(ApplicationFactory(programme_year=year, requested_amount=Decimal("900")))
    monkeypatch.setattr(ProgrammeYear, "clean", lambda self: None)
    monkeypatch.setattr(BuildingBlock, "clean", lambda self: None)
    monkeypatch.setattr(forms_staff.YearEdit, "_check_pots", lambda self, year, blocks: None)

    response = staff_client.post(
        edit_url(year), edit_data(year, **{"year-pot": "100.00", "blocks-0-pot": "10.00"})
    )

    assert response.status_code == 400
    assert "Die Änderung wurde nicht gespeichert" in response.content.decode()
    year.refresh_from_db()
    assert year.pot == Decimal("100000.00")


def test_a_pauschale_in_use_keeps_its_amount_and_cannot_be_deleted(staff_client):
    year = ProgrammeYearFactory()
    pauschale = Pauschale.objects.create(
        programme_year=year, title="Raumpauschale", amount=Decimal("500"), max_units=2
    )
    application = ApplicationFactory(programme_year=year, cost_lines=[])
    CostLine.objects.create(
        application=application,
        category="room",
        description="Raum",
        amount=Decimal("1000"),
        pauschale=pauschale,
        units=2,
    )

    changed = staff_client.post(edit_url(year), edit_data(year, **{"pauschalen-0-amount": "600"}))
    deleted = staff_client.post(edit_url(year), edit_data(year, **{"pauschalen-0-DELETE": "on"}))

    assert changed.status_code == 400
    assert "kann nicht mehr geändert werden" in changed.content.decode()
    assert deleted.status_code == 400
    assert "wird in Kostenplänen verwendet und kann nicht gelöscht werden" in (
        deleted.content.decode()
    )
    pauschale.refresh_from_db()
    assert pauschale.amount == Decimal("500.00")
    # Its title may still be corrected.
    staff_client.post(edit_url(year), edit_data(year, **{"pauschalen-0-title": "Raum"}))
    pauschale.refresh_from_db()
    assert pauschale.title == "Raum"


def test_saving_the_year_never_overwrites_the_running_figures(staff_client, monkeypatch):
    """A decision signed while the edit request runs (after the page loaded the year and its
    blocks) keeps its commitment: the save writes only the edited columns."""
    year = ProgrammeYearFactory()
    application = approved(ApplicationFactory(programme_year=year))
    original = forms_staff.YearEdit.is_valid

    def is_valid_then_signed_meanwhile(self):
        valid = original(self)
        ProgrammeYear.objects.filter(pk=year.pk).update(committed=F("committed") + 500)
        BuildingBlock.objects.filter(pk=application.block_id).update(committed=F("committed") + 500)
        return valid

    monkeypatch.setattr(forms_staff.YearEdit, "is_valid", is_valid_then_signed_meanwhile)

    response = staff_client.post(
        edit_url(year),
        edit_data(year, **{"year-proof_of_use_weeks": "9", "blocks-0-title": "Treffpunkte"}),
    )

    assert response.status_code == 302
    year.refresh_from_db()
    block_a = year.blocks.get(code="A")
    assert (year.proof_of_use_weeks, year.committed) == (9, Decimal("1400.00"))
    assert (block_a.title, block_a.committed) == ("Treffpunkte", Decimal("1400.00"))


def test_markup_in_programme_data_is_escaped(staff_client):
    Programme.objects.create(name="<script>alert(1)</script>", short_name="<i>x</i>", code="XSS")
    page = staff_client.get(PROGRAMMES).content.decode()
    assert "<script>alert(1)" not in page and "<i>x</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_programme_list_queries_do_not_grow_with_programmes_and_years(staff_client):
    counter = iter(range(1000))

    def make(n):
        for _ in range(n):
            i = next(counter)
            programme = Programme.objects.create(
                name=f"Programm {i}", short_name=f"P{i}", code=f"P{i}"
            )
            ProgrammeYearFactory(programme=programme, year=2030)
            ProgrammeYearFactory(programme=programme, year=2031)

    queries = assert_constant_queries(staff_client, PROGRAMMES, make, large=20)
    assert queries <= 10, queries
