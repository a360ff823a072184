"""Factories of the training tests: a published training with one session, open for
registration now, starting in two weeks."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from volunteers.models import Registration, Training, TrainingSession


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Schulung Sprachmittlung {n}")
    description = "Grundlagen der Sprachmittlung im Ehrenamt."
    place = "Kreishaus Warendorf, Raum 101"
    capacity = 20
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    registration_closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    cancellation_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=12))
    hours_credited = 6
    status = Training.Status.PUBLISHED

    @factory.post_generation
    def sessions(obj, create, extracted, **kwargs):
        """`sessions=[(start, end), ...]`; default: one session in 14 days, 10:00-16:00."""
        if not create:
            return
        if extracted is None:
            day = timezone.localdate() + dt.timedelta(days=14)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
            extracted = [(start, start + dt.timedelta(hours=6))]
        for start, end in extracted:
            TrainingSession.objects.create(training=obj, starts_at=start, ends_at=end)
        obj.first_starts_at = min(start for start, _end in extracted)
        obj.save(update_fields=["first_starts_at"])


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    training = factory.SubFactory(TrainingFactory)
    volunteer = factory.SubFactory("tests.factories.VolunteerFactory")
    status = Registration.Status.CONFIRMED
