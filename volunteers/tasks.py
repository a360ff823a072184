"""Celery tasks of the volunteers app. Thin: the services do the work; every task may run twice
and acts once (each service works by conditional writes and finds nothing left the second
time)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services.assignments import invitations_expire
from .services.auto_invite import auto_invite_batch, auto_invite_due
from .services.digest import digest_chunks, digest_recipients, digest_send_chunk
from .services.gdpr import fuehrungszeugnis_purge_expired
from .services.help_requests import help_requests_expire
from .services.trainings import offers_expire
from .tasks_certificates import certificate_job_task  # noqa: F401  (registers the task)
from .tasks_trainings import send_training_reminders_task  # noqa: F401  (registers the task)


@shared_task(name="volunteers.expire_help_requests")
def expire_help_requests_task() -> int:
    """Daily: open or filled help requests past their "open until" date become expired, and
    then unanswered invitations of ended requests or older than INVITATION_EXPIRY_DAYS.
    Each row is changed by a conditional update, so a second run expires none."""
    expired = help_requests_expire(today=timezone.localdate())
    return expired + invitations_expire(now=timezone.now())


@shared_task(name="volunteers.purge_fuehrungszeugnis")
def purge_fuehrungszeugnis_task() -> int:
    """Daily: delete Führungszeugnis records past retention (see
    fuehrungszeugnis_purge_expired for the rule). One conditional DELETE; a second run
    deletes nothing."""
    return fuehrungszeugnis_purge_expired(today=timezone.localdate())


@shared_task(name="volunteers.auto_invite")
def auto_invite_task(help_request_id: int) -> int:
    """One request's next auto-invite batch, if due (enqueued when the request opens)."""
    return auto_invite_batch(help_request_id=help_request_id)


@shared_task(name="volunteers.auto_invite_sweep")
def auto_invite_sweep_task() -> int:
    """Hourly: the next batch of every open request whose batch is due (also the first batch
    of a request whose on-open task was lost). Each batch re-checks under a row lock."""
    return sum(auto_invite_batch(help_request_id=pk) for pk in auto_invite_due())


@shared_task(name="volunteers.send_digests")
def send_digests_task() -> int:
    """Weekly: one task per chunk of volunteers who want the digest. Returns the chunks."""
    chunks = digest_chunks(digest_recipients())
    for chunk in chunks:
        send_digest_chunk_task.delay(chunk)
    return len(chunks)


@shared_task(name="volunteers.send_digest_chunk")
def send_digest_chunk_task(user_ids: list[int]) -> int:
    """The digests of one chunk; the dedupe key (volunteer, ISO week) makes reruns harmless."""
    return digest_send_chunk(user_ids=user_ids)


@shared_task(name="volunteers.expire_training_offers")
def expire_training_offers_task() -> int:
    """Every few minutes: seat offers past their time pass to the next in line (each training
    locked and the offer re-checked, so a second run expires nothing)."""
    return offers_expire()


@shared_task(name="volunteers.send_fuehrungszeugnis_reminders")
def send_fuehrungszeugnis_reminders_task() -> int:
    """Daily: remind volunteers whose Führungszeugnis runs out within 8 weeks. Returns the
    number of emails queued; the dedupe key (record, valid until) makes a second run queue
    none."""
    from .services.expiry_reminders import fuehrungszeugnis_reminders_send

    return fuehrungszeugnis_reminders_send(today=timezone.localdate())


@shared_task(name="volunteers.send_request_expiry_reminders")
def send_request_expiry_reminders_task() -> int:
    """Daily: remind the coordinators of open requests that still need helpers and close
    within 3 days. Returns the number of emails queued; the dedupe key (request, open until,
    coordinator) makes a second run queue none."""
    from .services.expiry_reminders import request_expiry_reminders_send

    return request_expiry_reminders_send(today=timezone.localdate())
