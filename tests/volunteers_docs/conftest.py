"""Fixtures of the documents tests (Ehrenamtsnachweis, data export, account deletion,
retention): a verified organisation with a coordinator, an open request, a volunteer with a
confirmed assignment, and a way to read the text of a PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, VolunteerFactory
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory
from volunteers.models import Consent
from volunteers.services.consents import consent_give


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Flüchtlingshilfe Ahlen", town=TownFactory(name="Ahlen"))


@pytest.fixture
def coordinator(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def open_request(organisation, coordinator):
    return HelpRequestFactory(
        organisation=organisation,
        created_by=coordinator,
        open=True,
        title="Begleitung zum Ausländeramt",
        helpers_needed=2,
    )


def contactable_volunteer(**kwargs):
    volunteer = VolunteerFactory(**kwargs)
    consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
    return volunteer


@pytest.fixture
def helper(db):
    return contactable_volunteer(full_name="Hanna Helferin")


@pytest.fixture
def assignment(open_request, helper):
    """Confirmed a year ago on a request open since then (hours count from the confirmation
    on)."""
    year_ago = timezone.now() - dt.timedelta(days=365)
    open_request.opened_at = year_ago
    open_request.save(update_fields=["opened_at"])
    return AssignmentFactory(
        help_request=open_request, volunteer=helper, confirmed=True, confirmed_at=year_ago
    )
