"""Journey: a volunteer opens "Meine Daten", downloads the certificate and the export, types a
wrong password on the deletion page, then deletes the account. axe-core checks every page
(WCAG 2.1 AA); screenshots go to var/e2e/."""

from __future__ import annotations

import json
import re

import pytest

from backend.accounts.models import User
from tests.factories import TEST_PASSWORD
from tests.volunteers.factories import AssignmentFactory, HoursEntryFactory
from volunteers.models import HelpRequest

from .conftest import contactable_volunteer

pytestmark = pytest.mark.django_db(transaction=True)


def test_volunteer_downloads_documents_and_deletes_the_account(journey):  # noqa: F811
    volunteer = contactable_volunteer(full_name="Jana Journey", email="jana@example.org")
    assignment = AssignmentFactory(volunteer=volunteer, confirmed=True)
    HelpRequest.objects.filter(pk=assignment.help_request_id).update(confirmed_count=1)
    HoursEntryFactory(assignment=assignment, confirmed=True)
    page = journey.page
    page.goto("/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("jana@example.org")
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/ehrenamt/daten/")
    journey.check("Meine Daten")

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Ehrenamtsnachweis herunterladen (PDF)").click()
    assert re.fullmatch(r"Ehrenamtsnachweis-EN-\w{4}-\w{4}\.pdf", pdf.value.suggested_filename)
    with open(pdf.value.path(), "rb") as downloaded:
        assert downloaded.read(5) == b"%PDF-"

    with page.expect_download() as export:
        page.get_by_role("main").get_by_role(
            "link", name="Meine Daten herunterladen (JSON)"
        ).click()
    with open(export.value.path(), encoding="utf-8") as downloaded:
        assert json.load(downloaded)["account"]["email"] == "jana@example.org"

    page.get_by_role("link", name="Weiter zur Löschung des Kontos").click()
    page.wait_for_url(re.compile(r"/ehrenamt/daten/loeschen/$"))
    journey.check("Konto löschen")

    page.get_by_label("Ihr Passwort").fill("nicht-mein-passwort")
    page.get_by_role("button", name="Konto endgültig löschen").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    journey.check("Konto löschen – falsches Passwort")
    assert User.objects.filter(email="jana@example.org").exists()

    page.get_by_label("Ihr Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Konto endgültig löschen").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("Ihr Konto und Ihre persönlichen Daten wurden gelöscht.").is_visible()
    assert page.get_by_role("navigation").get_by_role("link", name="Anmelden").is_visible()
    journey.check("Nach der Löschung")
    assert not User.objects.filter(email="jana@example.org").exists()
