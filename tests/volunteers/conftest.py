"""Fixtures of the volunteering tests: a verified organisation with a coordinator, an open
request, volunteers who may be contacted, and a guard for tests that need real PostgreSQL."""

import pytest
from django.db import connection

from tests.conftest import IN_CI, require_service
from tests.factories import MembershipFactory, OrganisationFactory, VolunteerFactory
from volunteers.models import Consent
from volunteers.services.consents import consent_give

from .factories import HelpRequestFactory


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def coordinator(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def other_coordinator(db):
    """A coordinator of another (verified) organisation."""
    return MembershipFactory().user


@pytest.fixture
def open_request(organisation, coordinator):
    return HelpRequestFactory(organisation=organisation, created_by=coordinator, open=True)


def contactable_volunteer(**kwargs):
    """A volunteer with a complete profile who agreed to be asked (CONTACT consent)."""
    volunteer = VolunteerFactory(**kwargs)
    consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
    return volunteer


@pytest.fixture
def helper(db):
    return contactable_volunteer()


@pytest.fixture
def postgresql():
    """Row locks between parallel transactions are only real on PostgreSQL: skip on SQLite
    locally, fail in CI (where the database must be PostgreSQL)."""
    if connection.vendor != "postgresql":
        message = "needs PostgreSQL (set DATABASE_URL=postgres://...)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    settings = connection.settings_dict
    require_service(
        "PostgreSQL", f"postgres://{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    )
