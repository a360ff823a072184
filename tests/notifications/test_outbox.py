"""The outbox: written in the caller's transaction, delivered once, swept when left behind."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import deliver, notify, sweep
from tests.conftest import eager_tasks, use_broker
from tests.factories import UserFactory


def _notify(user, key="test:1"):
    return notify(kind="system.test", recipient=user, context={}, dedupe_key=key)


@pytest.mark.django_db(transaction=True)
def test_notify_in_a_rolled_back_transaction_leaves_nothing_to_send():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(user)
        raise RuntimeError("the change that caused the email failed")
    assert not Notification.objects.exists()
    with eager_tasks():
        assert sweep() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_same_dedupe_key_gives_one_row():
    user = UserFactory()
    first = _notify(user)
    second = _notify(user)
    assert first.pk == second.pk
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_delivering_twice_sends_one_email():
    notification = _notify(UserFactory())
    assert deliver(notification_id=notification.pk) == "sent"
    assert deliver(notification_id=notification.pk) == "skipped"
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None


@pytest.mark.django_db
def test_email_is_multipart_in_the_recipients_language():
    german = _notify(UserFactory(language="de"), key="de")
    english = _notify(UserFactory(language="en"), key="en")
    deliver(notification_id=german.pk)
    deliver(notification_id=english.pk)
    de_mail, en_mail = mail.outbox
    assert de_mail.subject == "Testnachricht der Ehrenamtsplattform"
    assert en_mail.subject != de_mail.subject
    for message in (de_mail, en_mail):
        assert message.body.strip()
        [(html, mimetype)] = message.alternatives
        assert mimetype == "text/html"
        assert "<html" in html


@pytest.mark.django_db
def test_a_kind_missing_from_the_catalogue_is_refused_when_written():
    with pytest.raises(KeyError):
        notify(kind="no.such.kind", to_email="a@example.org", dedupe_key="x")
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_row_without_templates_fails_with_a_reason_and_is_not_retried():
    # A row left from a kind that was removed since (written before an upgrade).
    notification = Notification.objects.create(
        kind="no.such.kind", to_email="a@example.org", dedupe_key="x"
    )
    assert deliver(notification_id=notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "TemplateDoesNotExist" in notification.last_error
    assert deliver(notification_id=notification.pk) == "skipped"
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_row_left_pending_when_the_broker_is_down_is_sent_by_the_sweep(settings):
    user = UserFactory()
    # A broker that refuses connections: enqueueing after commit fails, the row stays.
    with use_broker("redis://127.0.0.1:1/0"), transaction.atomic():
        notification = _notify(user)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert mail.outbox == []

    # The sweep leaves fresh rows alone (the on-commit enqueue usually wins) ...
    with eager_tasks():
        assert sweep() == 0
        # ... and picks the row up once it has waited a few minutes.
        waited = timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS + 1)
        Notification.objects.filter(pk=notification.pk).update(updated_at=timezone.now() - waited)
        assert sweep() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_claim_abandoned_by_a_dead_worker_is_taken_over(settings):
    notification = _notify(UserFactory())
    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS + 5)
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, claimed_at=stale, attempts=1
    )
    assert deliver(notification_id=notification.pk) == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_live_claim_is_not_sent_twice():
    notification = _notify(UserFactory())
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert deliver(notification_id=notification.pk) == "skipped"
    assert mail.outbox == []
