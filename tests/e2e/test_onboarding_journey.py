"""Journey (a): a verified volunteer logs in, goes through the five onboarding steps in German
(one wrong postal code on the way), ends on the dashboard, finds the profile complete through
the account menu, and withdraws the contact consent with one click. axe-core checks every page;
screenshots go to var/e2e/."""

import re

import pytest
from django.core.management import call_command

from tests.factories import TEST_PASSWORD, UserFactory
from volunteers.models import Consent, VolunteerProfile, slot_bit

pytestmark = pytest.mark.django_db(transaction=True)


def test_volunteer_completes_onboarding_and_withdraws_contact_consent(journey):
    call_command("load_reference", verbosity=0)
    user = UserFactory(email="neu.im.ehrenamt@example.org", full_name="Samira Neu")
    page = journey.page

    page.goto("/konto/login/")
    journey.check("Anmeldung")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()

    # Step 1: a postal code of another town is refused at the field, with the town's codes.
    page.wait_for_url(re.compile(r"/ehrenamt/anmeldung/1/$"))
    assert page.title().startswith("Schritt 1 von 5")
    assert page.get_by_role("heading", level=1).inner_text() == "Schritt 1 von 5: Wohnort"
    journey.check("Schritt 1 Wohnort")
    page.get_by_label("Wohnort").select_option(label="Ahlen")
    page.get_by_label("Postleitzahl").fill("48291")
    page.get_by_role("button", name="Speichern und weiter").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    error = page.locator("#id_postal_code-error").inner_text()
    assert "59227, 59229" in error and "Telgte" in error
    assert page.get_by_label("Postleitzahl").get_attribute("aria-invalid") == "true"
    journey.check("Schritt 1 Fehler Postleitzahl")
    page.get_by_label("Postleitzahl").fill("59227")
    page.get_by_role("button", name="Speichern und weiter").click()

    # Step 2: languages with levels; one more row without JavaScript.
    page.wait_for_url(re.compile(r"/ehrenamt/anmeldung/2/$"))
    assert page.title().startswith("Schritt 2 von 5")
    journey.check("Schritt 2 Sprachen")
    page.get_by_label("1. Sprache", exact=True).select_option(label="Deutsch")
    page.get_by_label("Niveau der 1. Sprache").select_option(label="Muttersprache")
    page.get_by_role("button", name="Weitere Sprache").click()
    page.wait_for_load_state()
    assert page.locator("#id_lang_3").is_visible()  # a fourth row
    assert page.get_by_label("1. Sprache", exact=True).input_value() == "de"
    page.locator("#id_lang_1").select_option(label="Arabisch")
    page.locator("#id_level_1").select_option(label="fließend")
    page.get_by_role("button", name="Speichern und weiter").click()

    # Step 3: activity areas from the reference data.
    page.wait_for_url(re.compile(r"/ehrenamt/anmeldung/3/$"))
    assert page.title().startswith("Schritt 3 von 5")
    journey.check("Schritt 3 Taetigkeiten")
    page.get_by_label("Sprachförderung / Deutsch lernen").check()
    page.get_by_label("Fahrdienste").check()
    page.get_by_role("button", name="Speichern und weiter").click()

    # Step 4: the weekly grid (a table of labelled check boxes) and the travel radius.
    page.wait_for_url(re.compile(r"/ehrenamt/anmeldung/4/$"))
    assert page.title().startswith("Schritt 4 von 5")
    journey.check("Schritt 4 Zeit und Entfernung")
    page.get_by_label("Montag vormittags").check()
    page.get_by_label("Mittwoch abends").check()
    page.get_by_label("bis 20 km").check()
    page.get_by_role("button", name="Speichern und weiter").click()

    # Step 5: phone and consents; finishing completes the onboarding.
    page.wait_for_url(re.compile(r"/ehrenamt/anmeldung/5/$"))
    assert page.title().startswith("Schritt 5 von 5")
    journey.check("Schritt 5 Kontakt und Einwilligungen")
    page.get_by_role("textbox", name=re.compile("^Telefonnummer")).fill("02382 12345")
    page.get_by_label("Kontakt für Hilfegesuche").check()
    page.get_by_role("button", name="Anmeldung abschließen").click()

    # Onboarding ends on the dashboard; the profile is in the account menu.
    page.wait_for_url(re.compile(r"/ehrenamt/$"))
    assert page.get_by_text("Ihre Anmeldung ist abgeschlossen.").is_visible()
    journey.check("Dashboard nach der Anmeldung")
    page.locator(".site-account__toggle").click()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Mein Profil"
    ).click()
    page.wait_for_url(re.compile(r"/ehrenamt/profil/$"))
    main = page.get_by_role("main")
    assert main.get_by_text("Anmeldung abgeschlossen", exact=True).is_visible()
    assert "Deutsch (Muttersprache)" in main.inner_text()
    journey.check("Profil abgeschlossen")

    profile = VolunteerProfile.objects.get(user=user)
    assert profile.is_complete
    assert (profile.town.name, profile.postal_code, profile.travel_radius_km) == (
        "Ahlen",
        "59227",
        20,
    )
    assert sorted(profile.languages.values_list("code", "level")) == [("ar", 2), ("de", 3)]
    assert profile.availability == slot_bit(0, 0) | slot_bit(2, 2)
    assert Consent.objects.get(user=user, kind="contact").withdrawn_at is None

    # One click withdraws the contact consent.
    main.get_by_role("link", name="Alle Einwilligungen mit Wortlaut und Verlauf").click()
    page.wait_for_url(re.compile(r"/ehrenamt/einwilligungen/$"))
    journey.check("Einwilligungen")
    page.get_by_role("button", name="Widerrufen: Kontakt für Hilfegesuche").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Einwilligen: Kontakt für Hilfegesuche").is_visible()
    section = page.locator("#einwilligung-contact")
    assert section.get_by_text("widerrufen", exact=True).is_visible()
    journey.check("Einwilligung widerrufen")
    consent = Consent.objects.get(user=user, kind="contact")
    assert consent.withdrawn_at is not None
