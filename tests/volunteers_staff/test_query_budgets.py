"""Query budgets of the staff pages: the number of SQL queries does not grow with the rows."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory, TownFactory
from tests.querybudget import assert_constant_queries
from tests.volunteers.factories import (
    ActivityAreaFactory,
    AssignmentFactory,
    FuehrungszeugnisRecordFactory,
    HelpRequestFactory,
    HoursEntryFactory,
)
from volunteers.models import LanguageLevel

from .conftest import make_volunteer

pytestmark = pytest.mark.django_db

counter = itertools.count()


def test_organisation_list(staff_client):
    def make(n):
        for _ in range(n):
            i = next(counter)
            organisation = OrganisationFactory(unverified=i % 2 == 0)
            MembershipFactory.create_batch(2, organisation=organisation)

    queries = assert_constant_queries(
        staff_client, reverse("volunteers:staff_organisation_list"), make
    )
    assert queries <= 12


def test_volunteer_list(staff_client, language_support, accompanying):
    def make(n):
        for _ in range(n):
            i = next(counter)
            town = TownFactory(name=f"Ort {i}")
            volunteer = make_volunteer(
                f"Person {i}",
                town=town,
                languages={"ar": LanguageLevel.NATIVE, "de": LanguageLevel.FLUENT},
                areas=[language_support, accompanying],
            )
            if i % 2:
                FuehrungszeugnisRecordFactory(volunteer=volunteer)

    queries = assert_constant_queries(
        staff_client, reverse("volunteers:staff_volunteer_list"), make
    )
    assert queries <= 14


def test_volunteer_list_filtered(staff_client, ahlen, language_support):
    def make(n):
        for _ in range(n):
            make_volunteer(
                f"Person {next(counter)}",
                town=ahlen,
                languages={"ar": LanguageLevel.NATIVE},
                areas=[language_support],
            )

    url = reverse("volunteers:staff_volunteer_list")
    query = "?town=ahlen&language=ar&min_level=3&activity=sprachfoerderung"
    assert_constant_queries(staff_client, url + query, make)


def test_overview(staff_client):
    area = ActivityAreaFactory()

    def make(n):
        for _ in range(n):
            town = TownFactory(name=f"Stadt {next(counter)}")
            organisation = OrganisationFactory(town=town)
            request = HelpRequestFactory(organisation=organisation, activity_area=area, open=True)
            HelpRequestFactory(organisation=organisation, activity_area=area, filled=True)
            helper = make_volunteer(f"Helfer {town.name}", town=town)
            assignment = AssignmentFactory(help_request=request, volunteer=helper, confirmed=True)
            HoursEntryFactory(assignment=assignment, hours=Decimal("1.5"), confirmed=True)

    queries = assert_constant_queries(staff_client, reverse("volunteers:staff_overview"), make)
    assert queries <= 13


def test_volunteer_page(staff_client, ahlen):
    """Not a list, but its languages and areas grow: they are prefetched."""
    volunteer = make_volunteer("Viele Sprachen", town=ahlen)
    profile = volunteer.volunteer_profile
    codes = iter(["ar", "de", "en", "fa", "fr", "ps", "ru", "tr", "uk", "sq", "ti", "kmr"])
    areas = itertools.count()

    def make(n):
        from volunteers.models import VolunteerLanguage

        for _ in range(min(n, 6)):
            VolunteerLanguage.objects.create(
                profile=profile, code=next(codes), level=LanguageLevel.FLUENT
            )
            profile.activity_areas.add(ActivityAreaFactory(slug=f"bereich-{next(areas)}"))

    assert_constant_queries(
        staff_client, reverse("volunteers:staff_volunteer_detail", args=[volunteer.pk]), make
    )
