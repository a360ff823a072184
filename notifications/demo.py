"""The outbox after the demo district was seeded (seed_demo only).

Seeding a year of history writes an email for everything that happened to hundreds of made-up
people. A person who opens the Demo-Postfach for the first time should find the few emails of
the last days to the demo accounts (an invitation, new offers, an organisation to verify), not
two thousand. So the seeding keeps those pending, for the worker to deliver as usual, and
records everything else as sent when it was written: the history a real outbox would have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Max

from .models import Notification
from .services import notifications_mark_read


def _refuse_outside_demo() -> None:
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("The outbox history is settled for demo data only.")


def _settle(rows) -> int:
    return rows.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.SENT,
        sent_at=F("created_at"),
        updated_at=F("created_at"),
        attempts=1,
    )


@contextmanager
def outbox_history() -> Iterator[None]:
    """Every email written inside the block belongs to the demo's past and counts as sent:
    for steps the story places in the past that still run in the present (signing a decision
    of last year prints today's date into its letter). Demo data only."""
    _refuse_outside_demo()
    before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    yield
    written = Notification.objects.filter(pk__gt=before)
    _settle(written)
    _mark_read(written)


def _mark_read(rows) -> None:
    """The in-app notifications among `rows` count as read (by each person's own service)."""
    unread: dict = {}
    for pk, recipient in rows.filter(in_app=True, read_at__isnull=True).values_list(
        "pk", "recipient"
    ):
        unread.setdefault(recipient, []).append(pk)
    for person in get_user_model().objects.filter(pk__in=unread):
        notifications_mark_read(user=person, ids=unread[person.pk])


@transaction.atomic
def outbox_settle_history(*, deliver_to: Iterable, since: dt.datetime) -> int:
    """Every pending email except those to `deliver_to` (users) written since `since` counts
    as sent when it was written; the in-app notifications of `deliver_to` from before `since`
    count as read. Returns how many emails were settled.

    Demo data only: raises ImproperlyConfigured where settings.DEMO_DATA_ALLOWED is off."""
    _refuse_outside_demo()
    people = list(deliver_to)
    settled = _settle(Notification.objects.exclude(recipient__in=people, created_at__gte=since))
    _mark_read(Notification.objects.filter(recipient__in=people, created_at__lt=since))
    return settled
