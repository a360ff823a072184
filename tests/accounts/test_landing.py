"""Where each role lands after logging in with the login form (and two-factor for the KI)."""

import pytest
from django.urls import reverse

from backend.accounts.services import user_set_totp
from directory.models import MunicipalAccess
from tests.conftest import TOTP_SECRET, totp_code
from tests.factories import (
    MembershipFactory,
    TownFactory,
    UserFactory,
    VolunteerFactory,
    VolunteerProfileFactory,
)

pytestmark = pytest.mark.django_db


def log_in(client, user, password) -> str:
    """The login form (and the code of the authenticator app, if the account has one);
    returns where the last step redirects to."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    if response.url == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert response.status_code == 302
    return response.url


def staff(**traits):
    user = UserFactory(**traits)
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user


def test_a_volunteer_lands_on_the_dashboard(client, password):
    assert log_in(client, VolunteerFactory(), password) == reverse("volunteers:dashboard")


def test_a_volunteer_still_onboarding_continues_it(client, password):
    profile = VolunteerProfileFactory(onboarding_completed_at=None, onboarding_step=3)
    assert log_in(client, profile.user, password) == reverse(
        "volunteers:onboarding", kwargs={"step": 3}
    )


def test_a_coordinator_of_one_organisation_lands_on_it(client, password):
    membership = MembershipFactory()
    assert log_in(client, membership.user, password) == reverse(
        "volunteers:organisation_detail", kwargs={"pk": membership.organisation_id}
    )


def test_a_coordinator_of_several_organisations_lands_on_the_list(client, password):
    membership = MembershipFactory()
    MembershipFactory(user=membership.user)
    assert log_in(client, membership.user, password) == reverse("volunteers:organisation_list")


def test_a_coordinator_who_also_volunteers_lands_on_the_organisation(client, password):
    volunteer = VolunteerFactory()
    membership = MembershipFactory(user=volunteer)
    assert log_in(client, volunteer, password) == reverse(
        "volunteers:organisation_detail", kwargs={"pk": membership.organisation_id}
    )


@pytest.mark.parametrize("traits", [{"ki_staff": True}, {"ki_lead": True}, {"admin": True}])
def test_the_ki_lands_on_the_work_queue(client, password, traits):
    assert log_in(client, staff(**traits), password) == reverse("work_queue")
    assert client.get(reverse("work_queue")).status_code == 200


def test_a_town_administration_lands_on_its_figures(client, password):
    user = UserFactory(role="municipal")
    MunicipalAccess.objects.create(user=user, town=TownFactory())
    assert log_in(client, user, password) == reverse("directory:municipal_figures")
    assert client.get(reverse("directory:municipal_figures")).status_code == 200


def test_an_account_without_a_name_is_asked_for_it_first_and_then_sent_on(client, password):
    membership = MembershipFactory(user=UserFactory(nameless=True))
    organisation_page = reverse(
        "volunteers:organisation_detail", kwargs={"pk": membership.organisation_id}
    )
    landing = log_in(client, membership.user, password)
    assert landing.startswith(reverse("account_overview") + "?next=")
    page = client.get(landing).content.decode()
    assert "Bitte ergänzen Sie Ihren Namen" in page
    response = client.post(
        reverse("account_overview"),
        {"first_name": "Jonas", "last_name": "Brückner", "next": organisation_page},
    )
    assert response.status_code == 302 and response.url == organisation_page
    # Next time the name is there: straight to the organisation.
    client.logout()
    assert log_in(client, membership.user, password) == organisation_page


def test_a_new_member_without_a_name_is_asked_in_the_first_onboarding_step(client, password):
    user = UserFactory(nameless=True)
    assert log_in(client, user, password) == reverse("volunteers:onboarding", kwargs={"step": 1})


def test_an_explicit_next_page_wins(client, password):
    volunteer = VolunteerFactory()
    response = client.post(
        reverse("account_login") + "?next=" + reverse("volunteers:training_list"),
        {"login": volunteer.email, "password": password},
    )
    assert response.url == reverse("volunteers:training_list")
