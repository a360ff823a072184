"""Preferences, the one-click unsubscribe link and what they do to emails still waiting."""

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from backend.errors import DomainError
from notifications.models import Notification, Preference
from notifications.rendering import render_notification
from notifications.services import (
    deliver,
    notify,
    preference_enabled,
    preference_set,
    unsubscribe_token,
)
from tests.factories import UserFactory, VolunteerFactory
from volunteers.selectors import consent_is_active
from volunteers.services.consents import consent_give

pytestmark = pytest.mark.django_db

HOURS = "volunteers.hours_confirmed"
REMINDER = "volunteers.training_reminder"


def _hours(user, key="hours:1"):
    return notify(
        kind=HOURS,
        recipient=user,
        dedupe_key=key,
        context={
            "hours": "2",
            "date": "03.03.2026",
            "request_title": "Begleitung",
            "dashboard_url": settings.SITE_URL + "/ehrenamt/",
        },
    )


def _unsubscribe_link(message) -> str:
    return message.extra_headers["List-Unsubscribe"].strip("<>")


def test_an_optional_email_carries_the_one_click_headers_and_a_visible_link():
    user = VolunteerFactory()
    message = render_notification(_hours(user))
    link = _unsubscribe_link(message)
    assert link.startswith(settings.SITE_URL + "/benachrichtigungen/abbestellen/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    assert link in message.alternatives[0][0]


def test_a_necessary_email_has_no_unsubscribe_link():
    user = UserFactory()
    message = render_notification(
        notify(kind="system.test", recipient=user, dedupe_key="t", context={})
    )
    assert "List-Unsubscribe" not in message.extra_headers
    assert "abbestellen" not in message.body


def test_the_mail_programs_one_click_post_switches_off_exactly_that_kind():
    user = VolunteerFactory()
    link = _unsubscribe_link(render_notification(_hours(user)))
    # RFC 8058: a POST without cookies or CSRF token, body "List-Unsubscribe=One-Click".
    response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not preference_enabled(user=user, kind=HOURS)
    assert preference_enabled(user=user, kind=REMINDER)


def test_opening_the_link_asks_first_and_changes_nothing():
    """Link scanners of mail providers open links; only the button switches it off."""
    user = VolunteerFactory()
    link = _unsubscribe_link(render_notification(_hours(user)))
    response = Client().get(link)
    assert response.status_code == 200
    assert "Stunden bestätigt" in response.text
    assert user.email in response.text
    assert preference_enabled(user=user, kind=HOURS)
    assert not Preference.objects.exists()


def test_an_unsubscribe_between_writing_and_delivering_stops_the_email():
    user = VolunteerFactory()
    waiting = _hours(user)
    Client().post(_unsubscribe_link(render_notification(waiting)))
    assert deliver(notification_id=waiting.pk) == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Notification.Status.CANCELLED
    assert "switched this kind of email off" in waiting.last_error
    later = _hours(user, key="hours:2")
    assert deliver(notification_id=later.pk) == "cancelled"
    assert mail.outbox == []
    # Other kinds still arrive.
    other = notify(
        kind=REMINDER.replace("training_reminder", "training_certificate"),
        recipient=user,
        dedupe_key="cert",
        context={"title": "Erste Hilfe", "download_url": settings.SITE_URL + "/x/"},
    )
    assert deliver(notification_id=other.pk) == "sent"


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        unsubscribe_token(user_id=1, kind=HOURS)[:-2] + "xx",  # tampered signature
        signing.dumps({"u": 1, "k": HOURS}, salt="another.purpose"),
    ],
)
def test_a_forged_or_broken_link_is_refused_and_changes_nothing(token):
    user = VolunteerFactory()
    forged = reverse("notifications:unsubscribe", args=[token.replace("1", str(user.pk))])
    assert Client().post(forged).status_code == 404
    assert not Preference.objects.exists()


def test_a_link_for_a_necessary_kind_is_refused():
    user = UserFactory()
    token = unsubscribe_token(user_id=user.pk, kind="funding.application_approved")
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 404
    with pytest.raises(DomainError):
        preference_set(user=user, kind="funding.application_approved", enabled=False)


def test_unsubscribing_from_the_digest_withdraws_its_consent():
    user = VolunteerFactory()
    consent_give(user=user, kind="digest")
    token = unsubscribe_token(user_id=user.pk, kind="volunteers.digest")
    Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert not consent_is_active(user=user, kind="digest")
    assert not Preference.objects.exists()


def test_the_preferences_page_shows_a_volunteers_kinds_and_saves_them():
    user = VolunteerFactory()
    client = Client()
    client.force_login(user)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert "Stunden bestätigt" in page.text
    assert "Neue Initiative zur Prüfung" not in page.text  # a staff kind
    assert "Förderantrag bewilligt" not in page.text  # a coordinator kind
    assert "Passwort zurücksetzen" in page.text  # fixed, listed as always sent

    # Everything on except the hours email.
    on = {
        name: "on"
        for name in page.context["form"].fields
        if name not in ("volunteers-hours_confirmed", "volunteers-digest")
    }
    response = client.post(reverse("notifications:preferences"), on, follow=True)
    assert "Ihre Einstellungen sind gespeichert." in response.text
    assert not preference_enabled(user=user, kind=HOURS)
    assert preference_enabled(user=user, kind=REMINDER)
    assert consent_is_active(user=user, kind="contact")  # the invitation box was ticked
    assert not consent_is_active(user=user, kind="digest")

    client.post(reverse("notifications:preferences"), {**on, "volunteers-hours_confirmed": "on"})
    assert preference_enabled(user=user, kind=HOURS)


def test_the_preferences_page_in_english():
    user = VolunteerFactory(language="en")
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("notifications:preferences"))
    assert "Email notifications" in page.text
    assert "Hours confirmed" in page.text
