"""Celery tasks of the volunteers app. Thin: the services do the work; every task may run twice
and acts once (each service works by conditional writes and finds nothing left the second
time)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services.gdpr import fuehrungszeugnis_purge_expired
from .services.help_requests import help_requests_expire


@shared_task(name="volunteers.expire_help_requests")
def expire_help_requests_task() -> int:
    """Daily: open or filled help requests past their "open until" date become expired.
    Each request is locked and its status checked again, so a second run expires none."""
    return help_requests_expire(today=timezone.localdate())


@shared_task(name="volunteers.purge_fuehrungszeugnis")
def purge_fuehrungszeugnis_task() -> int:
    """Daily: delete Führungszeugnis records past retention (see
    fuehrungszeugnis_purge_expired for the rule). One conditional DELETE; a second run
    deletes nothing."""
    return fuehrungszeugnis_purge_expired(today=timezone.localdate())
