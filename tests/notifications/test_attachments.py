"""Attachments are built by the kind's builder when the email is delivered, in the
recipient's language; kinds without a builder send none; a failing builder fails the delivery
instead of sending the email without its file."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from notifications import attachments
from notifications.attachments import Attachment
from notifications.models import Notification
from notifications.services import deliver, notify
from tests.factories import UserFactory

calls: list[tuple[int, str]] = []


def sample_builder(notification: Notification) -> list[Attachment]:
    calls.append((notification.pk, translation.get_language()))
    return [
        Attachment("a.txt", f"no. {notification.context['n']}".encode(), "text/plain"),
        Attachment("b.bin", b"\x00\x01", "application/octet-stream"),
    ]


def broken_builder(notification: Notification) -> list[Attachment]:
    raise LookupError("the thing to attach is gone")


@pytest.fixture
def builder(monkeypatch):
    calls.clear()

    def use(name: str) -> None:
        monkeypatch.setitem(attachments.BUILDERS, "system.test", (f"{__name__}.{name}", ""))

    return use


def _notify(user, key: str = "attachment:1") -> Notification:
    return notify(kind="system.test", recipient=user, context={"n": 7}, dedupe_key=key)


@pytest.mark.django_db
def test_kind_without_builder_sends_no_attachment():
    deliver(notification_id=_notify(UserFactory()).pk)
    [email] = mail.outbox
    assert email.attachments == []


@pytest.mark.django_db
def test_builder_runs_at_delivery_in_the_recipients_language(builder):
    builder("sample_builder")
    notification = _notify(UserFactory(language="en"))
    assert calls == []  # queuing builds nothing: the row stays plain JSON
    assert deliver(notification_id=notification.pk) == "sent"
    assert calls == [(notification.pk, "en")]
    [email] = mail.outbox
    assert email.attachments == [
        ("a.txt", "no. 7", "text/plain"),
        ("b.bin", b"\x00\x01", "application/octet-stream"),
    ]
    raw = email.message().as_string()
    assert 'filename="a.txt"' in raw
    assert 'filename="b.bin"' in raw


@pytest.mark.django_db
def test_failing_builder_fails_the_delivery_and_sends_nothing(builder):
    builder("broken_builder")
    notification = _notify(UserFactory())
    assert deliver(notification_id=notification.pk) == "failed"
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "LookupError" in notification.last_error


def test_every_registered_builder_can_be_imported():
    for path, _key in attachments.BUILDERS.values():
        assert callable(attachments._builder(path))
