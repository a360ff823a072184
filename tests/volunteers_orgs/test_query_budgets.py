"""Query budgets of the coordinator pages: the count does not grow with the rows."""

import itertools

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory
from tests.querybudget import assert_constant_queries
from tests.volunteers.conftest import contactable_volunteer
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory, HoursEntryFactory
from volunteers.models import Consent, CoordinatorInvitation, HelpRequest, VolunteerLanguage
from volunteers.services.consents import consent_give
from volunteers.services.reference import town_distances_refresh

pytestmark = pytest.mark.django_db

counter = itertools.count()


def test_my_organisations(coordinator_client, coordinator, organisation):
    def make(n):
        for _ in range(n):
            other = OrganisationFactory(unverified=next(counter) % 2 == 0)
            MembershipFactory(organisation=other, user=coordinator)
            for org in (organisation, other):
                request = HelpRequestFactory(organisation=org, open=True)
                AssignmentFactory(help_request=request, offered=True)
                HoursEntryFactory(
                    assignment=AssignmentFactory(help_request=request, confirmed=True)
                )

    queries = assert_constant_queries(
        coordinator_client, reverse("volunteers:organisation_list"), make
    )
    assert queries <= 10  # 9, and the unread count in the header


def test_organisation_detail(coordinator_client, coordinator, organisation):
    def make(n):
        for _ in range(n):
            MembershipFactory(organisation=organisation)
            CoordinatorInvitation.objects.create(
                organisation=organisation,
                email=f"eingeladen{next(counter)}@example.org",
                invited_by=coordinator,
            )

    queries = assert_constant_queries(
        coordinator_client,
        reverse("volunteers:organisation_detail", args=[organisation.pk]),
        make,
    )
    assert queries <= 12  # 11, and the unread count in the header


def test_management_page_with_search_helpers_and_hours(
    coordinator_client, open_request, area, other_area
):
    HelpRequest.objects.filter(pk=open_request.pk).update(helpers_needed=50)
    statuses = itertools.cycle(["invited", "offered", "confirmed", "declined", "withdrawn"])

    def make(n):
        for _ in range(n):
            volunteer = contactable_volunteer()
            profile = volunteer.volunteer_profile
            profile.activity_areas.add(area, other_area)
            VolunteerLanguage.objects.create(profile=profile, code="ar", level=3)
            VolunteerLanguage.objects.create(profile=profile, code="de", level=2)
            consent_give(user=volunteer, kind=Consent.Kind.PHONE)
            status = next(statuses)
            assignment = AssignmentFactory(
                help_request=open_request, volunteer=volunteer, **{status: True}
            )
            if status == "confirmed":
                HoursEntryFactory(assignment=assignment)
                HoursEntryFactory(assignment=assignment, confirmed=True)

    url = reverse("volunteers:help_request_manage", args=[open_request.pk])
    queries = assert_constant_queries(coordinator_client, url + "?town=&language=&activity=", make)
    # 17 for search, helpers and hours; 3 for the (empty) suggestions and 2 for why they are
    # empty (the funnel); 1 unread count
    assert queries <= 23
    # Before the first search (filters preset from the request) the budget holds as well.
    assert_constant_queries(coordinator_client, url, make, small=0, large=5)


def test_management_page_with_suggestions(coordinator_client, open_request, area, other_area):
    """Volunteers not yet asked: the page suggests them (with reasons) and lists them in the
    search; both in a fixed number of queries."""
    town_distances_refresh()

    def make(n):
        for _ in range(n):
            volunteer = contactable_volunteer()
            profile = volunteer.volunteer_profile
            profile.town = open_request.town
            profile.save(update_fields=["town"])
            profile.activity_areas.add(area, other_area)
            VolunteerLanguage.objects.create(profile=profile, code="ar", level=3)

    url = reverse("volunteers:help_request_manage", args=[open_request.pk])
    assert_constant_queries(coordinator_client, url, make, small=1, large=8)
    page = coordinator_client.get(url).content.decode()
    assert page.count('name="volunteers"') >= 8


def test_help_request_form_with_languages(coordinator_client, organisation):
    request = HelpRequestFactory(organisation=organisation)
    codes = iter(["ar", "uk", "ru", "fa", "prs", "ps", "kmr", "tr", "sq", "ti", "en", "fr", "am"])

    def make(n):
        for _ in range(min(n, 6)):
            request.languages.create(code=next(codes), min_level=1)

    assert_constant_queries(
        coordinator_client,
        reverse("volunteers:help_request_edit", args=[request.pk]),
        make,
        small=2,
        large=8,
    )
