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
from volunteers.models import Membership, Organisation, Town

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


def test_seed_demo_creates_one_account_per_role_and_can_run_twice(settings):
    call_command("seed_demo")
    call_command("seed_demo")
    roles = dict(User.objects.values_list("email", "role"))
    assert roles["freiwillig1@example.org"] == "member"
    assert roles["ki-team@example.org"] == "ki_staff"
    assert roles["ki-leitung@example.org"] == "ki_lead"
    org1 = Membership.objects.get(user__email="koordination1@example.org").organisation
    org2 = Membership.objects.get(user__email="koordination2@example.org").organisation
    assert org1 != org2
    assert Organisation.objects.filter(verified_at__isnull=True).exists()
    assert User.objects.get(email="freiwillig1@example.org").check_password(settings.DEMO_PASSWORD)


def test_seed_demo_staff_accounts_log_in_with_the_documented_totp(client, settings):
    from tests.conftest import totp_code

    call_command("seed_demo")
    response = client.post(
        reverse("account_login"),
        {"login": "ki-team@example.org", "password": settings.DEMO_PASSWORD},
    )
    assert response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(settings.DEMO_TOTP_SECRET)})
    assert client.get(reverse("notifications:outbox")).status_code == 200


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


def test_seed_demo_fills_the_public_list_with_open_help_requests(client):
    call_command("seed_demo")
    call_command("seed_demo")
    page = client.get(reverse("volunteers:help_request_list")).content.decode()
    assert "Sprachcafé am Donnerstag" in page
    assert "Begleitung zur Ausländerbehörde in Ahlen" in page
    profile = User.objects.get(email="freiwillig1@example.org").volunteer_profile
    assert profile.is_complete
    assert {lang.code for lang in profile.languages.all()} == {"de", "ar", "en"}
