"""What an initiative sees of a volunteer's name: the first name until the volunteer is confirmed
(the consent text promises them exactly that), the whole name afterwards; never the email
address or the last name before, also not for an account that has no name yet."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, VolunteerFactory
from tests.volunteers.factories import AssignmentFactory
from volunteers.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    """An offer of help by Leyla Aydın for a request of an initiative."""
    volunteer = VolunteerFactory(full_name="Leyla Aydın", email="leyla.privat@example.org")
    return AssignmentFactory(volunteer=volunteer, offered=True)


def coordinator_client(client, assignment):
    coordinator = MembershipFactory(organisation=assignment.help_request.organisation).user
    client.force_login(coordinator)
    return client


def pages(client, assignment) -> list[str]:
    help_request = assignment.help_request
    manage = client.get(reverse("volunteers:help_request_manage", args=[help_request.pk]))
    api = client.get(reverse("v1:help-request-helpers", args=[help_request.pk]))
    assert manage.status_code == 200 and api.status_code == 200
    return [manage.content.decode(), api.content.decode()]


def test_before_a_confirmation_only_the_first_name(client, offer):
    for page in pages(coordinator_client(client, offer), offer):
        assert "Leyla" in page
        assert "Aydın" not in page and "leyla.privat@example.org" not in page


def test_after_the_confirmation_the_whole_name(client, offer):
    Assignment.objects.filter(pk=offer.pk).update(status=Assignment.Status.CONFIRMED)
    for page in pages(coordinator_client(client, offer), offer):
        assert "Leyla Aydın" in page


def test_a_volunteer_without_a_name_is_never_shown_by_address(client):
    volunteer = VolunteerFactory(nameless=True, email="ohne.namen@example.org")
    offer = AssignmentFactory(volunteer=volunteer, offered=True)
    for page in pages(coordinator_client(client, offer), offer):
        assert "ohne.namen@example.org" not in page
        assert "Ehrenamtliche Person" in page


def test_a_volunteer_with_a_last_name_only_is_not_shown_by_it(client):
    volunteer = VolunteerFactory(first_name="", last_name="Aydın")
    offer = AssignmentFactory(volunteer=volunteer, offered=True)
    for page in pages(coordinator_client(client, offer), offer):
        assert "Aydın" not in page
