"""Fixtures of the certificate tests: a training with two sessions and helpers that build
registrations and attendance directly with the ORM (the training services are tested in
tests/trainings)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import VolunteerFactory
from tests.trainings.factories import TrainingFactory
from tests.volunteers.conftest import postgresql  # noqa: F401  (the fixture, re-used here)
from volunteers.models import Attendance, Registration, Training


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def training(db) -> Training:
    """ "Interkulturelle Kompetenz": two Saturdays, 10-13 and 10-14 (7 h), 6 hours credited."""
    first = dt.date(2026, 3, 7)
    second = dt.date(2026, 3, 14)
    return TrainingFactory(
        title="Interkulturelle Kompetenz",
        capacity=200,
        hours_credited=Decimal(6),
        sessions=[(_at(first, 10), _at(first, 13)), (_at(second, 10), _at(second, 14))],
    )


def enrol(training: Training, *, present: list[bool] | None = None, **volunteer) -> Registration:
    """A confirmed registration with attendance per session (default: present at all)."""
    person = VolunteerFactory(**volunteer)
    registration = Registration.objects.create(
        training=training, volunteer=person, status=Registration.Status.CONFIRMED
    )
    sessions = list(training.sessions.order_by("starts_at"))
    marks = present if present is not None else [True] * len(sessions)
    Attendance.objects.bulk_create(
        Attendance(session=session, registration=registration, present=mark)
        for session, mark in zip(sessions, marks, strict=True)
    )
    return registration


@pytest.fixture
def attendee(training) -> Registration:
    return enrol(training, full_name="Amira Haddad")
