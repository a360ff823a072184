"""The applicant's side of the funding API: the open calls, drafting with a cost plan,
submitting (every problem at once), attachments, withdrawing, and input that is refused (400
when it does not fit the schema, 422 when its content is refused)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.models import StatusChange
from funding.models import Application, Attachment, CostLine
from tests.funding.factories import ProgrammeYearFactory

from .helpers import (
    BASE,
    PDF_BYTES,
    assert_error,
    client_for,
    content_of,
    create,
    new_application,
)

pytestmark = pytest.mark.django_db


def test_open_calls_show_blocks_with_money_left_cap_and_pauschalen(w):
    from funding.models import Pauschale

    w.year.cap_per_application = Decimal("5000")
    w.year.subject_to_confirmation = True
    w.year.save()
    Pauschale.objects.create(
        programme_year=w.year, title="Raumpauschale", unit="Raum", amount=Decimal("1000")
    )
    closed = ProgrammeYearFactory(year=w.year.year - 3, call_opens_on="2020-01-01")
    closed.call_closes_on = closed.call_opens_on
    closed.save()
    body = client_for(w.coordinator_x).get(f"{BASE}/programme-years/").json()
    assert [row["id"] for row in body["results"]] == [w.year.pk]
    year = body["results"][0]
    assert year["call_open"] is True
    assert year["subject_to_confirmation"] is True
    assert year["cap_per_application"] == "5000.00"
    assert [(b["code"], b["available"]) for b in year["blocks"]] == [
        ("A", "25000.00"),
        ("B", "25000.00"),
        ("C", "25000.00"),
        ("D", "25000.00"),
    ]
    assert year["pauschalen"][0]["amount"] == "1000.00"
    # A closed call is not listed, but its year can still be read (older cases refer to it).
    detail = client_for(w.coordinator_x).get(f"{BASE}/programme-years/{closed.pk}/")
    assert detail.status_code == 200
    assert detail.json()["call_open"] is False


def test_coordinator_drafts_with_a_cost_plan_and_submits(w):
    body = create(w)
    assert body["status"] == "draft"
    assert body["editable"] is True
    assert body["reference"].startswith(f"KA2-{w.year.year}-")
    assert body["total_costs"] == "1200.00"
    assert [(c["category"], c["amount"]) for c in body["cost_lines"]] == [
        ("fees", "900.00"),
        ("material", "300.00"),
    ]
    assert body["decision"] is None and body["letter"] == ""
    assert "internal_notes" not in body and "checklist" not in body

    client = client_for(w.coordinator_x)
    response = client.post(f"{BASE}/applications/{body['id']}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["editable"] is False
    listed = client.get(f"{BASE}/applications/").json()["results"]
    assert [(a["id"], a["status"]) for a in listed] == [(body["id"], "submitted")]
    history = client.get(f"{BASE}/applications/{body['id']}/history/").json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [("draft", "submitted")]
    assert history[0]["actor"] == "Koordination X"


def test_submitting_an_incomplete_draft_names_every_problem_and_changes_nothing(w):
    client = client_for(w.coordinator_x)
    response = client.post(
        f"{BASE}/applications/",
        {
            "organisation": w.org_x.pk,
            "programme_year": w.year.pk,
            "block": w.block_a.pk,
            "title": "Erst ein Titel",
            "town": str(w.town.pk),  # a town's id works as well as its slug
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["town"] == "ahlen"

    refused = client.post(f"{BASE}/applications/{pk}/submit/")
    body = assert_error(
        refused,
        422,
        "validation_error",
        "description",
        "goals",
        "target_group",
        "starts_on",
        "ends_on",
        "cost_lines",
        "requested_amount",
    )
    assert body["detail"] in sum(body["errors"].values(), [])
    assert Application.objects.get(pk=pk).status == Application.Status.DRAFT
    assert not StatusChange.objects.filter(object_id=pk).exists()


def test_a_cost_plan_that_does_not_add_up_is_refused_on_submit(w):
    body = create(w, requested_amount="1100.00")  # 1,100 + 200 own != 1,200 of costs
    response = client_for(w.coordinator_x).post(f"{BASE}/applications/{body['id']}/submit/")
    errors = assert_error(response, 422, "validation_error", "requested_amount")["errors"]
    assert "Kostenplan geht nicht auf" in " ".join(errors["requested_amount"])
    assert set(errors) == {"requested_amount"}


def test_edit_while_editable_then_409_once_submitted(w):
    body = create(w)
    client = client_for(w.coordinator_x)
    url = f"{BASE}/applications/{body['id']}/"
    response = client.patch(url, {"title": "Sprachcafé am Bahnhof"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Sprachcafé am Bahnhof"
    assert len(response.json()["cost_lines"]) == 2  # left out: unchanged
    response = client.patch(
        url,
        {"cost_lines": [{"category": "room", "description": "Miete", "amount": "1200"}]},
        format="json",
    )
    assert [c["description"] for c in response.json()["cost_lines"]] == ["Miete"]
    full = new_application(w, title="Ganz neu")
    del full["organisation"], full["programme_year"]
    response = client.put(url, full, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Ganz neu"
    assert client.post(f"{url}submit/").status_code == 200

    response = client.patch(url, {"title": "Zu spät"}, format="json")
    assert_error(response, 409, "conflict")
    assert Application.objects.get(pk=body["id"]).title == "Ganz neu"


def test_coordinator_withdraws_a_draft(w):
    body = create(w)
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/{body['id']}/withdraw/", {"note": "Doch nicht"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"


def test_upload_a_pdf_list_and_download_it(w):
    body = create(w)
    client = client_for(w.coordinator_x)
    url = f"{BASE}/applications/{body['id']}/attachments/"
    upload = SimpleUploadedFile("Kostenvoranschlag.pdf", PDF_BYTES, "application/pdf")
    response = client.post(url, {"file": upload, "purpose": "application"}, format="multipart")
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert (attachment["filename"], attachment["content_type"], attachment["size"]) == (
        "Kostenvoranschlag.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert [a["id"] for a in client.get(url).json()] == [attachment["id"]]

    download = client.get(attachment["download"])
    assert download.status_code == 200
    assert content_of(download) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Kostenvoranschlag.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]

    deleted = client.delete(attachment["download"])
    assert deleted.status_code == 204
    assert not Attachment.objects.exists()


def test_html_renamed_to_pdf_is_refused_and_nothing_is_stored(w):
    body = create(w)
    upload = SimpleUploadedFile(
        "Rechnung.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/{body['id']}/attachments/", {"file": upload}, format="multipart"
    )
    errors = assert_error(response, 422, "validation_error", "file")["errors"]
    assert "PDF" in errors["file"][0]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        PDF_BYTES[: len(PDF_BYTES) // 2],  # truncated
        b"Sehr geehrte Damen und Herren,\nanbei unser Angebot.\n",  # a renamed text file
        b"%PDF-1.4\n<html><script>alert(1)</script></html>\n" + PDF_BYTES[9:],  # polyglot
    ],
    ids=["truncated", "renamed-text", "html-polyglot"],
)
def test_a_file_that_is_no_readable_pdf_is_refused_by_name_and_nothing_is_stored(w, content):
    body = create(w)
    upload = SimpleUploadedFile("Angebot.pdf", content, "application/pdf")
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/{body['id']}/attachments/", {"file": upload}, format="multipart"
    )
    errors = assert_error(response, 422, "validation_error", "file")["errors"]
    assert errors["file"][0].startswith("Die Datei „Angebot.pdf“ ist kein lesbares PDF: ")
    assert not Attachment.objects.exists()


def test_an_upload_must_be_multipart(w):
    body = create(w)
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/{body['id']}/attachments/", {"file": "x"}, format="json"
    )
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"requested_amount": "-5.00"}, 400, "requested_amount"),
        ({"requested_amount": "viel"}, 400, "requested_amount"),
        ({"own_contribution": "1.005"}, 400, "own_contribution"),
        ({"cost_lines": [{"category": "fees", "description": "x", "amount": "0"}]}, 422, None),
        ({"title": "Sprach\x00café"}, 422, "title"),
        ({"town": "ah\x00len"}, 422, "town"),
        ({"town": "atlantis"}, 422, "town"),
        ({"block": 999_999}, 422, "block"),
        ({"organisation": 999_999}, 422, "organisation"),
        ({"title": "   "}, 422, "title"),
    ],
    ids=[
        "negative amount",
        "amount not a number",
        "three decimal places",
        "cost line of 0 euros",
        "NUL in a text",
        "NUL in the town",
        "unknown town",
        "unknown block",
        "unknown organisation",
        "blank title",
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(w, overrides, status, field):
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/", new_application(w, **overrides), format="json"
    )
    body = assert_error(response, status, "validation_error", *([field] if field else []))
    if field is None:
        assert "cost_lines.0" in body["errors"], body
    assert not Application.objects.exists()
    assert not CostLine.objects.exists()


def test_every_unknown_reference_is_named_at_once(w):
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/",
        new_application(
            w,
            programme_year=999_999,
            block=999_999,
            town="atlantis",
            cost_lines=[
                {"category": "fees", "description": "x", "amount": "5", "pauschale": 999_999}
            ],
        ),
        format="json",
    )
    body = assert_error(response, 422, "validation_error")
    assert set(body["errors"]) == {"programme_year", "block", "town", "cost_lines.0"}


def test_a_block_of_another_year_is_refused(w):
    other = ProgrammeYearFactory(year=w.year.year + 1)
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/",
        new_application(w, block=other.blocks.get(code="B").pk),
        format="json",
    )
    assert_error(response, 422, "validation_error", "block")


def test_applying_for_an_organisation_one_does_not_coordinate_is_refused(w):
    for user in (w.coordinator_y, w.volunteer, w.staff):
        response = client_for(user).post(f"{BASE}/applications/", new_application(w), format="json")
        assert_error(response, 422, "validation_error", "organisation")
    assert not Application.objects.exists()


def test_an_unverified_organisation_cannot_apply_yet(w):
    w.org_x.verified_at = None
    w.org_x.save()
    response = client_for(w.coordinator_x).post(
        f"{BASE}/applications/", new_application(w), format="json"
    )
    body = assert_error(response, 422, "validation_error", "organisation")
    assert "geprüft" in body["errors"]["organisation"][0]


def test_nul_in_a_filter_is_ignored_not_sent_to_the_database(w):
    create(w)
    for user in (w.coordinator_x, w.staff):
        response = client_for(user).get(
            f"{BASE}/applications/", {"status": "dra\x00ft", "town": "ah\x00len", "q": "\x00"}
        )
        assert response.status_code == 200
