"""Seats under real parallel transactions (PostgreSQL), and the waiting list's invariants over
thousands of random steps.

The parallel test runs 50 threads with a connection each, released together by a barrier
(tests/volunteers/test_concurrency.py's run_in_parallel), each registering four people: the
training row lock is what keeps the count right, the CHECK constraint is the backstop."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from functools import partial

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from backend.errors import DomainError
from notifications.models import Notification
from tests.conftest import effort
from tests.factories import VolunteerFactory
from tests.volunteers.test_concurrency import run_in_parallel, summary
from volunteers.models import Registration, Training
from volunteers.services.trainings import (
    offer_answer,
    offers_expire,
    registration_cancel,
    registration_create,
)

from .factories import TrainingFactory

SEATS = 20
PEOPLE = 200
# 200 people through 50 connections, four registrations each, all released together:
# PostgreSQL's default max_connections is 100, so one connection per person cannot be had.
CONNECTIONS = 50
REPETITIONS = effort(ci=20, local=5)
# Random steps against one small training.
STEPS = effort(ci=10_000, local=2_500)


def _register_all(training, volunteers) -> None:
    for volunteer in volunteers:
        registration_create(training=training, volunteer=volunteer)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_hundred_at_once_for_twenty_seats(postgresql):
    volunteers = VolunteerFactory.create_batch(PEOPLE)
    per_repetition = []
    for _repetition in range(REPETITIONS):
        training = TrainingFactory(capacity=SEATS)
        outcomes = run_in_parallel(
            [
                partial(_register_all, training, volunteers[i::CONNECTIONS])
                for i in range(CONNECTIONS)
            ]
        )
        training.refresh_from_db()
        errors = [o for o in outcomes if o != "ok"]
        assert not errors, errors[:3]
        rows = Registration.objects.filter(training=training)
        by_status = Counter(rows.values_list("status", flat=True))
        confirmed_queued = list(rows.filter(status="confirmed").values_list("queued_at", flat=True))
        waiting_queued = list(
            rows.filter(status="waitlisted")
            .order_by("queued_at", "pk")
            .values_list("queued_at", flat=True)
        )
        per_repetition.append(
            (
                summary(outcomes),
                dict(by_status),
                training.seats_taken,
                # Strictly first come, first served: every seat went to someone who came
                # before everyone waiting.
                max(confirmed_queued) <= min(waiting_queued),
            )
        )
    expected = (
        Counter({"ok": CONNECTIONS}),
        {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS},
        SEATS,
    )
    assert per_repetition == [(*expected, True)] * REPETITIONS


@pytest.mark.django_db
def test_random_register_cancel_offer_expire_steps_keep_every_invariant():
    """Random steps (10,000 in CI) against one small training: confirmed + offered never exceed the
    capacity, every freed seat is offered (to the first in line) exactly once, nobody holds two
    active registrations."""
    rng = random.Random(20261128)
    training = TrainingFactory(capacity=5, offer_hours=48, last_offer_hours_before_start=12)
    people = VolunteerFactory.create_batch(25)
    now = timezone.now()
    steps = Counter()
    for _ in range(STEPS):
        now += dt.timedelta(minutes=rng.randint(1, 90))
        action = rng.choice(["register", "cancel", "confirm", "decline", "expire"])
        person = rng.choice(people)
        active = Registration.objects.filter(
            training=training, volunteer=person, status__in=["confirmed", "waitlisted", "offered"]
        ).first()
        try:
            if action == "register":
                registration_create(
                    training=training, volunteer=person, now=min(now, _close(training))
                )
            elif action == "cancel" and active is not None:
                registration_cancel(
                    registration=active, actor=person, now=_before_deadline(training, now)
                )
            elif (
                action in ("confirm", "decline")
                and active is not None
                and active.status == "offered"
            ):
                offer_answer(
                    registration=active,
                    answer=action,
                    actor=person,
                    now=min(now, active.offer_expires_at - dt.timedelta(seconds=1)),
                )
            elif action == "expire":
                offers_expire(now=now)
            else:
                continue
            steps[action] += 1
        except DomainError:
            steps[f"{action} refused"] += 1
        if now > _close(training) - dt.timedelta(days=1):
            now = timezone.now()  # stay inside the registration window: keep the queue moving
        _check_invariants(training)
    # Each kind of step happened often enough to matter (shares of all steps).
    assert steps["register"] > STEPS * 0.05, steps
    assert steps["cancel"] > STEPS * 0.03, steps
    assert steps["confirm"] > STEPS * 0.005, steps
    offers = Notification.objects.filter(kind="volunteers.training_offer").count()
    offered = Registration.objects.filter(training=training, offered_at__isnull=False).count()
    assert offers == offered, "every offer was sent exactly once"


def _close(training: Training) -> dt.datetime:
    return training.registration_closes_at - dt.timedelta(seconds=1)


def _before_deadline(training: Training, now: dt.datetime) -> dt.datetime:
    return min(now, training.cancellation_deadline - dt.timedelta(seconds=1))


def _check_invariants(training: Training) -> None:
    training.refresh_from_db()
    counts = Registration.objects.filter(training=training).aggregate(
        confirmed=Count("pk", filter=Q(status="confirmed")),
        offered=Count("pk", filter=Q(status="offered")),
        waiting=Count("pk", filter=Q(status="waitlisted")),
    )
    held = counts["confirmed"] + counts["offered"]
    assert held == training.seats_taken <= training.capacity
    if counts["waiting"]:
        # Nobody waits while a seat is free and not offered (the window is open here).
        assert held == training.capacity, counts
    duplicates = (
        Registration.objects.filter(
            training=training, status__in=["confirmed", "waitlisted", "offered"]
        )
        .values("volunteer")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
