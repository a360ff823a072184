"""Delivery against a real SMTP server on loopback: temporary errors are retried with growing
waits, permanent ones fail with the reason and can be resent by staff, batches share one
connection, the rate limit holds across workers, and reminders are never far-future tasks."""

from __future__ import annotations

import re
import socket
import threading
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.celery import app as celery_app
from backend.models import StatusChange
from notifications.models import Notification
from notifications.services import deliver, deliver_many, notify, retry_delay, sweep, throttle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class ScriptedServer:
    """Answers DATA from a script per recipient ("451 ...", "550 ...", default accept) and
    keeps what it accepted; counts connections."""

    def __init__(self):
        self.script: dict[str, list[str]] = {}
        self.accepted: list[str] = []
        self.attempts: dict[str, int] = {}
        self.connections = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        [recipient] = envelope.rcpt_tos
        with self.lock:
            self.attempts[recipient] = self.attempts.get(recipient, 0) + 1
            answers = self.script.get(recipient, [])
            if answers:
                return answers.pop(0)
            self.accepted.append(recipient)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ScriptedServer()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    controller.stop()


def _notify(email: str, key: str | None = None) -> Notification:
    return notify(kind="system.test", recipient=UserFactory(email=email), dedupe_key=key or email)


def test_a_451_is_retried_later_and_the_sweep_waits_until_it_is_due(smtp, settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 60
    settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS = 0
    smtp.script["a@example.org"] = ["451 4.3.0 Try again later"]
    notification = _notify("a@example.org")

    assert deliver(notification_id=notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert "451" in notification.last_error
    wait = (notification.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < wait <= 60  # half to all of the backoff: jitter
    assert sweep() == 0  # not due yet
    assert deliver(notification_id=notification.pk) == "skipped"  # an early task sends nothing

    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert sweep() == 1
    assert deliver(notification_id=notification.pk) == "sent"
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert smtp.accepted == ["a@example.org"]


def test_retry_waits_grow_with_jitter_and_stop_at_the_cap(settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 5
    settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = 600
    for attempts, ceiling in [(1, 5), (2, 10), (3, 20), (4, 40), (8, 600), (20, 600)]:
        waits = [retry_delay(attempts) for _ in range(50)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 1  # jitter: workers retrying together spread out


def test_a_550_fails_with_the_reason_and_staff_can_resend_it(smtp, settings, staff_with_mfa):
    settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS = 0
    smtp.script["b@example.org"] = ["550 5.1.1 User unknown"]
    notification = _notify("b@example.org")
    assert deliver(notification_id=notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "550" in notification.last_error and "User unknown" in notification.last_error
    assert sweep() == 0
    assert deliver(notification_id=notification.pk) == "skipped"
    assert smtp.attempts["b@example.org"] == 1

    client = Client()
    client.force_login(staff_with_mfa)
    session = client.session
    session["allauth_mfa_authenticated"] = True
    session.save()
    outbox = client.get(reverse("notifications:outbox") + "?status=failed")
    assert "User unknown" in outbox.text
    response = client.post(reverse("notifications:resend", args=[notification.pk]), follow=True)
    assert "wird erneut zugestellt" in response.text
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 0
    audit = StatusChange.objects.get(
        content_type=ContentType.objects.get_for_model(Notification), object_id=notification.pk
    )
    assert (audit.from_status, audit.to_status) == ("failed", "pending")
    assert audit.actor == staff_with_mfa
    assert deliver(notification_id=notification.pk) == "sent"
    assert smtp.accepted == ["b@example.org"]

    # Resending what is no longer failed is refused and changes nothing.
    again = client.post(reverse("notifications:resend", args=[notification.pk]), follow=True)
    assert again.status_code == 200
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


def test_a_batch_shares_one_connection_and_one_refusal_does_not_stop_the_rest(smtp):
    smtp.script["bad@example.org"] = ["550 5.1.1 User unknown"]
    rows = [_notify(f"p{i}@example.org") for i in range(5)]
    rows.insert(2, _notify("bad@example.org"))
    results = deliver_many(notification_ids=[row.pk for row in rows])
    assert list(results.values()).count("sent") == 5
    assert results[rows[2].pk] == "failed"
    assert sorted(smtp.accepted) == sorted(f"p{i}@example.org" for i in range(5))
    assert smtp.connections == 1


@pytest.mark.django_db(transaction=True)  # the lanes' threads read committed rows only
def test_a_large_batch_goes_over_several_connections_at_once_each_email_once(smtp, settings):
    """NOTIFICATIONS_SMTP_CONNECTIONS lanes share one batch: every email goes out exactly
    once, a refusal in one lane stops nothing, and no lane leaves a database connection open
    (tests run with CONN_MAX_AGE=0)."""
    settings.NOTIFICATIONS_SMTP_CONNECTIONS = 3
    smtp.script["bad@example.org"] = ["550 5.1.1 User unknown"]
    rows = [_notify(f"lane{i}@example.org") for i in range(40)]
    rows.insert(17, _notify("bad@example.org"))
    before = _open_database_connections()

    results = deliver_many(notification_ids=[row.pk for row in rows])

    assert sorted(smtp.accepted) == sorted(f"lane{i}@example.org" for i in range(40))
    assert smtp.attempts["bad@example.org"] == 1
    assert smtp.connections == 3
    assert results[rows[17].pk] == "failed"
    assert list(results.values()).count("sent") == 40
    statuses = Notification.objects.filter(pk__in=[row.pk for row in rows])
    assert sorted(statuses.values_list("status", flat=True)) == sorted(
        [Notification.Status.SENT] * 40 + [Notification.Status.FAILED]
    )
    assert _open_database_connections() == before
    # Delivering the same batch again sends nothing (every row is sent or failed).
    assert set(deliver_many(notification_ids=[row.pk for row in rows]).values()) == {"skipped"}
    assert len(smtp.accepted) == 40


def _open_database_connections() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_the_outcome_statement_writes_to_the_models_table():
    from notifications.services import _FINISH_SQL

    assert _FINISH_SQL.split()[:2] == ["UPDATE", Notification._meta.db_table]


def test_the_rate_limit_holds_a_send_until_the_next_second(settings):
    settings.NOTIFICATIONS_MAX_PER_SECOND = 3
    waits: list[float] = []
    start = 1_700_000_000.25
    for _ in range(3):
        throttle(now=start, sleep=waits.append)
    assert waits == []
    throttle(now=start, sleep=waits.append)
    assert waits == [pytest.approx(0.75)]


def test_the_outbox_command_shows_counts_age_and_failures(smtp):
    smtp.script["c@example.org"] = ["550 5.7.1 Relaying denied"]
    failed = _notify("c@example.org")
    deliver(notification_id=failed.pk)
    _notify("d@example.org")
    out = StringIO()
    call_command("outbox", stdout=out)
    text = out.getvalue()
    assert re.search(r"^pending\s+1\b", text, re.MULTILINE)
    assert re.search(r"^failed\s+1\b", text, re.MULTILINE)
    assert "oldest undelivered: 0 s old" in text or "s old" in text
    assert "Relaying denied" in text and "c@example.org" in text


def test_no_reminder_is_scheduled_as_a_far_future_task():
    """Reminders are found by periodic sweeps (beat). A task with an ETA or a countdown is
    lost with a broker restart and cannot follow a changed date; the one countdown allowed is
    the short retry of a delivery (at most NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS)."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in ("backend", "volunteers", "funding", "notifications", "directory"):
        for path in (root / app).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\b(eta|countdown)\s*=|\bapply_async\(", line):
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == [
        "notifications/services.py:"
        + str(_line_of(root / "notifications/services.py", "apply_async("))
        + ": deliver_task.apply_async((notification_id,), countdown=delay)"
    ]
    assert settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS <= 600


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_beat_runs_every_reminder_sweep():
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    sweeps = {
        name
        for name in celery_app.tasks
        if name.split(".")[0] in ("volunteers", "funding", "notifications", "directory")
        and re.search(r"\.(send_|sweep|expire_|purge_|auto_invite)", name)
    }
    assert {
        "notifications.sweep",
        "volunteers.send_training_reminders",
        "volunteers.send_digests",
        "volunteers.send_fuehrungszeugnis_reminders",
        "volunteers.send_request_expiry_reminders",
        "funding.send_proof_reminders",
    } <= sweeps
    # Work a sweep fans out (one chunk of a digest, one request's invitations) is not a sweep.
    fan_out = {"volunteers.send_digest_chunk", "volunteers.auto_invite"}
    assert sweeps - scheduled == fan_out
