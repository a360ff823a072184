"""Periodic tasks of the volunteers app: Führungszeugnis records are deleted at the latest
3 months after the volunteer stopped, help requests expire; every task ran twice acts once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from backend.celery import app
from backend.models import StatusChange
from tests.factories import VolunteerFactory
from tests.volunteers.factories import (
    AssignmentFactory,
    FuehrungszeugnisRecordFactory,
    HelpRequestFactory,
)
from volunteers.models import Assignment, FuehrungszeugnisRecord, HelpRequest
from volunteers.services.gdpr import fuehrungszeugnis_purge_expired, months_before
from volunteers.tasks import expire_help_requests_task, purge_fuehrungszeugnis_task

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
CUTOFF = dt.date(2026, 3, 15)  # three calendar months before TODAY


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def record(*, seen_on: dt.date, **assignments) -> FuehrungszeugnisRecord:
    """A volunteer with a record seen on `seen_on` and assignments given as
    name=(status, ended_on or None)."""
    volunteer = VolunteerFactory()
    for status, ended_on in assignments.values():
        AssignmentFactory(
            volunteer=volunteer,
            status=status,
            ended_at=at(ended_on) if ended_on else None,
            confirmed_at=at(ended_on - dt.timedelta(days=60)) if ended_on else None,
        )
    return FuehrungszeugnisRecordFactory(
        volunteer=volunteer,
        seen_on=seen_on,
        certificate_date=seen_on - dt.timedelta(days=7),
    )


def test_months_before_counts_calendar_months():
    assert months_before(TODAY, 3) == CUTOFF
    assert months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2028, 5, 31), 3) == dt.date(2028, 2, 29)
    assert months_before(dt.date(2026, 2, 10), 3) == dt.date(2025, 11, 10)


def test_records_are_deleted_three_months_after_the_volunteer_stopped():
    long_ago = dt.date(2024, 1, 10)
    withdrawn = Assignment.Status.WITHDRAWN
    cases = {
        # last assignment ended before the cutoff, nothing active: deleted
        "ended_long_ago": (record(seen_on=long_ago, a=(withdrawn, dt.date(2026, 3, 14))), False),
        # ended exactly three months ago (on the cutoff day): kept until tomorrow
        "ended_on_cutoff": (record(seen_on=long_ago, a=(withdrawn, CUTOFF)), True),
        # ended recently: kept
        "ended_recently": (record(seen_on=long_ago, a=(withdrawn, dt.date(2026, 5, 1))), True),
        # the latest of several assignments counts
        "one_recent_of_two": (
            record(
                seen_on=long_ago,
                a=(withdrawn, dt.date(2025, 1, 1)),
                b=(withdrawn, dt.date(2026, 4, 1)),
            ),
            True,
        ),
        # an active (confirmed, invited, offered) assignment keeps the record
        "confirmed_now": (
            record(
                seen_on=long_ago,
                a=(withdrawn, dt.date(2025, 1, 1)),
                b=(Assignment.Status.CONFIRMED, None),
            ),
            True,
        ),
        "invited_now": (
            record(
                seen_on=long_ago,
                a=(withdrawn, dt.date(2025, 1, 1)),
                b=(Assignment.Status.INVITED, None),
            ),
            True,
        ),
        "offered_now": (record(seen_on=long_ago, b=(Assignment.Status.OFFERED, None)), True),
        # never had an assignment: three months after the record was seen
        "never_seen_long_ago": (record(seen_on=dt.date(2026, 3, 14)), False),
        "never_seen_on_cutoff": (record(seen_on=CUTOFF), True),
        "never_seen_recently": (record(seen_on=dt.date(2026, 5, 20)), True),
        # only declined requests: never helped, so as if never assigned
        "only_declined": (
            record(seen_on=dt.date(2026, 1, 5), a=(Assignment.Status.DECLINED, None)),
            False,
        ),
        # seen after the last assignment ended (a new start): kept three months from seeing
        "seen_after_last_end": (
            record(seen_on=dt.date(2026, 5, 2), a=(withdrawn, dt.date(2025, 6, 1))),
            True,
        ),
    }

    deleted = fuehrungszeugnis_purge_expired(today=TODAY)

    kept = set(FuehrungszeugnisRecord.objects.values_list("pk", flat=True))
    outcome = {name: rec.pk in kept for name, (rec, _) in cases.items()}
    assert outcome == {name: expected for name, (_, expected) in cases.items()}
    assert deleted == 3


def test_purge_task_ran_twice_deletes_once(monkeypatch):
    gone = record(
        seen_on=dt.date(2025, 1, 10), a=(Assignment.Status.WITHDRAWN, dt.date(2025, 6, 1))
    )
    stays = record(seen_on=dt.date(2025, 1, 10), a=(Assignment.Status.CONFIRMED, None))
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)

    first = purge_fuehrungszeugnis_task.apply().get()
    second = purge_fuehrungszeugnis_task.apply().get()

    assert (first, second) == (1, 0)
    assert list(FuehrungszeugnisRecord.objects.values_list("pk", flat=True)) == [stays.pk]
    assert not FuehrungszeugnisRecord.objects.filter(pk=gone.pk).exists()


def test_expiry_task_ran_twice_expires_once():
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    overdue = HelpRequestFactory(open=True, open_until=yesterday)
    full_overdue = HelpRequestFactory(filled=True, open_until=yesterday)
    still_open = HelpRequestFactory(open=True, open_until=timezone.localdate())

    first = expire_help_requests_task.apply().get()
    second = expire_help_requests_task.apply().get()

    assert (first, second) == (2, 0)
    statuses = dict(HelpRequest.objects.values_list("pk", "status"))
    assert statuses == {
        overdue.pk: HelpRequest.Status.EXPIRED,
        full_overdue.pk: HelpRequest.Status.EXPIRED,
        still_open.pk: HelpRequest.Status.OPEN,
    }
    expirations = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(HelpRequest), to_status="expired"
    )
    assert expirations.count() == 2


def test_tasks_are_registered_under_their_names_and_scheduled_daily():
    names = {"volunteers.expire_help_requests", "volunteers.purge_fuehrungszeugnis"}
    assert names <= set(app.tasks)
    scheduled = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert names <= set(scheduled)
    for name in names:
        schedule = scheduled[name]
        assert len(schedule.hour) == 1 and len(schedule.minute) == 1, f"{name} runs once a day"
        assert len(schedule.day_of_week) == 7
