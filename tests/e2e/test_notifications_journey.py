"""Journey: a volunteer sees two unread notifications in the header, opens one (it leads to
the thing concerned), switches an email kind off on the preferences page, and later follows
the unsubscribe link of an email without being logged in. axe-core checks every page, also
on a phone-sized screen."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.rendering import render_notification
from notifications.services import notify, preference_enabled
from tests.factories import TEST_PASSWORD, VolunteerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _hours(user, key: str, title: str):
    return notify(
        kind="volunteers.hours_confirmed",
        recipient=user,
        dedupe_key=key,
        context={
            "hours": "3",
            "date": "02.11.2026",
            "request_title": title,
            "dashboard_url": settings.SITE_URL + reverse("volunteers:dashboard"),
        },
    )


def _log_in(page, email: str) -> None:
    page.goto("/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    page.wait_for_url(re.compile(r"/$"))


def test_a_volunteer_reads_notifications_and_chooses_emails(journey):
    volunteer = VolunteerFactory(email="lesend@example.org")
    _hours(volunteer, "a", "Fahrdienst zum Arzt")
    _hours(volunteer, "b", "Sprachcafé Ahlen")
    page = journey.page
    _log_in(page, volunteer.email)

    # The account menu says how many are unread, and so does its entry "Benachrichtigungen".
    account_menu = page.locator(".site-account__toggle")
    assert re.search(r"2 ungelesen", account_menu.inner_text())
    account_menu.click()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name=re.compile(r"Benachrichtigungen.*2 ungelesen")).click()
    page.wait_for_url(re.compile(r"/benachrichtigungen/$"))
    journey.check("Benachrichtigungen")
    page.get_by_role("link", name=re.compile("Sprachcafé Ahlen")).click()
    page.wait_for_url(re.compile(r"/ehrenamt/$"))
    assert re.search(r"1 ungelesen", page.locator(".site-account__toggle").inner_text())

    page.goto("/benachrichtigungen/")
    page.get_by_role("link", name="Welche E-Mails möchte ich bekommen?").click()
    journey.check("E-Mail-Einstellungen")
    page.get_by_label("Stunden bestätigt").uncheck()
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Ihre Einstellungen sind gespeichert.").wait_for()
    assert not page.get_by_label("Stunden bestätigt").is_checked()
    assert not preference_enabled(user=volunteer, kind="volunteers.hours_confirmed")

    # On the phone, logged out: the link in a certificate email switches those emails off.
    page.set_viewport_size({"width": 375, "height": 740})
    page.context.clear_cookies()
    certificate = notify(
        kind="volunteers.training_certificate",
        recipient=volunteer,
        dedupe_key="c",
        context={"title": "Erste Hilfe", "download_url": settings.SITE_URL + "/"},
    )
    link = render_notification(certificate).extra_headers["List-Unsubscribe"].strip("<>")
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    journey.check("Abbestellen bestätigen")
    page.get_by_role("button", name="Abbestellen").click()
    page.get_by_text("Sie bekommen keine E-Mails der Art „Teilnahmebescheinigung“ mehr.").wait_for()
    journey.check("Abbestellt")
    assert not preference_enabled(user=volunteer, kind="volunteers.training_certificate")
