"""Celery tasks of trainings' reminders. Thin: the service does the work and acts once (the
outbox's unique dedupe key per rule and registration)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services.training_reminders import reminders_send


@shared_task(name="volunteers.send_training_reminders")
def send_training_reminders_task() -> int:
    """Every ten minutes: queue the training reminders that are due. Returns the number of
    emails queued; a second run queues none."""
    return reminders_send(now=timezone.now())
