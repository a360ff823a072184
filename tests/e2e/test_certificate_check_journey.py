"""Journey: a volunteer downloads the Ehrenamtsnachweis; a visitor on a phone (an employer,
say) follows the footer link "Bescheinigung prüfen", first mistypes the code with a look-alike
character, then types it as it is printed and sees whose certificate it is, what and since
when. axe-core checks every page (WCAG 2.1 AA); screenshots go to var/e2e/."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.browser import PHONE
from tests.factories import TEST_PASSWORD, VolunteerFactory
from tests.pdf import pdf_words
from tests.volunteers.factories import AssignmentFactory, HoursEntryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_volunteer_downloads_the_nachweis_and_a_visitor_checks_it_on_a_phone(
    journey, visitor_journey
):
    volunteer = VolunteerFactory(full_name="Jana Journey", email="jana@example.org")
    assignment = AssignmentFactory(volunteer=volunteer, confirmed=True)
    HoursEntryFactory(assignment=assignment, confirmed=True, hours=Decimal("12.50"))

    page = journey.page
    page.goto("/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("jana@example.org")
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    page.wait_for_load_state()
    page.goto("/ehrenamt/daten/")
    journey.check("Meine Daten mit Ehrenamtsnachweis")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ehrenamtsnachweis herunterladen (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        text = pdf_words(pdf.read())
    code = re.search(r"Prüfcode: (EN-\w{4}-\w{4})", text).group(1)
    assert "Jana Journey" in text and "jana@example.org" not in text

    visitor = visitor_journey.page
    visitor.set_viewport_size(PHONE)
    visitor.goto("/")
    visitor.get_by_role("contentinfo").get_by_role("link", name="Bescheinigung prüfen").click()
    visitor.wait_for_url(re.compile(r"/bescheinigung/pruefen/$"))
    visitor_journey.check("Prüfseite")

    # A zero for the letter O: told which character never occurs, and the input stays.
    mistyped = code.replace(code[-1], "0")
    visitor.get_by_label("Prüfcode").fill(mistyped)
    visitor.get_by_role("button", name="Prüfen").click()
    visitor.wait_for_load_state()
    alert = visitor.get_by_role("alert")
    assert f"„{mistyped}“ ist kein Prüfcode" in alert.inner_text()
    assert "„0“" in alert.inner_text()
    assert visitor.get_by_label("Prüfcode").input_value() == mistyped
    visitor_journey.check("Prüfseite – kein Prüfcode")

    # As printed, but in small letters and with spaces: found.
    visitor.get_by_label("Prüfcode").fill(code.lower().replace("-", " "))
    visitor.get_by_role("button", name="Prüfen").click()
    visitor.wait_for_url(re.compile(rf"/bescheinigung/pruefen/{code}/$"))
    main = visitor.get_by_role("main").inner_text()
    assert "Dieser Ehrenamtsnachweis ist echt" in main
    assert "Jana Journey" in main and "12,50 Stunden" in main
    assert "jana@example.org" not in main
    visitor_journey.check("Prüfseite – Ehrenamtsnachweis echt")


def test_a_volunteer_without_a_name_is_told_where_to_enter_it(journey):
    from backend.accounts.services import user_set_name

    volunteer = VolunteerFactory(nameless=True, email="neu1@example.org")
    assignment = AssignmentFactory(volunteer=volunteer, confirmed=True)
    HoursEntryFactory(assignment=assignment, confirmed=True)

    page = journey.page
    page.goto("/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("neu1@example.org")
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    page.wait_for_load_state()
    page.goto("/ehrenamt/daten/")
    hint = page.get_by_role("status").filter(has_text="Noch kein Ehrenamtsnachweis möglich")
    assert "unter „Mein Konto“" in hint.inner_text()
    assert page.get_by_role("link", name="Ehrenamtsnachweis herunterladen (PDF)").count() == 0
    journey.check("Meine Daten ohne Namen")
    page.get_by_role("link", name="Zu „Mein Konto“: Namen eintragen").click()
    page.wait_for_url(re.compile(r"/konto/\?next="))

    user_set_name(user=volunteer, first_name="Nora", last_name="Neu")
    page.goto("/ehrenamt/daten/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ehrenamtsnachweis herunterladen (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        text = pdf_words(pdf.read())
    assert "Nora Neu" in text and "neu1@example.org" not in text
