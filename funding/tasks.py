"""Funding tasks: thin wrappers around services (STYLE.md, Celery)."""

from celery import shared_task

from .services.proof import proof_reminders_send


@shared_task(name="funding.send_proof_reminders")
def send_proof_reminders_task() -> int:
    """Daily sweep: proof-of-use reminders that are due (dedupe keys make reruns harmless)."""
    return proof_reminders_send()
