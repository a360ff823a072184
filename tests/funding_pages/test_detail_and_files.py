"""The case page (status, history, letter, attachments) and the downloads; who sees what."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from backend.models import StatusChange
from funding.models import Application, Attachment, CostLine, Pauschale, Payment
from funding.services import review
from funding.services.applications import application_submit
from funding.services.attachments import attachment_add
from tests.funding.factories import (
    ApplicationFactory,
    approved,
    coordinator_of,
    lead_user,
    proposed,
    staff_user,
    submitted,
)
from tests.querybudget import assert_constant_queries

from .conftest import PDF
from .helpers import text, url

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def upload(client, application, name: str, content: bytes, purpose="application"):
    return client.post(
        url("attachment_upload", application),
        {
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "purpose": purpose,
        },
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- The case page --------------------------------------------------------------------------


def test_user_text_is_shown_escaped(coordinator_client, draft):
    Application.objects.filter(pk=draft.pk).update(
        title="<script>alert('t')</script>",
        description="<img src=x onerror=alert(1)>\nzweite Zeile",
    )

    page = text(coordinator_client.get(url("application_detail", draft)))

    assert "<script>alert(" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;<br>zweite Zeile" in page


def test_the_history_shows_status_labels_and_notes_but_never_internal_notes_or_checklist(
    coordinator_client, draft
):
    staff = staff_user()
    submitted(draft)
    review.note_add(application=draft, text="INTERN: Verein hat Schulden?", actor=staff)
    review.checklist_update(application=draft, checked={"fits_block"}, actor=staff)
    review.application_request_changes(
        application=draft, message="Bitte Ziele konkreter.", actor=staff
    )
    application_submit(application=draft, actor=coordinator_of(draft))
    proposed(draft, staff=staff)
    review.decision_send_back(application=draft, note="INTERN: Betrag zu hoch", actor=lead_user())

    page = text(coordinator_client.get(url("application_detail", draft)))

    for label in ("Entwurf", "eingereicht", "Änderungen erbeten", "Entscheidung vorgeschlagen"):
        assert label in page
    assert "Bitte Ziele konkreter." in page
    assert "erneut eingereicht" in page
    assert "INTERN" not in page
    assert "Bewilligung über" not in page  # the unsigned proposal's note
    assert "Maßnahme passt zum Baustein" not in page  # checklist item
    assert "Prüfliste" not in page


def test_status_explanations_say_what_happens_next(coordinator_client, draft):
    page = text(coordinator_client.get(url("application_detail", draft)))
    assert "Der Antrag ist ein Entwurf. Nur Ihre Organisation sieht ihn." in page
    approved(draft)
    page = text(coordinator_client.get(url("application_detail", draft)))
    assert "Der Antrag ist bewilligt: 900,00 €." in page
    assert draft.proof_due_on.strftime("%d.%m.%Y") in page
    assert "Antrag bearbeiten" not in page


# --- Access ---------------------------------------------------------------------------------


@pytest.fixture
def approved_case(draft):
    application = approved(draft)
    attachment = attachment_add(
        application=application,
        file=io.BytesIO(PDF),
        filename="beleg.pdf",
        purpose=Attachment.Purpose.RECEIPT,
        actor=coordinator_of(application),
    )
    return application, attachment


@pytest.mark.parametrize("who", ["other_coordinator", "volunteer_user"])
def test_outsiders_get_404_for_case_attachment_and_letter(client, request, who, approved_case):
    application, attachment = approved_case
    client.force_login(request.getfixturevalue(who))

    gets = [
        url("application_detail", application),
        url("application_edit", application),
        url("application_withdraw", application),
        url("attachment_download", attachment),
        url("letter_download", application),
    ]
    posts = [
        url("application_submit", application),
        url("attachment_upload", application),
        url("attachment_delete", attachment),
        url("payment_request", application),
        url("proof_submit", application),
    ]

    for address in gets:
        assert client.get(address).status_code == 404, address
    for address in posts:
        assert client.post(address).status_code == 404, address
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_anonymous_visitors_are_sent_to_the_login(client, approved_case):
    application, attachment = approved_case
    for address in (url("application_detail", application), url("letter_download", application)):
        response = client.get(address)
        assert response.status_code == 302 and "/konto/" in response["Location"]


def test_ki_staff_may_look_and_download_but_not_act_as_applicant(client, approved_case):
    application, attachment = approved_case
    client.force_login(staff_user())

    detail = client.get(url("application_detail", application))
    download = client.get(url("attachment_download", attachment))
    letter = client.get(url("letter_download", application))
    edit = client.get(url("application_edit", application))
    delete = client.post(url("attachment_delete", attachment))
    pay = client.post(url("payment_request", application), {"amount": "10"})

    assert detail.status_code == 200
    assert "Mittel abrufen" not in text(detail)  # no applicant forms for staff
    assert download.status_code == 200 and letter.status_code == 200
    assert (edit.status_code, delete.status_code, pay.status_code) == (403, 403, 403)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_ki_staff_without_two_factor_see_nothing(client, approved_case, staff_without_mfa):
    application, attachment = approved_case
    client.force_login(staff_without_mfa)
    assert client.get(url("application_detail", application)).status_code == 404
    assert client.get(url("attachment_download", attachment)).status_code == 404


# --- Attachments ----------------------------------------------------------------------------


def test_a_pdf_is_uploaded_listed_downloaded_and_deleted(
    coordinator_client, draft, _private_storage
):
    response = upload(coordinator_client, draft, "Kostenvoranschlag Räume.pdf", PDF)

    assert response.status_code == 302
    assert response["Location"] == url("application_detail", draft) + "#anlagen"
    attachment = Attachment.objects.get()
    assert attachment.filename == "Kostenvoranschlag Räume.pdf"
    assert attachment.purpose == Attachment.Purpose.APPLICATION
    page = text(coordinator_client.get(url("application_detail", draft)))
    assert "Kostenvoranschlag Räume.pdf" in page
    assert url("attachment_download", attachment) in page

    download = coordinator_client.get(url("attachment_download", attachment))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Kostenvoranschlag%20R%C3%A4ume.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]

    deleted = coordinator_client.post(url("attachment_delete", attachment))
    assert deleted.status_code == 302
    assert not Attachment.objects.exists()


def test_a_png_is_accepted_and_served_as_png(coordinator_client, draft):
    upload(coordinator_client, draft, "flyer.png", PNG)
    attachment = Attachment.objects.get()
    download = coordinator_client.get(url("attachment_download", attachment))
    assert attachment.content_type == download["Content-Type"] == "image/png"


def test_an_html_file_renamed_to_pdf_is_refused_and_nothing_is_stored(
    coordinator_client, draft, _private_storage
):
    response = upload(
        coordinator_client, draft, "rechnung.pdf", b"<html><script>alert(1)</script></html>"
    )

    assert response.status_code == 422
    page = text(response)
    assert "Die Datei „rechnung.pdf“ ist kein lesbares PDF" in page
    assert 'href="#id_file"' in page  # in the error summary, linked to the field
    assert not Attachment.objects.exists()
    assert stored_files(_private_storage) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Angebot.pdf", PDF[: len(PDF) // 2]),  # truncated
        ("Angebot.pdf", b"Sehr geehrte Damen und Herren,\nanbei unser Angebot.\n"),
        ("Angebot.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n" + PDF[9:]),
    ],
    ids=["truncated", "renamed-text", "html-polyglot"],
)
def test_a_file_that_is_no_readable_pdf_is_refused_by_name_and_nothing_is_stored(
    coordinator_client, draft, _private_storage, name, content
):
    response = upload(coordinator_client, draft, name, content)

    assert response.status_code == 422
    assert "Die Datei „Angebot.pdf“ ist kein lesbares PDF" in text(response)
    assert 'href="#id_file"' in text(response)
    assert not Attachment.objects.exists()
    assert stored_files(_private_storage) == []


@override_settings(FUNDING_ATTACHMENT_MAX_BYTES=1024)
def test_an_oversized_file_is_refused_and_nothing_is_stored(
    coordinator_client, draft, _private_storage
):
    big = PDF[:-6] + b" " * 2000 + b"%%EOF\n"

    response = upload(coordinator_client, draft, "gross.pdf", big)

    assert response.status_code == 422
    assert "Die Datei ist zu groß" in text(response)
    assert not Attachment.objects.exists()
    assert stored_files(_private_storage) == []


def test_a_filename_with_a_path_never_names_the_stored_file(
    coordinator_client, draft, _private_storage, tmp_path
):
    response = upload(coordinator_client, draft, "../../../etc/passwd.pdf", PDF)

    # Django drops the path before the view sees the name; the name kept is harmless and the
    # file lies under the private storage with a random name.
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert "/" not in attachment.filename and ".." not in attachment.filename
    [stored] = stored_files(_private_storage)
    assert stored.resolve().is_relative_to(_private_storage.resolve())
    assert "passwd" not in stored.name
    assert not (tmp_path / "etc").exists()


def test_a_name_made_of_dots_is_refused_with_a_message(coordinator_client, draft, _private_storage):
    response = upload(coordinator_client, draft, "..rechnung.pdf", PDF)

    assert response.status_code == 422
    assert "Der Dateiname darf keine Pfadangaben" in text(response)
    assert not Attachment.objects.exists()
    assert stored_files(_private_storage) == []


def test_uploading_without_a_file_says_so(coordinator_client, draft):
    response = coordinator_client.post(url("attachment_upload", draft), {"purpose": "application"})
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Datei aus." in text(response)


def test_annexes_are_frozen_once_submitted(coordinator_client, draft):
    upload(coordinator_client, draft, "anlage.pdf", PDF)
    attachment = Attachment.objects.get()
    submitted(draft)

    page = text(coordinator_client.get(url("application_detail", draft)))
    late_upload = upload(coordinator_client, draft, "spaet.pdf", PDF)
    delete = coordinator_client.post(url("attachment_delete", attachment), follow=True)

    assert "Anlage hochladen" not in page
    assert late_upload.status_code == 302
    assert Attachment.objects.count() == 1
    assert "gehört zu einem eingereichten Stand" in text(delete)


def test_receipts_can_be_uploaded_once_approved(coordinator_client, draft):
    approved(draft)
    page = text(coordinator_client.get(url("application_detail", draft)))
    assert "Beleg hochladen" in page

    response = upload(coordinator_client, draft, "quittung.pdf", PDF, purpose="receipt")

    assert response.status_code == 302
    assert Attachment.objects.get().purpose == Attachment.Purpose.RECEIPT


# --- The letter -----------------------------------------------------------------------------


def test_the_letter_is_offered_and_downloaded_as_pdf(coordinator_client, draft):
    approved(draft)
    page = text(coordinator_client.get(url("application_detail", draft)))
    assert url("letter_download", draft) in page

    response = coordinator_client.get(url("letter_download", draft))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="Bewilligung-{draft.reference}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_there_is_no_letter_before_the_decision(coordinator_client, draft):
    assert coordinator_client.get(url("letter_download", draft)).status_code == 404


def test_a_rejection_shows_its_reasons_and_letter(coordinator_client, draft):
    submitted(draft)
    review.decision_propose(
        application=draft, decision="reject", reasons="Nicht förderfähig.", actor=staff_user()
    )
    review.decision_sign(application=draft, actor=lead_user())

    page = text(coordinator_client.get(url("application_detail", draft)))
    letter = coordinator_client.get(url("letter_download", draft))

    assert "Nicht förderfähig." in page
    assert "Ablehnungsbescheid herunterladen" in page
    assert f"Ablehnung-{draft.reference}.pdf" in letter["Content-Disposition"]


def test_another_organisations_case_is_not_found(coordinator_client, year):
    foreign = ApplicationFactory(programme_year=year, title="Geheimes Projekt")
    assert coordinator_client.get(url("application_detail", foreign)).status_code == 404


def test_the_case_page_makes_the_same_queries_for_5_and_50_rows(
    coordinator_client, draft, django_assert_max_num_queries
):
    """Cost lines, attachments, payments and history rows do not add queries."""
    approved(draft)
    pauschale = Pauschale.objects.create(
        programme_year=draft.programme_year, title="Raum", amount=Decimal("10")
    )
    kind = ContentType.objects.get_for_model(Application)

    def make(n):
        for i in range(n):
            CostLine.objects.create(
                application=draft,
                category="room",
                description=f"Raum {i}",
                amount=Decimal("10"),
                pauschale=pauschale,
                units=1,
                actual_amount=Decimal("9"),
            )
            Attachment.objects.create(
                application=draft,
                purpose="receipt",
                file=f"funding/{draft.pk}/x{i}",
                filename=f"beleg-{i}.pdf",
                content_type="application/pdf",
                size=100,
                sha256="0" * 64,
            )
            Payment.objects.create(application=draft, amount=Decimal("1"), note=f"Teil {i}")
            StatusChange.objects.create(
                content_type=kind, object_id=draft.pk, from_status="approved", to_status="approved"
            )

    queries = assert_constant_queries(coordinator_client, url("application_detail", draft), make)
    with django_assert_max_num_queries(queries):
        coordinator_client.get(url("application_detail", draft))
    assert queries <= 17  # 16, and the unread count in the header
