"""Fixtures of the profile tests: the district's reference data and accounts at each stage."""

import pytest
from django.core.management import call_command

from tests.factories import UserFactory
from volunteers.models import ActivityArea, LanguageLevel, Town, VolunteerProfile
from volunteers.services.profiles import (
    profile_save_activities,
    profile_save_availability,
    profile_save_languages,
    profile_save_location,
    profile_start,
)


@pytest.fixture
def reference(db):
    call_command("load_reference", verbosity=0)


@pytest.fixture
def ahlen(reference) -> Town:
    return Town.objects.get(name="Ahlen")


@pytest.fixture
def telgte(reference) -> Town:
    return Town.objects.get(name="Telgte")


@pytest.fixture
def member(db):
    """A verified member account that has not started onboarding."""
    return UserFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def ready_profile(member, ahlen) -> VolunteerProfile:
    """Steps 1-4 done, not yet completed."""
    profile = profile_start(user=member)
    profile_save_location(profile=profile, town=ahlen, postal_code="59227")
    profile_save_languages(
        profile=profile, languages=[("de", LanguageLevel.NATIVE), ("ar", LanguageLevel.BASIC)]
    )
    profile_save_activities(profile=profile, activity_areas=ActivityArea.objects.all()[:2])
    profile_save_availability(profile=profile, slots={(0, 0), (2, 2)}, travel_radius_km=20)
    return profile
