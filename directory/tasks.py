"""Celery tasks of the directory. Thin: the services do the work, every task may run twice."""

from celery import shared_task

from .services.reminders import offer_reminders_send


@shared_task(name="directory.send_offer_reminders")
def send_offer_reminders_task() -> int:
    """Daily: ask coordinators to confirm offers nobody confirmed for six months."""
    return offer_reminders_send()
