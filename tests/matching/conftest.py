"""Fixtures of the matching tests: the district's real towns (with their distance table) and
activity areas, and builders for volunteers and requests with exactly the traits a test sets."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.factories import VolunteerFactory
from tests.volunteers.factories import HelpRequestFactory
from volunteers.models import (
    ActivityArea,
    Consent,
    HelpRequest,
    HelpRequestLanguage,
    Town,
    VolunteerLanguage,
)
from volunteers.services.consents import consent_give
from volunteers.services.reference import towns_load_reference


@pytest.fixture
def towns(db) -> dict[str, Town]:
    towns_load_reference()
    return {town.name: town for town in Town.objects.all()}


@pytest.fixture
def areas(towns) -> dict[str, ActivityArea]:
    """Activity areas by their German name's first word: "Dolmetschen", "Kinderbetreuung", ..."""
    return {area.name_de.split()[0]: area for area in ActivityArea.objects.all()}


@pytest.fixture
def make_volunteer(towns, areas) -> Callable:
    """A volunteer who passes every hard filter unless told otherwise: complete profile in
    Ahlen, verified address, contact consent, German natively, no availability, 10 km."""

    def make(
        *,
        town: str = "Ahlen",
        languages: dict[str, int] | None = None,
        areas_: tuple[str, ...] = (),
        availability: int = 0,
        radius: int = 10,
        consent: bool = True,
        **user,
    ):
        volunteer = VolunteerFactory(
            profile__town=towns[town],
            profile__availability=availability,
            profile__travel_radius_km=radius,
            **user,
        )
        profile = volunteer.volunteer_profile
        for code, level in (languages or {"de": 3}).items():
            VolunteerLanguage.objects.create(profile=profile, code=code, level=level)
        profile.activity_areas.set([areas[name] for name in areas_])
        if consent:
            consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
        return volunteer

    return make


@pytest.fixture
def make_request(towns, areas) -> Callable:
    """An open request in Ahlen for Dolmetschen, flexible, no language, one helper."""

    def make(
        *,
        town: str = "Ahlen",
        area: str = "Dolmetschen",
        languages: dict[str, int] | None = None,
        **fields,
    ) -> HelpRequest:
        help_request = HelpRequestFactory(
            **{"open": True, **fields},
            organisation__town=towns[town],
            town=towns[town],
            activity_area=areas[area],
        )
        for code, min_level in (languages or {}).items():
            HelpRequestLanguage.objects.create(
                help_request=help_request, code=code, min_level=min_level
            )
        return help_request

    return make
