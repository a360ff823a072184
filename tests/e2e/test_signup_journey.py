"""Journey: a volunteer signs up in German, confirms the email from the outbox, logs in,
switches to English and logs out. axe-core checks every page; screenshots go to var/e2e/."""

import re

import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import deliver

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "neu.freiwillig@example.org"
PASSWORD = "Sonnenblume-Ahlen-2026"


def test_volunteer_signs_up_confirms_logs_in_switches_language_and_logs_out(journey):
    page = journey.page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "de"
    journey.check("Startseite")

    page.get_by_role("navigation").get_by_role("link", name="Registrieren").click()
    journey.check("Registrierung")
    page.get_by_label("Vorname").fill("Nora")
    page.get_by_label("Nachname").fill("Neu")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/konto/confirm-email/$"))
    journey.check("Bestätigungsmail verschickt")

    # The verification email waits in the outbox; the worker's job is done here by the service.
    notification = Notification.objects.get(to_email=EMAIL)
    assert deliver(notification_id=notification.pk) == "sent"
    [message] = mail.outbox
    link = re.search(r"https?://\S+/konto/confirm-email/\S+", message.body).group(0)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    journey.check("E-Mail bestätigen")
    page.get_by_role("main").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/konto/login/"))
    journey.check("Anmeldung")

    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    # A new volunteer lands on the first onboarding step; the account menu holds the logout.
    page.wait_for_url(re.compile(r"/ehrenamt/anmeldung/1/$"))
    account_menu = page.locator(".site-account__toggle")
    assert not page.get_by_role("button", name="Abmelden").is_visible()
    account_menu.click()
    assert page.get_by_role("button", name="Abmelden").is_visible()
    journey.check("Angemeldet")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    journey.check("Englisch")

    sign_out = re.compile("Sign out", re.IGNORECASE)
    account_menu.click()
    page.get_by_role("navigation").get_by_role("button", name=sign_out).click()
    page.wait_for_load_state()
    if page.get_by_role("main").get_by_role("button", name=sign_out).count():
        journey.check("Sign out confirmation")  # allauth asks once more on its own page
        page.get_by_role("main").get_by_role("button", name=sign_out).click()
        page.wait_for_load_state()
    assert page.get_by_role("navigation").get_by_role("link", name="Sign in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    journey.check("Abgemeldet")
