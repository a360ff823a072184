"""Celery tasks of the outbox. Thin: ids in, services do the work, every task may run twice."""

from celery import shared_task

from .services import TransientDeliveryError, deliver, sweep


@shared_task(
    name="notifications.deliver",
    acks_late=True,
    autoretry_for=(TransientDeliveryError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def deliver_task(notification_id: int) -> str:
    """Deliver one notification; a no-op when it was already sent (claim by conditional
    update)."""
    return deliver(notification_id=notification_id)


@shared_task(name="notifications.sweep")
def sweep_task() -> int:
    """Re-enqueue notifications that are still pending after a few minutes."""
    return sweep()
