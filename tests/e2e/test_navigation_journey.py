"""Journeys of the navigation, one per role: log in with the form (and the authenticator code for
the KI), land where the work is, find at most seven top-level entries, open the account menu
with the keyboard and reach "Mein Konto"; the KI team moves between its areas with the second
level. Every page is checked with axe-core and photographed as phone and desktop (var/e2e/);
on a 390 px wide phone the header fits without scrolling sideways."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from backend.accounts.services import user_set_totp
from directory.models import MunicipalAccess
from notifications.models import Notification
from notifications.services import notify
from tests.browser import PHONE
from tests.conftest import TOTP_SECRET, totp_code
from tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    TownFactory,
    UserFactory,
    VolunteerFactory,
)
from tests.funding.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(journey, email: str, *, totp: bool = False) -> None:
    page = journey.page
    page.goto(reverse("account_login"))
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    if totp:
        page.wait_for_url(re.compile(r"/2fa/authenticate/"))
        page.locator("input[name=code]").fill(totp_code())
        page.get_by_role("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("#", 1)[0]


def top_level(page) -> list[str]:
    return [
        " ".join(text.split())
        for text in page.locator(
            ".site-nav__list > li > a, .site-account__toggle"
        ).all_inner_texts()
    ]


def nothing_scrolls_sideways_on_a_phone(page) -> None:
    """The header with its navigation fits a 390 px phone (its own width, not the page's: a
    page's wide table is that page's business)."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    width = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.site-header, .site-header *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    page.set_viewport_size(size)
    assert width <= PHONE["width"], f"{page.url}: header {width} px wide on a 390 px phone"


def open_account_menu_with_the_keyboard(page) -> None:
    toggle = page.locator(".site-account__toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    assert page.locator(".site-account__menu").get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Mein Konto"


def walk(journey, *, landing: str, top: list[str]) -> None:
    """What every logged-in role does: land, count, open the account menu, reach Mein Konto."""
    page = journey.page
    assert path_of(page) == landing
    journey.check("Nach der Anmeldung")
    assert top_level(page) == top and len(top) <= 7
    nothing_scrolls_sideways_on_a_phone(page)
    open_account_menu_with_the_keyboard(page)
    journey.check("Kontomenue offen")
    page.keyboard.press("Enter")  # follows "Mein Konto"
    page.wait_for_url(re.compile(r"/konto/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Mein Konto"
    assert page.locator(".site-account__toggle").get_attribute("aria-current") == "true"
    journey.check("Mein Konto")
    nothing_scrolls_sideways_on_a_phone(page)


def test_anonymous_visitor_sees_six_entries(journey):
    page = journey.page
    page.goto("/")
    journey.check("Startseite")
    assert page.locator(".site-nav__list > li").count() == 6
    nothing_scrolls_sideways_on_a_phone(page)


def test_volunteer_lands_on_the_dashboard(journey):
    volunteer = VolunteerFactory(email="nora.neu@example.org", full_name="Nora Neu")
    log_in(journey, volunteer.email)
    walk(
        journey,
        landing=reverse("volunteers:dashboard"),
        top=[
            "Hilfegesuche",
            "Schulungen",
            "Verzeichnis",
            "Mein Ehrenamt",
            "Organisation registrieren",
            "Konto",
        ],
    )


def test_coordinator_who_also_volunteers_lands_on_the_organisation(journey):
    coordinator = VolunteerFactory(email="klara@example.org", full_name="Klara Koordination")
    membership = MembershipFactory(user=coordinator, organisation__name="Flüchtlingshilfe Ahlen")
    log_in(journey, coordinator.email)
    walk(
        journey,
        landing=reverse("volunteers:organisation_detail", args=[membership.organisation_id]),
        top=[
            "Hilfegesuche",
            "Schulungen",
            "Verzeichnis",
            "Mein Ehrenamt",
            "Meine Organisationen",
            "Förderanträge",
            "Konto",
        ],
    )


def test_coordinator_without_a_name_is_asked_for_it_and_then_sent_on(journey):
    coordinator = UserFactory(email="ohne.namen@example.org", nameless=True)
    membership = MembershipFactory(user=coordinator, organisation__name="Begegnungscafé Telgte")
    page = journey.page
    log_in(journey, coordinator.email)
    page.wait_for_url(re.compile(r"/konto/\?next="))
    journey.check("Name fehlt")
    page.get_by_label("Vorname").fill("Jonas")
    page.get_by_role("button", name="Namen speichern und weiter").click()
    page.wait_for_load_state()
    assert page.locator("#id_last_name-error").inner_text().strip() == (
        "Bitte geben Sie Ihren Nachnamen an."
    )
    assert page.get_by_label("Vorname").input_value() == "Jonas"
    journey.check("Name unvollstaendig")
    page.get_by_label("Nachname").fill("Brückner")
    page.get_by_role("button", name="Namen speichern und weiter").click()
    page.wait_for_url(re.compile(rf"/organisation/{membership.organisation_id}/$"))
    assert page.get_by_text("Ihr Name ist gespeichert.").is_visible()
    journey.check("Organisation nach dem Namen")


def test_ki_lead_lands_on_the_work_queue_and_moves_between_areas(journey):
    lead = UserFactory(email="leitung@example.org", full_name="Dr. Leonie Leitung", ki_lead=True)
    user_set_totp(user=lead, secret=TOTP_SECRET)
    OrganisationFactory(name="Helferkreis Sendenhorst", unverified=True)
    ApplicationFactory(submitted=True)
    failed = notify(kind="system.test", recipient=lead, dedupe_key="failed")
    Notification.objects.filter(pk=failed.pk).update(status=Notification.Status.FAILED)
    page = journey.page
    log_in(journey, lead.email, totp=True)
    walk(
        journey,
        landing=reverse("work_queue"),
        top=["Hilfegesuche", "Schulungen", "Verzeichnis", "KI-Team", "Konto"],
    )
    page.goto(reverse("work_queue"))
    assert page.get_by_role("heading", level=1).inner_text() == "Aufgaben"
    subnav = page.get_by_role("navigation", name="Bereiche des KI-Teams")
    assert subnav.get_by_role("link", name="Aufgaben").get_attribute("aria-current") == "page"
    queue = page.locator("#aufgabe-organisations_pending")
    assert queue.locator(".task__count").inner_text() == "1"
    assert page.locator("#aufgabe-emails_failed .task__count").inner_text() == "1"
    journey.check("Aufgaben")
    queue.get_by_role("link", name=re.compile("Organisationen prüfen")).click()
    page.wait_for_url(re.compile(r"/verwaltung/organisationen/\?status=pending$"))
    assert page.get_by_text("Helferkreis Sendenhorst").first.is_visible()
    subnav = page.get_by_role("navigation", name="Bereiche des KI-Teams")
    assert subnav.get_by_role("link", name="Organisationen").get_attribute("aria-current") == (
        "page"
    )
    journey.check("Organisationen aus den Aufgaben")
    subnav.get_by_role("link", name="Postausgang").click()
    page.wait_for_url(re.compile(r"/verwaltung/benachrichtigungen/$"))
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.get_by_role("link", name="KI-Team").get_attribute("aria-current") == "true"
    journey.check("Postausgang")
    nothing_scrolls_sideways_on_a_phone(page)
    subnav.get_by_role("link", name="Aufgaben").click()
    page.wait_for_url(re.compile(r"/verwaltung/$"))


def test_admin_lands_on_the_work_queue(journey):
    admin = UserFactory(
        email="technik@example.org", full_name="Technische Administration", admin=True
    )
    user_set_totp(user=admin, secret=TOTP_SECRET)
    log_in(journey, admin.email, totp=True)
    walk(
        journey,
        landing=reverse("work_queue"),
        top=["Hilfegesuche", "Schulungen", "Verzeichnis", "KI-Team", "Administration", "Konto"],
    )


def test_town_administration_lands_on_its_figures(journey):
    contact = UserFactory(
        email="kommune@example.org", full_name="Miriam Integration", role="municipal"
    )
    MunicipalAccess.objects.create(user=contact, town=TownFactory(name="Ahlen"))
    log_in(journey, contact.email)
    walk(
        journey,
        landing=reverse("directory:municipal_figures"),
        top=["Hilfegesuche", "Schulungen", "Verzeichnis", "Zahlen meiner Kommune", "Konto"],
    )
