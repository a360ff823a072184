"""Celery tasks of the outbox. Thin: ids in, services do the work, every task may run twice.

Temporary SMTP errors are retried by the service (backoff with jitter, then a short countdown
task or, if the broker is down, the sweep); the tasks themselves never retry blindly."""

from celery import shared_task

from .services import deliver, deliver_many, sweep


@shared_task(name="notifications.deliver", acks_late=True)
def deliver_task(notification_id: int) -> str:
    """Deliver one notification; a no-op when it was already sent (claim by conditional
    update)."""
    return deliver(notification_id=notification_id)


@shared_task(name="notifications.deliver_batch", acks_late=True)
def deliver_batch_task(notification_ids: list[int]) -> int:
    """Deliver several notifications over one SMTP connection. Returns how many were sent."""
    results = deliver_many(notification_ids=notification_ids)
    return sum(1 for result in results.values() if result == "sent")


@shared_task(name="notifications.sweep")
def sweep_task() -> int:
    """Re-enqueue notifications that are still pending after a few minutes."""
    return sweep()
