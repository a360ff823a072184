"""Journey in the browser: a KI staff member verifies an organisation, searches volunteers,
records a Führungszeugnis (first with a wrong date) and looks at the overview. axe-core
checks every page for WCAG 2.1 AA; screenshots go to var/e2e/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory
from volunteers.models import FuehrungszeugnisRecord, LanguageLevel, Organisation

from .conftest import make_volunteer

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_verifies_searches_records_and_reads_the_overview(
    journey,  # noqa: F811
    live_server,
    staff_with_mfa,
    ahlen,
    telgte,
    language_support,
):
    pending = OrganisationFactory(
        name="Helferkreis Telgte", town=telgte, unverified=True, description="Seit 2015."
    )
    MembershipFactory(organisation=pending, user__full_name="Jonas Brückner")
    doubtful = OrganisationFactory(
        name="Handelsagentur Nord", town=ahlen, unverified=True, description="Wir vermitteln."
    )
    MembershipFactory(organisation=doubtful, user__full_name="Dana Dorn")
    amal = make_volunteer(
        "Amal Haddad",
        town=ahlen,
        languages={"ar": LanguageLevel.NATIVE},
        areas=[language_support],
    )
    make_volunteer("Bernd Basis", town=ahlen, languages={"ar": LanguageLevel.BASIC})

    session = Client()
    session.force_login(staff_with_mfa)
    journey.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = journey.page

    page.goto("/verwaltung/organisationen/")
    journey.check("Organisationen")
    # The decision is taken on the organisation's page, with its details in view.
    page.get_by_role("link", name=re.compile(r"^Prüfen\W+Helferkreis Telgte")).click()
    page.wait_for_url(re.compile(rf"/verwaltung/organisationen/{pending.pk}/$"))
    assert page.get_by_text("Seit 2015.").is_visible()
    assert page.get_by_text(re.compile("Jonas Brückner")).first.is_visible()
    journey.check("Organisation prüfen")
    page.get_by_role("button", name="Als geprüft bestätigen").click()
    page.wait_for_load_state()
    assert page.get_by_text("„Helferkreis Telgte“ ist jetzt geprüft.").is_visible()
    assert page.get_by_text("Eine E-Mail an Jonas Brückner (Koordination)").is_visible()
    journey.check("Organisation geprüft")
    assert Organisation.objects.get(pk=pending.pk).is_verified

    page.get_by_role("link", name=re.compile(r"^Prüfen\W+Handelsagentur Nord")).click()
    page.wait_for_url(re.compile(rf"/verwaltung/organisationen/{doubtful.pk}/$"))
    page.get_by_role("button", name="Registrierung ablehnen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Bitte schreiben Sie, warum").first.is_visible()
    journey.check("Ablehnung ohne Grund")
    page.get_by_label("Grund der Ablehnung").fill(
        "Ein Handelsunternehmen ist keine Initiative der Flüchtlingshilfe."
    )
    page.get_by_role("button", name="Registrierung ablehnen").click()
    page.wait_for_load_state()
    rejected = "Die Registrierung von „Handelsagentur Nord“ ist abgelehnt."
    assert page.get_by_text(rejected).is_visible()
    journey.check("Organisation abgelehnt")
    assert Organisation.objects.get(pk=doubtful.pk).is_rejected

    # The outbox names both emails by what they are, not by their codes.
    page.goto("/verwaltung/benachrichtigungen/")
    outbox = page.get_by_role("table")
    assert outbox.get_by_text("Initiative bestätigt", exact=True).is_visible()
    assert outbox.get_by_text("Initiative nicht bestätigt", exact=True).is_visible()
    assert outbox.get_by_text("volunteers.organisation").count() == 0
    journey.check("Postausgang")

    page.goto("/verwaltung/ehrenamtliche/")
    page.get_by_label("Wohnort").select_option("ahlen")
    page.get_by_label(re.compile(r"^Sprache\b")).select_option("ar")
    page.get_by_label("Sprachniveau mindestens").select_option("3")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"language=ar"))
    journey.check("Ehrenamtliche gesucht")
    assert page.get_by_role("link", name="Amal Haddad").is_visible()
    assert page.get_by_role("link", name="Bernd Basis").count() == 0

    page.get_by_role("link", name="Amal Haddad").click()
    page.wait_for_url(re.compile(rf"/ehrenamtliche/{amal.pk}/$"))
    journey.check("Ehrenamtliche Person")

    today = timezone.localdate()
    page.get_by_label("Ausstellungsdatum des Führungszeugnisses").fill(
        (today - dt.timedelta(days=20)).isoformat()
    )
    page.get_by_label("eingesehen am").fill((today - dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Einsicht speichern").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    journey.check("Führungszeugnis falsches Datum")
    assert not FuehrungszeugnisRecord.objects.exists()

    page.get_by_label("eingesehen am").fill(today.isoformat())
    page.get_by_role("button", name="Einsicht speichern").click()
    page.wait_for_url(re.compile(rf"/ehrenamtliche/{amal.pk}/$"))
    assert page.get_by_text("gültig bis").first.is_visible()
    journey.check("Führungszeugnis eingetragen")
    assert FuehrungszeugnisRecord.objects.get().volunteer_id == amal.pk

    page.goto("/verwaltung/uebersicht/")
    journey.check("Übersicht nach Orten")
    assert page.get_by_role("rowheader", name="Ahlen").is_visible()
