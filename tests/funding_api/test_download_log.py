"""KI staff downloads of a case's files (annexes, receipts, the decision letter), on the pages
and through the API, are access-logged like staff views of a volunteer's data: one row per
download naming who, when and which file of which case. The organisation's own coordinators
download without a log; a refused download writes nothing."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.models import StatusChange
from funding.models import Attachment, DecisionLetter
from funding.services.attachments import attachment_add
from funding.services.letters import letter_filename
from tests.funding.factories import ApplicationFactory, approved

from .helpers import BASE, PDF_BYTES, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(w, monkeypatch):
    """An approved case of X with an annex and a receipt (the letter is a stub)."""
    monkeypatch.setattr("funding.services.letters.letter_render", lambda application: PDF_BYTES)
    application = ApplicationFactory(organisation=w.org_x, programme_year=w.year)
    annex = attachment_add(
        application=application,
        file=SimpleUploadedFile("Kostenvoranschlag.pdf", PDF_BYTES),
        filename="Kostenvoranschlag.pdf",
        purpose="application",
        actor=w.coordinator_x,
    )
    approved(application, staff=w.staff, lead=w.lead)
    receipt = attachment_add(
        application=application,
        file=SimpleUploadedFile("Quittung Miete.pdf", PDF_BYTES),
        filename="Quittung Miete.pdf",
        purpose="receipt",
        actor=w.coordinator_x,
    )
    return application, annex, receipt


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(user, kind: str, application, file):
    """GET one file of the case as `user`: kind is page-/api- plus attachment/letter."""
    if kind == "page-attachment":
        return page_client(user).get(reverse("funding:attachment_download", args=[file.pk]))
    if kind == "page-letter":
        return page_client(user).get(reverse("funding:letter_download", args=[application.pk]))
    if kind == "api-attachment":
        return client_for(user).get(f"{BASE}/attachments/{file.pk}/")
    return client_for(user).get(f"{BASE}/applications/{application.pk}/letter/")


def the_file(kind: str, case):
    application, annex, receipt = case
    return application.letter if kind.endswith("letter") else annex


def access_rows() -> list[StatusChange]:
    return list(StatusChange.objects.filter(from_status="viewed", to_status="viewed"))


KINDS = ["page-attachment", "page-letter", "api-attachment", "api-letter"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["staff", "lead"])
def test_a_ki_download_writes_one_row_naming_the_file(w, case, kind, who):
    application = case[0]
    file = the_file(kind, case)
    user = getattr(w, who)
    before = timezone.now()

    response = download(user, kind, application, file)

    assert response.status_code == 200
    [row] = access_rows()
    assert row.actor == user
    assert row.at >= before
    assert row.content_type == ContentType.objects.get_for_model(type(file))
    assert row.object_id == file.pk
    name = file.filename if isinstance(file, Attachment) else letter_filename(file)
    assert f"file={name}" in row.note
    assert f"application={application.pk}" in row.note


def test_every_download_is_a_row_and_receipts_count_too(w, case):
    application, annex, receipt = case
    download(w.staff, "page-attachment", application, annex)
    download(w.staff, "page-attachment", application, annex)
    download(w.staff, "api-attachment", application, receipt)

    rows = access_rows()
    assert [(r.object_id, "Quittung Miete.pdf" in r.note) for r in rows] == [
        (annex.pk, False),
        (annex.pk, False),
        (receipt.pk, True),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_the_organisations_own_coordinator_downloads_without_a_row(w, case, kind):
    response = download(w.coordinator_x, kind, case[0], the_file(kind, case))

    assert response.status_code == 200
    assert access_rows() == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["coordinator_y", "volunteer", "staff_without_mfa"])
def test_a_refused_download_writes_no_row(w, case, kind, who):
    response = download(getattr(w, who), kind, case[0], the_file(kind, case))

    assert response.status_code in (403, 404)
    assert access_rows() == []


@pytest.mark.parametrize("kind", ["page-letter", "api-letter"])
def test_no_letter_yet_is_404_and_no_row(w, kind):
    application = ApplicationFactory(organisation=w.org_x, programme_year=w.year)
    assert not DecisionLetter.objects.filter(application=application).exists()

    response = download(w.staff, kind, application, None)

    assert response.status_code == 404
    assert access_rows() == []
