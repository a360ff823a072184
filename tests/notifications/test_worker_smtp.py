"""End to end with real processes: a Celery worker process consuming from Redis delivers
outbox rows to an SMTP server listening on loopback."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify, sweep
from tests.conftest import redis_url, require_service, use_broker
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 60) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.2)
        raise AssertionError(f"expected {count} message(s), got {len(self.messages)}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The URL of the test database, for a process outside pytest."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def broker():
    url = redis_url()
    require_service("Redis", url)
    with use_broker(url) as app:
        app.control.purge()
        yield url


@pytest.fixture
def worker(transactional_db, broker, smtp_inbox):
    _inbox, port = smtp_inbox
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    if process.returncode not in (0, -15):
        print(output.decode(errors="replace"))


@pytest.mark.services
def test_worker_delivers_a_notification_over_smtp_with_text_and_html(worker, smtp_inbox):
    inbox, _port = smtp_inbox
    user = UserFactory(email="empfang@example.org")
    with transaction.atomic():
        notification = notify(kind="system.test", recipient=user, context={}, dedupe_key="e2e")

    [message] = inbox.wait_for(1)
    assert message["To"] == "empfang@example.org"
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Testnachricht" in message["Subject"]
    assert settings.SITE_URL in parts["text/plain"]
    assert settings.SITE_URL in parts["text/html"]

    deadline = time.monotonic() + 10
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
    [message] = inbox.wait_for(1)
    assert message["To"] == user.email
