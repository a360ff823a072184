"""Factories of the volunteering models. One Trait per status."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory, VolunteerFactory
from volunteers.models import (
    ActivityArea,
    Assignment,
    FuehrungszeugnisRecord,
    HelpRequest,
    HoursEntry,
)


class ActivityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityArea
        django_get_or_create = ["slug"]

    slug = "sprachfoerderung"
    name_de = "Sprachförderung"
    name_en = "Language support"


class HelpRequestFactory(factory.django.DjangoModelFactory):
    """A draft by default; `open`, `filled`, `closed`, `expired` for the other statuses."""

    class Meta:
        model = HelpRequest

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Begleitung zum Amt {n}")
    description = "Wir suchen Unterstützung beim Ausfüllen von Formularen."
    activity_area = factory.SubFactory(ActivityAreaFactory)
    town = factory.SelfAttribute("organisation.town")
    helpers_needed = 1
    open_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    status = HelpRequest.Status.DRAFT

    class Params:
        draft = factory.Trait(status=HelpRequest.Status.DRAFT)
        open = factory.Trait(
            status=HelpRequest.Status.OPEN, opened_at=factory.LazyFunction(timezone.now)
        )
        filled = factory.Trait(
            status=HelpRequest.Status.FILLED,
            opened_at=factory.LazyFunction(timezone.now),
            confirmed_count=factory.SelfAttribute("helpers_needed"),
        )
        closed = factory.Trait(status=HelpRequest.Status.CLOSED)
        expired = factory.Trait(status=HelpRequest.Status.EXPIRED)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An invitation by default; `offered`, `confirmed`, `declined`, `withdrawn` otherwise.

    A confirmed assignment does not raise its request's confirmed_count: tests that care about
    places go through the services."""

    class Meta:
        model = Assignment

    help_request = factory.SubFactory(HelpRequestFactory, open=True)
    volunteer = factory.SubFactory(VolunteerFactory)
    status = Assignment.Status.INVITED

    class Params:
        invited = factory.Trait(status=Assignment.Status.INVITED)
        offered = factory.Trait(status=Assignment.Status.OFFERED, is_offer=True)
        confirmed = factory.Trait(
            status=Assignment.Status.CONFIRMED,
            responded_at=factory.LazyFunction(timezone.now),
            confirmed_at=factory.LazyFunction(timezone.now),
        )
        declined = factory.Trait(
            status=Assignment.Status.DECLINED, responded_at=factory.LazyFunction(timezone.now)
        )
        withdrawn = factory.Trait(
            status=Assignment.Status.WITHDRAWN,
            confirmed_at=factory.LazyFunction(timezone.now),
            ended_at=factory.LazyFunction(timezone.now),
        )


class HoursEntryFactory(factory.django.DjangoModelFactory):
    """Submitted by default; `confirmed`, `rejected` otherwise."""

    class Meta:
        model = HoursEntry

    assignment = factory.SubFactory(AssignmentFactory, confirmed=True)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    hours = Decimal("2.00")
    status = HoursEntry.Status.SUBMITTED

    class Params:
        submitted = factory.Trait(status=HoursEntry.Status.SUBMITTED)
        confirmed = factory.Trait(
            status=HoursEntry.Status.CONFIRMED, reviewed_at=factory.LazyFunction(timezone.now)
        )
        rejected = factory.Trait(
            status=HoursEntry.Status.REJECTED, reviewed_at=factory.LazyFunction(timezone.now)
        )


class FuehrungszeugnisRecordFactory(factory.django.DjangoModelFactory):
    """A certificate issued a month ago and seen a week later: valid for almost five years."""

    class Meta:
        model = FuehrungszeugnisRecord

    volunteer = factory.SubFactory(VolunteerFactory)
    certificate_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    seen_on = factory.LazyAttribute(lambda o: o.certificate_date + dt.timedelta(days=7))
    recorded_by = factory.SubFactory(UserFactory, ki_staff=True)
