"""Writing to and delivering from the outbox.

notify() writes a row inside the caller's transaction and enqueues delivery after commit.
deliver() claims a row by a conditional UPDATE, sends it and marks it sent, so a task that runs
twice sends once. sweep() re-enqueues rows that are still pending after a few minutes (broker
down at commit time, lost task, worker killed), so nothing is lost.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Notification
from .rendering import render_notification

if TYPE_CHECKING:
    from backend.accounts.models import User

logger = logging.getLogger(__name__)


class TransientDeliveryError(Exception):
    """Delivery failed for a reason that may go away (connection refused, SMTP 4xx)."""


def notify(
    *,
    kind: str,
    dedupe_key: str,
    recipient: User | None = None,
    to_email: str | None = None,
    context: dict[str, Any] | None = None,
    language: str | None = None,
    required_consent: str = "",
) -> Notification:
    """Put an email into the outbox; delivery is enqueued when the caller's transaction commits.

    At most one row exists per dedupe_key: calling again with the same key returns the first
    row and enqueues nothing. Rolled-back transactions leave no row and send nothing.
    """
    if recipient is None and not to_email:
        raise ValueError("notify() needs a recipient or an email address.")
    address = to_email or recipient.email
    lang = language or (recipient.language if recipient is not None else None) or "de"
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "recipient": recipient,
                "to_email": address,
                "kind": kind,
                "language": lang,
                "context": context or {},
                "required_consent": required_consent,
            },
        )
    if created:
        transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def dedupe_keys_taken(keys: Iterable[str]) -> set[str]:
    """Which of these keys already have an outbox row. Lets a periodic sweep skip what it
    queued before without building contexts; notify() stays the guarantee of one row."""
    return set(
        Notification.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )


def enqueue(notification_id: int) -> bool:
    """Hand a delivery to the broker. A broker outage is logged, not raised: the row stays
    pending and the sweep enqueues it again later."""
    from .tasks import deliver_task

    try:
        deliver_task.delay(notification_id)
    except Exception:  # any broker/connection failure: the sweep is the safety net
        logger.warning(
            "Could not enqueue notification %s; the sweep will retry.",
            notification_id,
            exc_info=True,
        )
        return False
    return True


def _claim(notification_id: int) -> bool:
    """Atomically move a row to SENDING. False when it is sent, failed, or being sent by a
    live worker. A claim older than the claim timeout is taken over (its worker died)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
    return bool(
        Notification.objects.filter(pk=notification_id)
        .filter(
            Q(status=Notification.Status.PENDING)
            | Q(status=Notification.Status.SENDING, claimed_at__lt=stale)
        )
        .update(
            status=Notification.Status.SENDING,
            claimed_at=now,
            updated_at=now,
            attempts=F("attempts") + 1,
        )
    )


def _finish(notification_id: int, *, status: str, error: str = "") -> None:
    now = timezone.now()
    Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING).update(
        status=status,
        last_error=error[:2000],
        updated_at=now,
        claimed_at=None,
        sent_at=now if status == Notification.Status.SENT else None,
    )


def _is_transient(exc: Exception) -> bool:
    """Errors a later attempt may not see: connection problems and SMTP 4xx answers.
    Everything else (SMTP 5xx, a broken template) fails the notification for good."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


def deliver(*, notification_id: int) -> str:
    """Send one notification. Returns "sent", "failed" or "skipped" (not ours to send).

    Raises TransientDeliveryError when a retry may help; the row is then pending again.
    """
    if not _claim(notification_id):
        return "skipped"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.recipient is not None and not notification.recipient.is_active:
        _finish(
            notification_id,
            status=Notification.Status.CANCELLED,
            error="Recipient account is inactive.",
        )
        return "cancelled"
    if notification.required_consent and not _has_consent(notification):
        _finish(
            notification_id,
            status=Notification.Status.CANCELLED,
            error=f"Consent '{notification.required_consent}' is not (or no longer) given.",
        )
        return "cancelled"
    try:
        message = render_notification(notification)
        message.send(fail_silently=False)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if not _is_transient(exc) or notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            logger.error("Notification %s failed permanently: %s", notification_id, reason)
            _finish(notification_id, status=Notification.Status.FAILED, error=reason)
            return "failed"
        logger.warning("Notification %s will be retried: %s", notification_id, reason)
        _finish(notification_id, status=Notification.Status.PENDING, error=reason)
        raise TransientDeliveryError(reason) from exc
    _finish(notification_id, status=Notification.Status.SENT)
    return "sent"


def _has_consent(notification: Notification) -> bool:
    from volunteers.selectors import consent_is_active

    recipient = notification.recipient
    return recipient is not None and consent_is_active(
        user=recipient, kind=notification.required_consent
    )


def sweep(*, limit: int = 500) -> int:
    """Re-enqueue rows pending for longer than the sweep delay and rows whose claim went
    stale. Returns how many were enqueued."""
    now = timezone.now()
    pending_before = now - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)
    stale_claim = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
    ids = list(
        Notification.objects.filter(
            Q(status=Notification.Status.PENDING, updated_at__lt=pending_before)
            | Q(status=Notification.Status.SENDING, claimed_at__lt=stale_claim)
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    enqueued = 0
    for notification_id in ids:
        if not enqueue(notification_id):
            break  # broker still down; try again on the next sweep
        enqueued += 1
    return enqueued


def outbox_stats() -> dict[str, Any]:
    """Counts for /healthz and the staff outbox page."""
    open_rows = Notification.objects.filter(
        status__in=[Notification.Status.PENDING, Notification.Status.SENDING]
    )
    oldest = open_rows.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "pending": open_rows.count(),
        "oldest_pending_age_seconds": (
            int((timezone.now() - oldest).total_seconds()) if oldest else None
        ),
    }
