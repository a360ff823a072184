"""Fixtures of the documents tests (Ehrenamtsnachweis, data export, account deletion,
retention): a verified organisation with a coordinator, an open request, a volunteer with a
confirmed assignment, and a way to read the text of a PDF."""

from __future__ import annotations

import pytest

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
    return AssignmentFactory(help_request=open_request, volunteer=helper, confirmed=True)
