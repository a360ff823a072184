"""Celery task of the Teilnahmebescheinigungen: issuing a whole training's certificates in
the background. Thin: the service claims the job, finds its own remaining work in the
database and keeps the progress; a task that runs twice acts once."""

from __future__ import annotations

from celery import shared_task

from .services.training_certificates import certificate_job_run


@shared_task(name="volunteers.issue_training_certificates", acks_late=True)
def certificate_job_task(job_id: int) -> bool:
    """Work on the job for a bounded time (below the soft time limit), then queue the rest as
    a fresh task. Returns whether the job is finished. A finished or failed job is a no-op;
    a redelivered task (acks_late, worker lost) continues where the rows say it stopped."""
    finished = certificate_job_run(job_id=job_id)
    if not finished:
        certificate_job_task.delay(job_id)
    return finished
