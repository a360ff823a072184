"""Training reminders: "your training is the day after tomorrow", with the .ics attached.

A reminder rule of a training says when: `days_before` the local date of the first session,
at `at_time`, Europe/Berlin. A periodic sweep (volunteers.tasks_trainings, every ten minutes)
finds the rules that are due and whose training has not started, and writes one outbox row
per confirmed registration. No far-future ETA tasks: a training moved, a rule added or a
worker down for an hour all come out right, because the sweep recomputes from the database.

Exactly once: the dedupe key (rule, registration) makes a second sweep, or two sweeps at the
same moment, write nothing new. Never too late a joiner: whoever was confirmed after the
reminder was due does not get it (they had just received their confirmation, with the date);
so the set of recipients of a rule does not depend on when the sweep happens to run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from notifications.attachments import Attachment
from notifications.services import dedupe_keys_taken, notify
from volunteers.models import Registration, ReminderRule, Training

from .calendar import BERLIN, training_ics, training_ics_filename, training_url

if TYPE_CHECKING:
    from notifications.models import Notification

KIND = "volunteers.training_reminder"

logger = logging.getLogger(__name__)


def reminder_due_at(
    *, first_starts_at: dt.datetime, days_before: int, at_time: dt.time
) -> dt.datetime:
    """The moment a rule is due: the local (Europe/Berlin) calendar date of the first session,
    minus `days_before` days, at `at_time` local time (aware, in UTC).

    Calendar arithmetic on the local date, then zoneinfo for the offset, so "2 days before at
    09:00" is 09:00 on both sides of a daylight-saving change (a fixed 48 h before would be
    an hour off). A local time that does not exist (02:30 on the spring-forward night) is read
    with the offset before the change, i.e. it becomes 03:30 summer time.
    """
    local_day = first_starts_at.astimezone(BERLIN).date()
    local = dt.datetime.combine(local_day - dt.timedelta(days=days_before), at_time, BERLIN)
    # Normalised to UTC: a wall-clock time in a DST gap or fold compares unequal to every
    # datetime of another zone (PEP 495); a UTC instant compares as expected.
    return local.astimezone(dt.UTC)


@dataclass(frozen=True)
class DueReminder:
    rule: ReminderRule
    due_at: dt.datetime


def reminders_due(*, now: dt.datetime) -> list[DueReminder]:
    """Rules of published trainings that have not started whose due moment has passed.

    Reads every rule of the upcoming published trainings (a few dozen at a KI) and computes
    the due moment in Python, because the rule is calendar arithmetic in local time that SQL
    would have to repeat per database."""
    rules = (
        ReminderRule.objects.filter(
            training__status=Training.Status.PUBLISHED, training__first_starts_at__gt=now
        )
        .select_related("training")
        .order_by("training__first_starts_at", "pk")
    )
    due = []
    for rule in rules:
        due_at = reminder_due_at(
            first_starts_at=rule.training.first_starts_at,
            days_before=rule.days_before,
            at_time=rule.at_time,
        )
        if due_at <= now:
            due.append(DueReminder(rule=rule, due_at=due_at))
    return due


def reminder_dedupe_key(rule_id: int, registration_id: int) -> str:
    return f"training-reminder:{rule_id}:{registration_id}"


def reminder_recipients(*, rule: ReminderRule, due_at: dt.datetime) -> list[Registration]:
    """Confirmed registrations that were confirmed when the reminder was due. (A confirmed row
    without confirmed_at, e.g. from an import, counts from its registration.)"""
    return list(
        Registration.objects.filter(training=rule.training_id, status=Registration.Status.CONFIRMED)
        .alias(confirmed=Coalesce(F("confirmed_at"), F("registered_at")))
        .filter(confirmed__lte=due_at)
        .select_related("volunteer")
        .order_by("pk")
    )


def _context(training: Training, sessions: list[tuple[dt.datetime, dt.datetime]]) -> dict:
    """Values for the email: dates and times are formatted in the recipient's language when
    it is rendered (notifications/values.py); the day and time of the start are local."""
    first = training.first_starts_at.astimezone(BERLIN)
    return {
        "training_id": training.pk,
        "title": training.title,
        "starts_on": first.date(),
        "starts_time": first.time().replace(second=0, microsecond=0),
        "sessions": [[start, end] for start, end in sessions],
        "place": training.place,
        "online_url": training.online_url,
        "url": training_url(training),
    }


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due. Returns how many it queued (a sweep racing another
    one may count rows the other wrote; there is still one row per key).

    Each rule is its own transaction: one broken rule does not hold back the others, and the
    rows of a rule are enqueued as soon as that rule is done. Safe to run twice or in
    parallel: the dedupe key is unique, and parallel sweeps insert in the same order
    (registration id), so they wait for each other instead of deadlocking."""
    now = now or timezone.now()
    written = 0
    for item in reminders_due(now=now):
        try:
            written += _send_rule(item)
        except Exception:  # one broken rule must not stop the others; the next sweep retries
            logger.exception("Training reminder rule %s failed.", item.rule.pk)
    return written


@transaction.atomic
def _send_rule(item: DueReminder) -> int:
    rule = item.rule
    recipients = reminder_recipients(rule=rule, due_at=item.due_at)
    keys = {r.pk: reminder_dedupe_key(rule.pk, r.pk) for r in recipients}
    taken = dedupe_keys_taken(keys.values())
    todo = [r for r in recipients if keys[r.pk] not in taken]
    if not todo:
        return 0
    training = rule.training
    sessions = list(
        training.sessions.order_by("starts_at", "pk").values_list("starts_at", "ends_at")
    )
    context = _context(training, sessions)
    for registration in todo:
        notify(
            kind=KIND,
            recipient=registration.volunteer,
            context=context,
            dedupe_key=keys[registration.pk],
        )
    return len(todo)


def reminder_attachments(notification: Notification) -> list[Attachment]:
    """The training's .ics, built when the email is delivered (notifications.attachments).
    Raises Training.DoesNotExist when the training was deleted: the reminder then fails
    instead of going out without it."""
    training = Training.objects.prefetch_related("sessions").get(
        pk=notification.context["training_id"]
    )
    return [
        Attachment(
            filename=training_ics_filename(training),
            content=training_ics(training),
            mimetype="text/calendar",
        )
    ]
