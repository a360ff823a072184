"""Writing to and delivering from the outbox.

notify() writes a row inside the caller's transaction and enqueues delivery after commit.
deliver_many() claims each row by a conditional UPDATE, sends it and marks it sent, so a task
that runs twice sends once. sweep() re-enqueues rows that are still pending after a few minutes
(broker down at commit time, lost task, worker killed), so nothing is lost.

The one case the platform cannot rule out: a worker killed after the mail server accepted a
message and before the database recorded it (well under a millisecond) sends that message again
once its claim goes stale. Exactly-once over SMTP does not exist; the Message-ID is stable per
notification, so mail programs show the copy once.
"""

from __future__ import annotations

import contextvars
import logging
import os
import queue
import random
import smtplib
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import get_connection
from django.db import close_old_connections, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import DomainError
from backend.status import transition
from backend.template_context import check_context_keys

from . import attachments, catalogue, mime, values
from .models import Notification, Preference
from .rendering import Merge, render_notification

if TYPE_CHECKING:
    from backend.accounts.models import User

logger = logging.getLogger(__name__)

# Names the email rendering sets itself (rendering._base_context, templates/email/base.html):
# a value of the caller under one of them would silently never be printed.
RENDERING_NAMES = (
    "site_url",
    "ki_name",
    "ki_short_name",
    "recipient_name",
    "unsubscribe_url",
    "subject",
    "text_body",
    "EMAIL_LANGUAGE",
    "EMAIL_RTL",
)


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
    row and enqueues nothing. Rolled-back transactions leave no row and send nothing. The kind
    must be in the catalogue (catalogue.py). Raises ReservedContextKeyError for a context key
    the template engine or the rendering defines itself (`block`, `forloop`, `site_url`, ...).
    """
    check_context_keys(context or {}, also=RENDERING_NAMES, what="email")
    if recipient is None and not to_email:
        raise ValueError("notify() needs a recipient or an email address.")
    entry = catalogue.get(kind)  # KeyError: a kind nobody catalogued
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
                "context": values.pack(context or {}),
                "required_consent": required_consent or entry.consent,
                "in_app": bool(entry.in_app) and recipient is not None,
            },
        )
    if created:
        _to_enqueue().append(notification.pk)
        transaction.on_commit(_flush)
    return notification


_local = threading.local()


def _to_enqueue() -> list[int]:
    if not hasattr(_local, "ids"):
        _local.ids = []
    return _local.ids


def _flush() -> None:
    """After a commit: hand every id written in this thread since the last flush to the
    broker, in batches (a sweep that queues 5,000 reminders publishes 50 tasks, not 5,000).
    An id of a row whose savepoint rolled back is harmless: its delivery finds nothing."""
    ids, _local.ids = _to_enqueue(), []
    enqueue_many(ids)


def dedupe_keys_taken(keys: Iterable[str]) -> set[str]:
    """Which of these keys already have an outbox row. Lets a periodic sweep skip what it
    queued before without building contexts; notify() stays the guarantee of one row."""
    return set(
        Notification.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )


def enqueue_many(ids: list[int]) -> int:
    """Publish deliveries: one task for a single id, batch tasks otherwise. A broker outage is
    logged, not raised: the rows stay pending and the sweep enqueues them again later.
    Returns how many ids were handed over."""
    from .tasks import deliver_batch_task, deliver_task

    size = max(1, settings.NOTIFICATIONS_BATCH_SIZE)
    handed = 0
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        try:
            if len(chunk) == 1:
                deliver_task.delay(chunk[0])
            else:
                deliver_batch_task.delay(chunk)
        except Exception:  # any broker/connection failure: the sweep is the safety net
            logger.warning(
                "Could not enqueue %s notification(s); the sweep will retry.",
                len(ids) - handed,
                exc_info=True,
            )
            return handed
        handed += len(chunk)
    return handed


def enqueue(notification_id: int) -> bool:
    return enqueue_many([notification_id]) == 1


def _claim_many(ids: list[int]) -> dict[int, Notification]:
    """Atomically move the claimable rows among `ids` to SENDING and return them (with their
    recipients), in two queries. Claimable: pending and due, or claimed longer ago than the
    claim timeout (its worker died). A row sent, failed, or being sent by a live worker is left
    alone; two workers claiming the same row concurrently get it once (the UPDATE re-checks
    its condition under the row lock; the claim time tells whose claim it is)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
    # A row waiting after a temporary error is not due before its time, whichever task or
    # sweep asks (a timer may fire a little early: a tenth of a second is let through).
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=0.1))
    Notification.objects.filter(pk__in=ids).filter(
        Q(due, status=Notification.Status.PENDING)
        | Q(status=Notification.Status.SENDING, claimed_at__lt=stale)
    ).update(
        status=Notification.Status.SENDING,
        claimed_at=now,
        updated_at=now,
        attempts=F("attempts") + 1,
    )
    claimed = Notification.objects.select_related("recipient").filter(
        pk__in=ids, status=Notification.Status.SENDING, claimed_at=now
    )
    return {notification.pk: notification for notification in claimed}


# The outcome of one delivery, written right after the server answered (once per email, so
# the SQL is written out: the ORM's update() took 60 % longer than the statement itself).
# test_delivery checks that the table is the model's.
_FINISH_SQL = """
    UPDATE notifications_notification
       SET status = %s, last_error = %s, updated_at = %s, claimed_at = NULL, sent_at = %s,
           next_attempt_at = %s
     WHERE id = %s AND status = %s
"""


def _finish(notification_id: int, *, status: str, error: str = "", next_attempt_at=None) -> None:
    now = timezone.now()
    sent_at = now if status == Notification.Status.SENT else None
    with db_connection.cursor() as cursor:
        cursor.execute(
            _FINISH_SQL,
            [
                status,
                error[:2000],
                now,
                sent_at,
                next_attempt_at,
                notification_id,
                Notification.Status.SENDING,
            ],
        )


def _is_transient(exc: Exception) -> bool:
    """Errors a later attempt may not see: connection problems and SMTP 4xx answers.
    Everything else (SMTP 5xx, a broken template) fails the notification for good."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: exponential backoff
    with jitter (between half and all of base * 2^(attempts-1)), capped."""
    base = settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS
    ceiling = min(
        settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS, base * 2 ** max(0, attempts - 1)
    )
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


class _Checks:
    """What a batch needs to know to decide whether each row may still go out: the consents
    held and the kinds switched off, for all its recipients in two queries."""

    def __init__(self, rows: Iterable[Notification]):
        from volunteers.models import Consent

        rows = list(rows)
        users = {row.recipient_id for row in rows if row.recipient_id}
        consents = {row.required_consent for row in rows if row.required_consent}
        kinds = {row.kind for row in rows}
        self.consents = (
            set(
                Consent.objects.in_force()
                .filter(user_id__in=users, kind__in=consents)
                .values_list("user_id", "kind")
            )
            if users and consents
            else set()
        )
        self.choices = (
            {
                (user_id, kind): enabled
                for user_id, kind, enabled in Preference.objects.filter(
                    user_id__in=users, kind__in=kinds
                ).values_list("user_id", "kind", "enabled")
            }
            if users
            else {}
        )

    def stop_reason(self, notification: Notification) -> str:
        """Why this email must not go out (any more), or ""."""
        recipient = notification.recipient
        if recipient is not None and not recipient.is_active:
            return "Recipient account is inactive."
        if notification.required_consent and (
            recipient is None or (recipient.pk, notification.required_consent) not in self.consents
        ):
            return f"Consent '{notification.required_consent}' is not (or no longer) given."
        entry = catalogue.BY_CODE.get(notification.kind)
        switchable = entry is not None and entry.optional and not entry.consent
        if (
            recipient is not None
            and switchable
            and not self.choices.get((recipient.pk, entry.code), entry.default)
        ):
            return "The recipient switched this kind of email off."
        return ""


def _deliver_one(
    notification: Notification, connection, checks: _Checks, merge: Merge | None = None
) -> str:
    """Check, render and send one claimed row over the given SMTP connection."""
    notification_id = notification.pk
    reason = checks.stop_reason(notification)
    if reason:
        _finish(notification_id, status=Notification.Status.CANCELLED, error=reason)
        return "cancelled"
    try:
        message = render_notification(notification, merge)
        throttle()
        connection.open()  # once per batch: a no-op while the connection is open
        mime.send(message, connection)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if not _is_transient(exc) or notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            logger.error("Notification %s failed permanently: %s", notification_id, reason)
            _finish(notification_id, status=Notification.Status.FAILED, error=reason)
            return "failed"
        delay = retry_delay(notification.attempts)
        logger.warning(
            "Notification %s will be retried in %.0f s: %s", notification_id, delay, reason
        )
        _finish(
            notification_id,
            status=Notification.Status.PENDING,
            error=reason,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        _schedule_retry(notification_id, delay)
        connection.close()  # a broken connection is reopened by the next send
        return "retry"
    _finish(notification_id, status=Notification.Status.SENT)
    return "sent"


def _schedule_retry(notification_id: int, delay: float) -> None:
    """A retry of a delivery a few seconds to minutes from now (never a reminder: those are
    found by periodic sweeps). If the broker is down, the sweep sends it once it is due."""
    from .tasks import deliver_task

    try:
        deliver_task.apply_async((notification_id,), countdown=delay)
    except Exception:
        logger.warning("Could not schedule the retry of %s", notification_id, exc_info=True)


def deliver_many(*, notification_ids: Iterable[int]) -> dict[int, str]:
    """Send these rows. Per row: "sent", "failed", "cancelled", "retry" (a temporary error; a
    retry is scheduled) or "skipped" (not ours to send: sent, failed, or claimed by a live
    worker). A task that runs twice sends nothing twice.

    A batch sends over up to NOTIFICATIONS_SMTP_CONNECTIONS connections at once, each in a
    thread of its own taking the next row when it is done with one: most of a delivery is
    waiting for the mail server and the database, so one process keeps several busy.

    Each row is marked sent right after the server accepted it, so a worker killed mid-batch
    leaves the rest claimed but unsent; the sweep takes them over once the claim is stale."""
    ids = list(dict.fromkeys(notification_ids))
    claimed = _claim_many(ids)
    results = {pk: "skipped" for pk in ids if pk not in claimed}
    if not claimed:
        return results
    batch = _Batch(claimed, order=[pk for pk in ids if pk in claimed])
    lanes = min(settings.NOTIFICATIONS_SMTP_CONNECTIONS, -(-len(claimed) // _ROWS_PER_LANE))
    with attachments.one_batch():
        if lanes <= 1:
            results.update(batch.lane())
        else:
            pool = _lane_threads(lanes)
            # A copy of this context per thread: the attachment memo is shared.
            futures = [
                pool.submit(contextvars.copy_context().run, batch.lane_in_thread)
                for _lane in range(lanes)
            ]
            for future in futures:
                results.update(future.result())
    return results


_pool: tuple[int, int, ThreadPoolExecutor] | None = None  # (pid, size, pool)
_pool_lock = threading.Lock()


def _lane_threads(size: int) -> ThreadPoolExecutor:
    """The threads of this process that lanes run in. They live as long as the process, so
    their database connections are reused as Django's CONN_MAX_AGE allows; a forked worker
    child makes its own."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid() or _pool[1] < size:
            if _pool is not None and _pool[0] == os.getpid():
                _pool[2].shutdown(wait=False)  # a larger setting (tests)
            _pool = (os.getpid(), size, ThreadPoolExecutor(size, thread_name_prefix="outbox"))
        return _pool[2]


# A connection of its own pays off from about this many emails on (opening one costs about
# as much as sending a few).
_ROWS_PER_LANE = 10


class _Batch:
    """Claimed rows shared by the lanes of one deliver_many() call."""

    def __init__(self, claimed: dict[int, Notification], order: list[int]):
        self.claimed = claimed
        self.checks = _Checks(claimed.values())
        self.merge = Merge()
        self.todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for pk in order:
            self.todo.put(pk)
        self.started = time.monotonic()

    def _take_rest(self) -> list[int]:
        rest = []
        with suppress(queue.Empty):
            while True:
                rest.append(self.todo.get_nowait())
        return rest

    def lane(self) -> dict[int, str]:
        """Deliver rows over one SMTP connection until none is left."""
        results: dict[int, str] = {}
        connection = get_connection(fail_silently=False)
        try:
            while True:
                try:
                    pk = self.todo.get_nowait()
                except queue.Empty:
                    break
                if (
                    results
                    and time.monotonic() - self.started > settings.NOTIFICATIONS_BATCH_SECONDS
                ):
                    # Stay well inside the task time limit (a slow server, the rate limit):
                    # the rest is handed back, pending again, as a new batch.
                    rest = [pk, *self._take_rest()]
                    _release(rest)
                    enqueue_many(rest)
                    break
                results[pk] = _deliver_one(self.claimed[pk], connection, self.checks, self.merge)
        finally:
            try:
                connection.close()
            except Exception:  # closing a dead connection must not hide the results
                logger.debug("Closing the SMTP connection failed", exc_info=True)
        return results

    def lane_in_thread(self) -> dict[int, str]:
        # This thread's own database connection: checked before, kept or closed after as
        # for a web request (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
        close_old_connections()
        try:
            return self.lane()
        finally:
            close_old_connections()


def _release(ids: list[int]) -> None:
    """Give claimed rows back unsent (their attempt did not happen)."""
    Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING).update(
        status=Notification.Status.PENDING,
        claimed_at=None,
        attempts=F("attempts") - 1,
        updated_at=timezone.now(),
    )


def deliver(*, notification_id: int) -> str:
    """Send one notification; see deliver_many."""
    return deliver_many(notification_ids=[notification_id])[notification_id]


def throttle(*, now: float | None = None, sleep=time.sleep) -> None:
    """Keep the deliveries of all workers together under NOTIFICATIONS_MAX_PER_SECOND
    (0: no limit), counted per second in the shared cache (Redis in production), so a big
    batch does not trip the mail provider's limits."""
    limit = settings.NOTIFICATIONS_MAX_PER_SECOND
    if not limit:
        return
    while True:
        current = time.time() if now is None else now
        second = int(current)
        key = f"notifications:rate:{second}"
        try:
            cache.add(key, 0, timeout=5)
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            continue
        except Exception:  # the cache is down: sending unthrottled beats not sending
            logger.warning("Rate limit cache unavailable; sending unthrottled", exc_info=True)
            return
        if count <= limit:
            return
        sleep(second + 1 - current)
        if now is not None:
            now = second + 1


def sweep(*, limit: int = 1000) -> int:
    """Re-enqueue rows pending for longer than the sweep delay (and due, after a temporary
    error) and rows whose claim went stale. Returns how many were enqueued."""
    now = timezone.now()
    pending_before = now - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)
    stale_claim = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
    ids = list(
        Notification.objects.filter(
            Q(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                status=Notification.Status.PENDING,
                updated_at__lt=pending_before,
            )
            | Q(status=Notification.Status.SENDING, claimed_at__lt=stale_claim)
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    return enqueue_many(ids)


# --- Preferences and unsubscribing -----------------------------------------------------------


def preference_enabled(*, user: User, kind: catalogue.Kind | str) -> bool:
    """Whether this person gets this kind by email (consent-governed kinds: see consent)."""
    entry = catalogue.get(kind) if isinstance(kind, str) else kind
    if not entry.optional:
        return True
    if entry.consent:
        from volunteers.selectors import consent_is_active

        return consent_is_active(user=user, kind=entry.consent)
    choice = (
        Preference.objects.filter(user=user, kind=entry.code)
        .values_list("enabled", flat=True)
        .first()
    )
    return entry.default if choice is None else choice


@transaction.atomic
def preference_set(*, user: User, kind: str, enabled: bool) -> None:
    """Switch an optional kind on or off for this person. For a consent-governed kind this
    gives or withdraws the consent. What already waits in the outbox follows the new choice
    (delivery checks it)."""
    entry = catalogue.get(kind)
    if not entry.optional:
        raise DomainError(
            _("Diese Benachrichtigung ist notwendig und lässt sich nicht abschalten.")
        )
    if entry.consent:
        from volunteers.services.consents import consent_give, consent_withdraw

        (consent_give if enabled else consent_withdraw)(user=user, kind=entry.consent)
        return
    Preference.objects.update_or_create(
        user=user, kind=entry.code, defaults={"enabled": enabled, "updated_at": timezone.now()}
    )


_UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """A signed, non-expiring token for one person and one kind (old emails keep working)."""
    return signing.dumps({"u": user_id, "k": kind}, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    before, after = _unsubscribe_path(get_script_prefix())
    return settings.SITE_URL + before + unsubscribe_token(user_id=user_id, kind=kind) + after


_TOKEN_PLACEHOLDER = "TOKEN"


@lru_cache(maxsize=8)
def _unsubscribe_path(script_prefix: str) -> tuple[str, str]:
    """The link's path around the token, resolved once (every optional email carries one; a
    token is URL-safe base64 and colons, which reverse() leaves as they are)."""
    before, _token, after = reverse(
        "notifications:unsubscribe", args=[_TOKEN_PLACEHOLDER]
    ).partition(_TOKEN_PLACEHOLDER)
    return before, after


def unsubscribe_target(token: str) -> tuple[User, catalogue.Kind] | None:
    """The person and kind of a token, or None when it is forged, broken or out of date."""
    from backend.accounts.models import User

    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
        entry = catalogue.get(data["k"])
        user = User.objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist):
        return None
    if not entry.optional:
        return None
    return user, entry


# --- Staff -----------------------------------------------------------------------------------


@transaction.atomic
def notification_resend(*, notification: Notification, actor: User) -> None:
    """Staff send a failed email again (after fixing the address or the mail server). The
    delivery checks consent and preferences again; the audit trail records who did it."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    transition(
        locked,
        to=Notification.Status.PENDING,
        actor=actor,
        note=locked.last_error[:500],
        attempts=0,
        next_attempt_at=None,
        updated_at=timezone.now(),
    )
    transaction.on_commit(lambda: enqueue(locked.pk))


# --- In-app list ------------------------------------------------------------------------------


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark this person's notifications read (all, or these). Returns how many changed."""
    rows = Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


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
