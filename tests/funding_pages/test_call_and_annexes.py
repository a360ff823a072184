"""Starting an application from a call's button (that call, only its building blocks), annexes
while drafting (with the new draft in one go, or with the edit form), and a submission that
names every problem at once, those of the input and those of the submission together."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import Application, Attachment, Programme
from tests.funding.factories import ProgrammeYearFactory

from .conftest import PDF
from .helpers import edit_data, text, url

pytestmark = pytest.mark.django_db

HTML = b"<html><script>alert(1)</script></html>"


def pdf(name: str = "Kostenvoranschlag.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def second_call(db):
    """Another programme whose call is open at the same time, with blocks A-D of its own."""
    programme = Programme.objects.create(name="Teilhabe vor Ort", short_name="Teilhabe", code="TVO")
    return ProgrammeYearFactory(programme=programme)


def block_radios(page: str) -> list[str]:
    return re.findall(r'<input[^>]*type="radio"[^>]*name="block"[^>]*value="(\d+)"', page) or (
        re.findall(r'<input[^>]*value="(\d+)"[^>]*type="radio"[^>]*name="block"', page)
    )


def create_data(organisation, ahlen, block, **overrides) -> dict:
    return {
        "organisation": organisation.pk,
        "programme_year": block.programme_year_id,
        "block": block.pk,
        "title": "Begegnungscafé am Marktplatz",
        "town": ahlen.pk,
        **overrides,
    }


# --- The call's button ----------------------------------------------------------------------


def test_the_calls_button_chooses_that_call_and_offers_only_its_blocks(
    coordinator_client, year, second_call
):
    page = text(coordinator_client.get(url("application_list")))
    assert f"{url('application_create')}?year={second_call.pk}" in page

    page = text(coordinator_client.get(f"{url('application_create')}?year={second_call.pk}"))

    assert f'name="programme_year" value="{second_call.pk}"' in page
    assert "Förderaufruf: Teilhabe vor Ort" in page
    offered = {int(pk) for pk in block_radios(page)}
    assert offered == set(second_call.blocks.values_list("pk", flat=True))
    assert not offered & set(year.blocks.values_list("pk", flat=True))
    assert "Anderen Förderaufruf wählen" in page


def test_with_several_calls_and_none_chosen_the_page_asks_which(
    coordinator_client, year, second_call
):
    page = text(coordinator_client.get(url("application_create")))

    assert "Für welchen Förderaufruf?" in page
    assert f"?year={year.pk}" in page and f"?year={second_call.pk}" in page
    assert 'name="block"' not in page


def test_a_single_open_call_is_chosen_without_asking(coordinator_client, year):
    page = text(coordinator_client.get(url("application_create")))

    assert f'name="programme_year" value="{year.pk}"' in page
    assert len(block_radios(page)) == 4


def test_the_draft_belongs_to_the_call_it_was_started_from(
    coordinator_client, organisation, ahlen, year, second_call
):
    block = second_call.blocks.get(code="C")

    response = coordinator_client.post(
        url("application_create"), create_data(organisation, ahlen, block)
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert application.programme_year == second_call
    assert application.block == block
    assert application.reference.startswith(f"TVO-{second_call.year}-")


def test_a_block_of_the_other_call_is_refused_and_the_input_kept(
    coordinator_client, organisation, ahlen, year, second_call
):
    data = create_data(organisation, ahlen, year.blocks.get(code="A"))
    data["programme_year"] = second_call.pk

    response = coordinator_client.post(url("application_create"), data)

    assert response.status_code == 400
    page = text(response)
    assert "Dieser Baustein gehört nicht zum gewählten Förderaufruf." in page
    assert 'value="Begegnungscafé am Marktplatz"' in page
    assert not Application.objects.exists()


def test_a_call_that_closed_meanwhile_is_said_and_nothing_is_created(
    coordinator_client, organisation, ahlen, year, second_call
):
    data = create_data(organisation, ahlen, year.blocks.get(code="A"))
    data["programme_year"] = 999_999

    response = coordinator_client.post(url("application_create"), data)

    assert response.status_code == 400
    assert "Dieser Aufruf ist nicht geöffnet" in text(response)
    assert not Application.objects.exists()


# --- Annexes with the new draft -------------------------------------------------------------


def test_a_new_draft_with_two_annexes_in_one_go(
    coordinator_client, organisation, ahlen, year, _private_storage
):
    response = coordinator_client.post(
        url("application_create"),
        {
            **create_data(organisation, ahlen, year.blocks.get(code="B")),
            "attachments": [pdf("Kostenvoranschlag.pdf"), pdf("Raumplan.pdf")],
        },
        follow=True,
    )

    application = Application.objects.get()
    names = sorted(application.attachments.values_list("filename", flat=True))
    assert names == ["Kostenvoranschlag.pdf", "Raumplan.pdf"]
    assert all(a.purpose == Attachment.Purpose.APPLICATION for a in application.attachments.all())
    assert len(stored_files(_private_storage)) == 2
    assert "Die 2 Anlagen „Kostenvoranschlag.pdf“, „Raumplan.pdf“ sind gespeichert." in text(
        response
    )


def test_a_refused_annex_and_a_missing_title_are_named_together_and_nothing_is_stored(
    coordinator_client, organisation, ahlen, year, _private_storage
):
    response = coordinator_client.post(
        url("application_create"),
        {
            **create_data(organisation, ahlen, year.blocks.get(code="B"), title=""),
            "attachments": [pdf("gut.pdf"), pdf("rechnung.pdf", HTML)],
        },
    )

    assert response.status_code == 400
    page = text(response)
    assert "Die Datei „rechnung.pdf“ ist kein lesbares PDF: sie beginnt nicht mit" in page
    assert 'href="#id_title"' in page
    assert "Bitte wählen Sie sie erneut aus." in page
    # What was typed stays: the organisation, the block, the town.
    chosen = year.blocks.get(code="B").pk
    assert re.search(rf'value="{chosen}"[^>]*checked', page)
    assert not Application.objects.exists()
    assert stored_files(_private_storage) == []


# --- Annexes with the edit form -------------------------------------------------------------


def test_saving_the_draft_also_stores_the_annexes_sent_with_it(
    coordinator_client, draft, _private_storage
):
    data = edit_data(draft, keep_saved=True, title="Sprachcafé am Markt")
    data["attachments"] = [pdf("Angebot.pdf")]

    response = coordinator_client.post(url("application_edit", draft), data, follow=True)

    draft.refresh_from_db()
    assert draft.title == "Sprachcafé am Markt"
    assert list(draft.attachments.values_list("filename", flat=True)) == ["Angebot.pdf"]
    page = text(response)
    assert "Der Entwurf ist gespeichert. Die Anlage „Angebot.pdf“ ist gespeichert." in page
    assert "Angebot.pdf</a>" in page  # listed on the edit page


def test_an_edit_that_is_refused_stores_no_annex_and_says_to_choose_it_again(
    coordinator_client, draft, _private_storage
):
    data = edit_data(draft, keep_saved=True, requested_amount="fünfzig")
    data["attachments"] = [pdf("Angebot.pdf")]

    response = coordinator_client.post(url("application_edit", draft), data)

    assert response.status_code == 400
    page = text(response)
    assert "Bitte geben Sie einen Betrag in Euro an" in page
    assert "bitte wählen Sie sie erneut aus" in page
    assert not Attachment.objects.exists()
    assert stored_files(_private_storage) == []


def test_submitting_with_an_annex_saves_both_in_one_step(coordinator_client, draft):
    data = edit_data(draft, keep_saved=True)
    data["attachments"] = [pdf("Finanzplan.pdf")]

    response = coordinator_client.post(url("application_submit", draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert list(draft.attachments.values_list("filename", flat=True)) == ["Finanzplan.pdf"]


# --- Every problem at once ------------------------------------------------------------------


def test_submitting_names_the_inputs_problems_and_the_submissions_together(
    coordinator_client, draft
):
    data = edit_data(
        draft,
        description="",
        starts_on="",
        requested_amount="12,345",
        new_rows=3,
    )  # the saved cost line is marked for deletion: no cost plan left

    response = coordinator_client.post(url("application_submit", draft), data)

    assert response.status_code == 400
    page = text(response)
    summary = page.split('id="fehler"')[1].split("</div>\n  </div>")[0]
    for problem in (
        "höchstens zwei Nachkommastellen",  # the input: an amount that cannot be read
        "Bitte beschreiben Sie das Projekt.",  # the submission: what is missing
        "Bitte geben Sie den geplanten Beginn an.",
        "Bitte stellen Sie einen Kostenplan mit mindestens einer Position auf.",
    ):
        assert problem in summary, problem
    # The amount that could not be read is named once, not also as "missing".
    assert "Bitte geben Sie den beantragten Betrag an." not in summary
    assert "Es wurde nichts gespeichert und nichts eingereicht" in page
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert draft.description  # nothing was saved
    assert draft.cost_lines.exists()
