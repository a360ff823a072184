"""Fixtures of the coordinator-side tests: a verified organisation with a logged-in
coordinator, a pending one, another organisation's coordinator, and volunteers who may or may
not be found."""

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, TownFactory
from tests.volunteers.conftest import contactable_volunteer
from tests.volunteers.factories import ActivityAreaFactory, HelpRequestFactory


@pytest.fixture
def ahlen(db):
    return TownFactory(name="Ahlen")


@pytest.fixture
def telgte(db):
    return TownFactory(name="Telgte", postal_codes=["48291"])


@pytest.fixture
def area(db):
    return ActivityAreaFactory()


@pytest.fixture
def other_area(db):
    return ActivityAreaFactory(slug="begleitung", name_de="Begleitung", name_en="Accompanying")


@pytest.fixture
def organisation(ahlen):
    return OrganisationFactory(name="Flüchtlingshilfe Ahlen", town=ahlen)


@pytest.fixture
def coordinator(organisation):
    return MembershipFactory(organisation=organisation, user__full_name="Klara Koordination").user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def pending_organisation(telgte, coordinator):
    organisation = OrganisationFactory(name="Helferkreis Telgte", town=telgte, unverified=True)
    MembershipFactory(organisation=organisation, user=coordinator)
    return organisation


@pytest.fixture
def other_coordinator(telgte):
    """A coordinator of another verified organisation."""
    return MembershipFactory(
        organisation=OrganisationFactory(name="Begegnungscafé Telgte", town=telgte)
    ).user


@pytest.fixture
def open_request(organisation, coordinator, area):
    return HelpRequestFactory(
        organisation=organisation, created_by=coordinator, activity_area=area, open=True
    )


@pytest.fixture
def draft_request(organisation, coordinator, area):
    return HelpRequestFactory(organisation=organisation, created_by=coordinator, activity_area=area)


@pytest.fixture
def helper(ahlen):
    return contactable_volunteer(full_name="Hanna Helferin", profile__town=ahlen)
