"""Training reminders: due at the local date of the first session minus N days at a local time
(correct across DST), sent once per registration and rule through the outbox with the .ics
attached, never to people confirmed after the reminder was due."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from notifications.models import Notification
from notifications.rendering import render_notification
from notifications.services import deliver
from tests.factories import VolunteerFactory
from tests.volunteers.test_concurrency import run_in_parallel
from volunteers.models import Training
from volunteers.services.training_reminders import (
    KIND,
    reminder_due_at,
    reminders_due,
    reminders_send,
)
from volunteers.tasks_trainings import send_training_reminders_task

from .factories import RegistrationFactory, TrainingFactory, berlin
from .ics import parse_icalendar, utc, vobject_events

pytestmark = pytest.mark.django_db

SPRING_SESSION = [(berlin(2027, 3, 28, 10, 0), berlin(2027, 3, 28, 12, 0))]
AUTUMN_SESSION = [(berlin(2027, 10, 31, 10, 0), berlin(2027, 10, 31, 12, 0))]


def _reminders() -> list[Notification]:
    return list(Notification.objects.filter(kind=KIND).order_by("pk"))


# --- When a rule is due ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_start", "days_before", "at", "due_utc"),
    [
        # The example of the issue: Sunday of the spring change, 2 days before at 09:00 CET.
        (berlin(2027, 3, 28, 10, 0), 2, dt.time(9, 0), utc(2027, 3, 26, 8, 0)),
        # The day before is still winter time, the day itself summer time.
        (berlin(2027, 3, 28, 10, 0), 1, dt.time(9, 0), utc(2027, 3, 27, 8, 0)),
        (berlin(2027, 3, 28, 10, 0), 0, dt.time(9, 0), utc(2027, 3, 28, 7, 0)),
        # Autumn: two days before is summer time, the day itself winter time.
        (berlin(2027, 10, 31, 10, 0), 2, dt.time(9, 0), utc(2027, 10, 29, 7, 0)),
        (berlin(2027, 10, 31, 10, 0), 0, dt.time(9, 0), utc(2027, 10, 31, 8, 0)),
        # The local date counts, not the UTC one (00:30 local is the day before in UTC).
        (berlin(2027, 5, 20, 0, 30), 1, dt.time(9, 0), utc(2027, 5, 19, 7, 0)),
        # 02:30 does not exist on the spring-forward night: read as 03:30 summer time.
        (berlin(2027, 3, 28, 10, 0), 0, dt.time(2, 30), utc(2027, 3, 28, 1, 30)),
    ],
)
def test_due_moment_is_local_calendar_arithmetic(first_start, days_before, at, due_utc):
    due = reminder_due_at(first_starts_at=first_start, days_before=days_before, at_time=at)
    assert due == due_utc
    assert timezone.localtime(due).time() == (at if at != dt.time(2, 30) else dt.time(3, 30))


@pytest.mark.parametrize(
    ("sessions", "due"),
    [(SPRING_SESSION, utc(2027, 3, 26, 8, 0)), (AUTUMN_SESSION, utc(2027, 10, 29, 7, 0))],
    ids=["march", "october"],
)
def test_sweep_sends_at_the_due_moment_not_a_minute_earlier(sessions, due):
    registration = RegistrationFactory(training=TrainingFactory(sessions=sessions))
    assert reminders_send(now=due - dt.timedelta(minutes=1)) == 0
    assert reminders_send(now=due) == 1
    [notification] = _reminders()
    assert notification.recipient == registration.volunteer
    # Written in the recipient's language when the email is rendered (German here).
    message = render_notification(notification)
    assert (
        f"{date_format(timezone.localtime(sessions[0][0]), 'DATE_FORMAT')} um 10:00 Uhr"
        in message.body
    )


# --- Exactly once, to the right people ---------------------------------------------------------


def test_each_confirmed_registration_gets_one_reminder_per_rule_however_often_the_sweep_runs():
    training = TrainingFactory(
        sessions=SPRING_SESSION, rules=[(2, dt.time(9, 0)), (7, dt.time(18, 0))]
    )
    first, second = RegistrationFactory.create_batch(2, training=training)
    now = utc(2027, 3, 26, 12, 0)  # both rules due

    assert reminders_send(now=now) == 4
    assert reminders_send(now=now) == 0
    assert reminders_send(now=now + dt.timedelta(hours=5)) == 0

    rows = _reminders()
    assert len(rows) == 4
    assert sorted(r.recipient_id for r in rows) == sorted(
        [first.volunteer_id, first.volunteer_id, second.volunteer_id, second.volunteer_id]
    )
    assert len({r.dedupe_key for r in rows}) == 4


def test_only_the_rule_that_is_due_sends():
    training = TrainingFactory(
        sessions=SPRING_SESSION, rules=[(2, dt.time(9, 0)), (1, dt.time(9, 0))]
    )
    RegistrationFactory(training=training)
    assert [d.rule.days_before for d in reminders_due(now=utc(2027, 3, 26, 12, 0))] == [2]
    assert reminders_send(now=utc(2027, 3, 26, 12, 0)) == 1
    assert reminders_send(now=utc(2027, 3, 27, 8, 0)) == 1
    assert len(_reminders()) == 2


def test_no_reminder_for_someone_confirmed_after_it_was_due():
    training = TrainingFactory(sessions=SPRING_SESSION)
    due = utc(2027, 3, 26, 8, 0)
    on_time = RegistrationFactory(training=training, registered_at=due, confirmed_at=due)
    late = RegistrationFactory(training=training, registered_at=due + dt.timedelta(minutes=1))
    # Waiting since January, offered a seat and confirmed only after the reminder was due.
    promoted_late = RegistrationFactory(
        training=training,
        registered_at=berlin(2027, 1, 5, 10, 0),
        confirmed_at=due + dt.timedelta(hours=3),
    )
    # The sweep runs late (worker down): the late ones are still not reminded.
    assert reminders_send(now=due + dt.timedelta(hours=6)) == 1
    assert [r.recipient_id for r in _reminders()] == [on_time.volunteer_id]
    assert late.volunteer_id != promoted_late.volunteer_id


@pytest.mark.parametrize("trait", ["waitlisted", "offered", "cancelled"])
def test_no_reminder_for_registrations_that_are_not_confirmed(trait):
    training = TrainingFactory(sessions=SPRING_SESSION)
    RegistrationFactory(training=training, **{trait: True})
    assert reminders_send(now=utc(2027, 3, 26, 12, 0)) == 0
    assert _reminders() == []


@pytest.mark.parametrize("trait", ["draft", "cancelled"])
def test_no_reminder_for_trainings_that_are_not_published(trait):
    training = TrainingFactory(sessions=SPRING_SESSION, **{trait: True})
    RegistrationFactory(training=training)
    assert reminders_send(now=utc(2027, 3, 26, 12, 0)) == 0


def test_no_reminder_once_the_training_has_started():
    """A rule added late (or a sweep down for days) must not remind after the start."""
    training = TrainingFactory(sessions=SPRING_SESSION)
    RegistrationFactory(training=training)
    assert reminders_send(now=utc(2027, 3, 28, 8, 0)) == 0  # 10:00 CEST: started
    assert reminders_send(now=utc(2027, 3, 28, 7, 59)) == 1


def test_the_task_ran_twice_acts_once():
    start = timezone.now() + dt.timedelta(days=1)
    training = TrainingFactory(sessions=[(start, start + dt.timedelta(hours=2))])
    RegistrationFactory(training=training, registered_at=timezone.now() - dt.timedelta(days=10))
    assert send_training_reminders_task() == 1
    assert send_training_reminders_task() == 0
    assert len(_reminders()) == 1


# --- The email ------------------------------------------------------------------------------


def test_delivered_reminder_carries_the_ics():
    training = TrainingFactory(sessions=SPRING_SESSION, title="Sprachmittlung Grundkurs")
    registration = RegistrationFactory(training=training)
    reminders_send(now=utc(2027, 3, 26, 8, 0))
    [notification] = _reminders()

    assert deliver(notification_id=notification.pk) == "sent"

    [email] = mail.outbox
    assert email.to == [registration.volunteer.email]
    assert email.subject == "Erinnerung: „Sprachmittlung Grundkurs“ am 28. März 2027"
    assert "Sie beginnt am 28. März 2027 um 10:00 Uhr." in email.body
    assert "Kreishaus Warendorf, Raum 101" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert filename == f"schulung-{training.pk}-sprachmittlung-grundkurs.ics"
    assert mimetype == "text/calendar"
    body = content.encode() if isinstance(content, str) else content
    [event] = parse_icalendar(body).events
    assert event.start == berlin(2027, 3, 28, 10, 0)
    [parsed] = vobject_events(body).values()
    assert parsed["start"] == utc(2027, 3, 28, 8, 0)
    # The attachment travels as its own MIME part of the sent message.
    assert "text/calendar" in email.message().as_string()


def test_attachment_shows_the_training_as_it_is_at_delivery():
    training = TrainingFactory(sessions=SPRING_SESSION)
    RegistrationFactory(training=training)
    reminders_send(now=utc(2027, 3, 26, 8, 0))
    training.sessions.update(
        starts_at=berlin(2027, 3, 28, 11, 0), ends_at=berlin(2027, 3, 28, 13, 0)
    )
    deliver(notification_id=_reminders()[0].pk)
    [(_name, content, _type)] = mail.outbox[0].attachments
    body = content.encode() if isinstance(content, str) else content
    [event] = parse_icalendar(body).events
    assert event.start == berlin(2027, 3, 28, 11, 0)


def test_multi_session_training_lists_every_session():
    sessions = [
        (berlin(2027, 3, 28, 10, 0), berlin(2027, 3, 28, 12, 0)),
        (berlin(2027, 4, 4, 10, 0), berlin(2027, 4, 4, 12, 30)),
    ]
    RegistrationFactory(training=TrainingFactory(sessions=sessions))
    reminders_send(now=utc(2027, 3, 26, 8, 0))
    deliver(notification_id=_reminders()[0].pk)
    [email] = mail.outbox
    assert "- 28. März 2027, 10:00–12:00" in email.body
    assert "- 4. April 2027, 10:00–12:30" in email.body
    [(_name, content, _type)] = email.attachments
    body = content.encode() if isinstance(content, str) else content
    assert len(parse_icalendar(body).events) == 2


def test_english_recipient_gets_an_english_reminder():
    training = TrainingFactory(sessions=SPRING_SESSION, title="Kinderschutz")
    RegistrationFactory(training=training, volunteer=VolunteerFactory(language="en"))
    reminders_send(now=utc(2027, 3, 26, 8, 0))
    deliver(notification_id=_reminders()[0].pk)
    [email] = mail.outbox
    assert email.subject == "Reminder: “Kinderschutz” on 28 March 2027"
    assert "It starts on 28 March 2027 at 10:00." in email.body


def test_reminder_of_a_deleted_training_is_not_sent_without_its_file():
    training = TrainingFactory(sessions=SPRING_SESSION)
    RegistrationFactory(training=training)
    reminders_send(now=utc(2027, 3, 26, 8, 0))
    [notification] = _reminders()
    Training.objects.filter(pk=training.pk).delete()
    assert deliver(notification_id=notification.pk) == "failed"
    assert mail.outbox == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_write_one_reminder_each(postgresql):
    """Two beat schedulers by mistake, or a sweep that overran into the next: the unique
    dedupe key keeps it at one email per registration and rule."""
    training = TrainingFactory(sessions=SPRING_SESSION)
    registrations = RegistrationFactory.create_batch(10, training=training)
    now = utc(2027, 3, 26, 8, 0)
    outcomes = run_in_parallel([partial(reminders_send, now=now) for _ in range(6)])
    assert outcomes == ["ok"] * 6
    assert sorted(n.recipient_id for n in _reminders()) == sorted(
        r.volunteer_id for r in registrations
    )
