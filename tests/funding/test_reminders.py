"""Proof-of-use reminders: found by a daily sweep over the database, 4 weeks and 1 week before
the deadline and once per week after it, one e-mail per coordinator; a sweep that runs twice
acts once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from funding.models import Application
from funding.services import payments, proof
from funding.services.proof import proof_reminders_send
from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory

from .factories import ApplicationFactory, approved, coordinator_of, staff_user, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]


def reminders(application: Application | None = None) -> list[tuple[str, int]]:
    rows = Notification.objects.filter(kind="funding.proof_reminder")
    if application is not None:
        rows = rows.filter(dedupe_key__startswith=f"proof-reminder:{application.pk}:")
    return sorted((row.dedupe_key.split(":")[2], row.recipient_id) for row in rows.order_by("pk"))


@pytest.fixture
def case() -> Application:
    """Approved, with two active coordinators and one who left (inactive)."""
    application = ApplicationFactory()
    MembershipFactory(organisation=application.organisation)
    MembershipFactory(organisation=application.organisation, user=UserFactory(is_active=False))
    return approved(application)


def coordinators(application: Application) -> list[int]:
    return sorted(
        application.organisation.memberships.filter(user__is_active=True).values_list(
            "user", flat=True
        )
    )


def test_reminders_at_four_weeks_one_week_and_weekly_after_the_deadline(case):
    due = case.proof_due_on
    people = coordinators(case)
    expected: list[tuple[str, int]] = []
    # (days relative to the deadline, what becomes due that day)
    calendar = [
        (-40, None),
        (-29, None),
        (-28, "4w"),
        (-27, None),
        (-8, None),
        (-7, "1w"),
        (-1, None),
        (0, None),
        (1, "overdue-1"),
        (7, None),
        (8, "overdue-2"),
        (14, None),
        (15, "overdue-3"),
        (50, "overdue-8"),
    ]
    for days, key in calendar:
        today = due + dt.timedelta(days=days)
        queued = proof_reminders_send(today=today)
        if key:
            expected += [(key, person) for person in people]
        assert (days, queued) == (days, len(people) if key else 0)
        assert reminders(case) == sorted(expected), days
        # Ran twice the same day: acted once.
        assert proof_reminders_send(today=today) == 0
        assert reminders(case) == sorted(expected), days

    rows = Notification.objects.filter(kind="funding.proof_reminder")
    before = rows.get(dedupe_key__endswith=":4w:" + str(people[0]))
    after = rows.get(dedupe_key__endswith=":overdue-1:" + str(people[0]))
    assert before.context["overdue"] is False and after.context["overdue"] is True
    assert before.context["proof_due_on"] == {"$date": due.isoformat()}
    assert before.context["reference"] == case.reference


def test_a_first_sweep_inside_a_window_sends_only_that_windows_reminder(case):
    """A case approved late (deadline in 5 days) gets the 1-week reminder, not the 4-week."""
    assert proof_reminders_send(today=case.proof_due_on - dt.timedelta(days=5)) == 2
    assert {key for key, _ in reminders(case)} == {"1w"}


def test_a_coordinator_who_joins_later_gets_the_reminder_of_the_current_window(case):
    due = case.proof_due_on
    proof_reminders_send(today=due - dt.timedelta(days=28))
    newcomer = MembershipFactory(organisation=case.organisation).user

    assert proof_reminders_send(today=due - dt.timedelta(days=27)) == 1

    assert ("4w", newcomer.pk) in reminders(case)
    assert len(reminders(case)) == 3


def test_no_reminders_once_the_proof_is_in_or_the_case_is_closed(case):
    staff = staff_user()
    in_check = approved(ApplicationFactory(organisation=case.organisation))
    closed = approved(ApplicationFactory(organisation=case.organisation))
    for application in (in_check, closed):
        proof.proof_submit(
            application=application,
            report="Bericht",
            actual_amounts={line.pk: Decimal("900") for line in application.cost_lines.all()},
            actor=coordinator_of(application),
            today=application.ends_on,
        )
    proof.application_close(application=closed, actor=staff)
    undecided = submitted(ApplicationFactory(organisation=case.organisation))
    assert {a.proof_due_on for a in (in_check, closed)} == {case.proof_due_on}

    for days in (-28, -7, 1, 8):
        proof_reminders_send(today=case.proof_due_on + dt.timedelta(days=days))

    assert reminders(in_check) == reminders(closed) == reminders(undecided) == []
    assert len(reminders(case)) == 8


def test_a_returned_proof_is_reminded_again(case):
    staff = staff_user()
    payments.payment_mark_paid(
        payment=payments.payment_request(
            application=case, amount=Decimal("100"), actor=coordinator_of(case)
        ),
        actor=staff,
    )
    proof.proof_submit(
        application=case,
        report="Bericht",
        actual_amounts={line.pk: Decimal("100") for line in case.cost_lines.all()},
        actor=coordinator_of(case),
        today=case.ends_on,
    )
    assert proof_reminders_send(today=case.proof_due_on + dt.timedelta(days=1)) == 0
    proof.proof_return(application=case, message="Belege fehlen", actor=staff)
    assert proof_reminders_send(today=case.proof_due_on + dt.timedelta(days=1)) == 2
    assert {key for key, _ in reminders(case)} == {"overdue-1"}


def test_the_daily_task_runs_the_sweep_and_acts_once(case):
    from funding.tasks import send_proof_reminders_task

    today = timezone.localdate()
    Application.objects.filter(pk=case.pk).update(proof_due_on=today + dt.timedelta(days=28))

    assert send_proof_reminders_task() == 2
    assert send_proof_reminders_task() == 0
    assert reminders(case) == [("4w", person) for person in coordinators(case)]


def test_the_sweep_is_in_the_beat_schedule_under_the_tasks_name():
    from backend.celery import app
    from funding.tasks import send_proof_reminders_task

    entry = settings.CELERY_BEAT_SCHEDULE["funding-proof-reminders"]
    assert entry["task"] == "funding.send_proof_reminders" == send_proof_reminders_task.name
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {8} and entry["schedule"].day_of_week == set(range(7))
    assert app.tasks["funding.send_proof_reminders"].name == "funding.send_proof_reminders"
