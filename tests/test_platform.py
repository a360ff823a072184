"""Project-level behaviour: home page, health check, language switch, demo data, mailbox."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from backend.accounts.models import User
from notifications.models import Notification
from notifications.services import deliver, notify
from tests.factories import UserFactory
from volunteers.models import Town

pytestmark = pytest.mark.django_db


def test_home_page_is_german_by_default_and_lists_the_towns(client):
    call_command("load_reference")
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    html = response.content.decode()
    assert '<html lang="de"' in html
    for town in ("Ahlen", "Warendorf", "Wadersloh"):
        assert town in html


def test_reference_data_has_the_13_towns_with_postal_codes():
    call_command("load_reference")
    call_command("load_reference")  # idempotent
    assert Town.objects.count() == 13
    assert Town.objects.get(name="Ahlen").postal_codes == ["59227", "59229"]


def test_healthz_reports_database_broker_and_pending_notifications(client):
    user = UserFactory()
    notify(kind="system.test", recipient=user, dedupe_key="a")
    sent = notify(kind="system.test", recipient=user, dedupe_key="b")
    deliver(notification_id=sent.pk)

    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "unreachable"}
    assert body["notifications_pending"] == 1
    assert body["oldest_pending_notification_age_seconds"] >= 0


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    # The database itself is not stopped for one test; its driver error is what the view sees.
    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unreachable"


def test_language_switch_changes_the_page_and_is_kept_for_logged_in_users(client):
    user = UserFactory(language="de")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert '<html lang="en"' in client.get("/").content.decode()


# What seed_demo builds is tested in tests/test_seed_demo.py (one district for the module).


def test_seed_demo_refuses_production(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_staff_can_send_a_test_message_and_see_it_in_the_outbox(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    response = client.post(reverse("notifications:send_test"))
    assert response.status_code == 302
    notification = Notification.objects.get(recipient=staff_with_mfa)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert notification.to_email in page


def test_local_mailbox_shows_delivered_mail_and_is_off_in_production(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "notifications.mailbox.MailboxBackend"
    settings.MAILBOX_DIR = tmp_path
    notification = notify(kind="system.test", recipient=UserFactory(), dedupe_key="m")
    deliver(notification_id=notification.pk)
    page = client.get(reverse("mailbox")).content.decode()
    assert "Testnachricht der Ehrenamtsplattform" in page
    settings.MAILBOX_ENABLED = False
    assert client.get(reverse("mailbox")).status_code == 404
