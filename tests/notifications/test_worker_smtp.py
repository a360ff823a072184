"""End to end with real processes: a Celery worker process consuming from Redis delivers
outbox rows to an SMTP server listening on loopback."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify, sweep
from tests.conftest import redis_url, require_service, use_broker
from tests.factories import UserFactory

from .processes import Inbox, Worker, database_url, smtp_server, worker_env


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    with smtp_server(inbox) as port:
        yield inbox, port


@pytest.fixture
def broker():
    url = redis_url()
    require_service("Redis", url)
    with use_broker(url) as app:
        app.control.purge()
        yield url


@pytest.fixture
def worker(transactional_db, broker, smtp_inbox, tmp_path):
    _inbox, port = smtp_inbox
    env = worker_env(
        database=database_url(), broker=broker, smtp_port=port, NOTIFICATIONS_SMTP_CONNECTIONS=2
    )
    with Worker(env, tmp_path / "worker.log") as process:
        yield process
    print(process.output())


@pytest.mark.services
def test_worker_delivers_a_notification_over_smtp_with_text_and_html(worker, smtp_inbox):
    inbox, _port = smtp_inbox
    user = UserFactory(email="empfang@example.org")
    with transaction.atomic():
        notification = notify(kind="system.test", recipient=user, context={}, dedupe_key="e2e")

    [received] = inbox.wait_for(1)
    message = received.message
    assert message["To"] == "empfang@example.org"
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Testnachricht" in message["Subject"]
    assert settings.SITE_URL in parts["text/plain"]
    assert settings.SITE_URL in parts["text/html"]

    deadline = time.monotonic() + 60  # a hang guard: the row is marked sent at once
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.status == Notification.Status.SENT:
            break
        time.sleep(0.2)
    assert notification.status == Notification.Status.SENT


@pytest.mark.services
def test_row_left_behind_by_a_broker_outage_is_delivered_after_the_sweep(
    worker, smtp_inbox, broker
):
    inbox, _port = smtp_inbox
    user = UserFactory()
    with use_broker("redis://127.0.0.1:1/0"), transaction.atomic():
        notification = notify(kind="system.test", recipient=user, context={}, dedupe_key="lost")
    time.sleep(2)
    assert inbox.messages == []  # nothing reached the worker

    Notification.objects.filter(pk=notification.pk).update(
        updated_at=timezone.now()
        - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS + 1)
    )
    assert sweep() == 1  # the beat task's body, publishing to the real broker
    [received] = inbox.wait_for(1)
    assert received.message["To"] == user.email


@pytest.mark.services
def test_a_batch_of_notifications_shares_one_smtp_connection(worker, smtp_inbox):
    """What one transaction queues is published in batches, and each batch goes over at most
    NOTIFICATIONS_SMTP_CONNECTIONS SMTP connections (a mail server limits connections per
    minute; 10,000 reminders are not 10,000 logins)."""
    inbox, _port = smtp_inbox
    users = [UserFactory() for _ in range(20)]
    with transaction.atomic():
        for user in users:
            notify(kind="system.test", recipient=user, context={}, dedupe_key=f"batch:{user.pk}")

    received = inbox.wait_for(len(users))
    assert sorted(m.to for m in received) == sorted(user.email for user in users)
    batches = -(-len(users) // settings.NOTIFICATIONS_BATCH_SIZE)
    connections = {m.connection for m in received}
    limit = batches * 2  # the worker's NOTIFICATIONS_SMTP_CONNECTIONS
    assert len(connections) <= limit, f"{len(connections)} connections for {batches} batch(es)"
