"""Fixtures of the applicant page tests: next year's open call with a cap, a verified
organisation with a logged-in coordinator, a draft that would pass submission, another
organisation's coordinator and a volunteer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, VolunteerFactory
from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory
from tests.pdf import tiny_pdf

PDF = tiny_pdf()  # an upload must open as a PDF with a page


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploaded files go to a folder of this test (and are checked there)."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def ahlen(db):
    return TownFactory(name="Ahlen")


@pytest.fixture
def year(db):
    return ProgrammeYearFactory(cap_per_application=Decimal("5000.00"))


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
def draft(organisation, coordinator, year, ahlen):
    # The organisation's coordinator exists already, so the factory adds none.
    return ApplicationFactory(organisation=organisation, programme_year=year, town=ahlen)


@pytest.fixture
def other_coordinator(db):
    """A coordinator of another verified organisation."""
    return MembershipFactory(organisation=OrganisationFactory(name="Begegnungscafé Telgte")).user


@pytest.fixture
def volunteer_user(db):
    return VolunteerFactory()
