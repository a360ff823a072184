"""Fixtures of the staff-page tests: a logged-in KI staff member with two-factor, reference
data (towns, activity areas) and volunteers built to order."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import TownFactory, VolunteerFactory
from tests.volunteers.factories import ActivityAreaFactory
from volunteers.models import VolunteerLanguage


@pytest.fixture
def staff(staff_with_mfa):
    return staff_with_mfa


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def ahlen(db):
    return TownFactory(name="Ahlen")


@pytest.fixture
def telgte(db):
    return TownFactory(name="Telgte", postal_codes=["48291"])


@pytest.fixture
def beckum(db):
    return TownFactory(name="Beckum", postal_codes=["59269"])


@pytest.fixture
def language_support(db):
    return ActivityAreaFactory(slug="sprachfoerderung", name_de="Sprachförderung")


@pytest.fixture
def accompanying(db):
    return ActivityAreaFactory(
        slug="begleitung", name_de="Begleitung zu Behörden", name_en="Accompanying"
    )


def make_volunteer(
    name: str,
    *,
    town=None,
    languages: dict[str, int] | None = None,
    areas=(),
    complete: bool = True,
    **user_fields,
):
    """A volunteer with a profile in `town`, speaking {code: level}, in the given areas."""
    profile_fields = {"profile__onboarding_completed_at": timezone.now() if complete else None}
    if town is not None:
        profile_fields["profile__town"] = town
    user = VolunteerFactory(full_name=name, **profile_fields, **user_fields)
    profile = user.volunteer_profile
    for code, level in (languages or {}).items():
        VolunteerLanguage.objects.create(profile=profile, code=code, level=level)
    profile.activity_areas.set(areas)
    return user


@pytest.fixture
def other_staff(db):
    """A second KI staff member with two-factor (for "someone else did it first")."""
    from backend.accounts.services import user_set_totp
    from tests.conftest import TOTP_SECRET
    from tests.factories import UserFactory

    user = UserFactory(ki_staff=True, full_name="Zweite Sachbearbeitung")
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user
