"""Small factories of the calendar and reminder tests. Times are given as Europe/Berlin wall
clock (what staff type in), so the DST tests read like the calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from volunteers.models import Registration, ReminderRule, Training, TrainingSession

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> dt.datetime:
    """An aware datetime at this Europe/Berlin wall-clock time."""
    return dt.datetime(*args, tzinfo=BERLIN)


class TrainingFactory(factory.django.DjangoModelFactory):
    """Published, registration open since 2026, one session on 2027-05-20 10:00-16:00, and the
    default reminder rule (2 days before, 09:00) as training_create makes it."""

    class Meta:
        model = Training
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Sprachmittlung Grundkurs {n}")
    description = "Grundlagen der Sprachmittlung im Ehrenamt: Rolle, Schweigepflicht, Übungen."
    place = "Kreishaus Warendorf, Raum 101"
    capacity = 20
    registration_opens_at = berlin(2026, 1, 1, 0, 0)
    registration_closes_at = berlin(2027, 12, 1, 0, 0)
    cancellation_deadline = berlin(2027, 12, 1, 0, 0)
    status = Training.Status.PUBLISHED

    class Params:
        draft = factory.Trait(status=Training.Status.DRAFT)
        cancelled = factory.Trait(status=Training.Status.CANCELLED)

    @factory.post_generation
    def sessions(obj, create, extracted, **kwargs):
        """`sessions=[(start, end), ...]` (aware); default one session 2027-05-20 10-16."""
        if not create:
            return
        extracted = extracted or [(berlin(2027, 5, 20, 10, 0), berlin(2027, 5, 20, 16, 0))]
        for start, end in extracted:
            TrainingSession.objects.create(training=obj, starts_at=start, ends_at=end)
        obj.first_starts_at = min(start for start, _end in extracted)
        obj.save(update_fields=["first_starts_at"])

    @factory.post_generation
    def rules(obj, create, extracted, **kwargs):
        """`rules=[(days_before, time), ...]`; default [(2, 09:00)]; `rules=[]` for none."""
        if not create:
            return
        for days_before, at_time in [(2, dt.time(9, 0))] if extracted is None else extracted:
            ReminderRule.objects.create(training=obj, days_before=days_before, at_time=at_time)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """Confirmed on 2027-01-10; `waitlisted`, `cancelled`, `offered` for the others."""

    class Meta:
        model = Registration

    training = factory.SubFactory(TrainingFactory)
    volunteer = factory.SubFactory("tests.factories.VolunteerFactory")
    status = Registration.Status.CONFIRMED
    registered_at = berlin(2027, 1, 10, 12, 0)
    queued_at = factory.SelfAttribute("registered_at")
    confirmed_at = factory.SelfAttribute("registered_at")

    class Params:
        waitlisted = factory.Trait(status=Registration.Status.WAITLISTED, confirmed_at=None)
        offered = factory.Trait(status=Registration.Status.OFFERED, confirmed_at=None)
        cancelled = factory.Trait(status=Registration.Status.CANCELLED)
