"""The first onboarding step asks first and last name of an account made before sign-up asked
them; accounts with a name are not asked again."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory, VolunteerFactory
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db

STEP_1 = reverse("volunteers:onboarding", kwargs={"step": 1})


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error">.*?<span class="kern-body">(.*?)</span>', html, re.S)
    assert match, f"no error at {field_id}"
    return match.group(1)


def value_of(html: str, field_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html)
    assert match, f"no input {field_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def nameless(db):
    return UserFactory(nameless=True)


@pytest.fixture
def nameless_client(client, nameless):
    client.force_login(nameless)
    return client


def test_step_one_asks_the_name_of_an_account_without_one(nameless_client, reference):
    html = nameless_client.get(STEP_1).content.decode()
    assert re.search(r"<h1[^>]*>Schritt 1 von 5: Name und Wohnort</h1>", html)
    assert 'id="id_first_name"' in html and 'id="id_last_name"' in html
    assert 'autocomplete="given-name"' in html and 'autocomplete="family-name"' in html
    assert "Initiativen sehen nur Ihren Vornamen" in html
    # The name comes before the town.
    assert html.index('id="id_first_name"') < html.index('id="id_town"')


def test_step_one_does_not_ask_a_name_that_is_there(member_client, reference):
    html = member_client.get(STEP_1).content.decode()
    assert 'id="id_first_name"' not in html
    assert re.search(r"<h1[^>]*>Schritt 1 von 5: Wohnort</h1>", html)


def test_name_and_town_are_saved_together(nameless_client, nameless, ahlen):
    response = nameless_client.post(
        STEP_1,
        {"first_name": "  Leyla ", "last_name": "Aydın", "town": ahlen.pk, "postal_code": "59227"},
    )
    assert response.status_code == 302
    assert response.url == reverse("volunteers:onboarding", kwargs={"step": 2})
    nameless.refresh_from_db()
    assert (nameless.first_name, nameless.last_name, nameless.full_name) == (
        "Leyla",
        "Aydın",
        "Leyla Aydın",
    )
    assert nameless.volunteer_profile.postal_code == "59227"
    # Once the name is there, the step asks only the town.
    assert 'id="id_first_name"' not in nameless_client.get(STEP_1).content.decode()


def test_every_problem_of_step_one_is_named_at_once_and_nothing_typed_is_lost(
    nameless_client, nameless, ahlen
):
    response = nameless_client.post(
        STEP_1,
        {"first_name": "Leyla", "last_name": "   ", "town": ahlen.pk, "postal_code": "48291"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nachnamen" in field_error(html, "id_last_name")
    assert "59227, 59229" in field_error(html, "id_postal_code")
    assert value_of(html, "id_first_name") == "Leyla"
    assert value_of(html, "id_postal_code") == "48291"
    assert f'<option value="{ahlen.pk}" selected>' in html
    nameless.refresh_from_db()
    assert (nameless.first_name, nameless.last_name) == ("", "")
    assert not VolunteerProfile.objects.filter(user=nameless).exists()


def test_a_name_without_a_town_is_not_saved_either(nameless_client, nameless, reference):
    response = nameless_client.post(STEP_1, {"first_name": "Leyla", "last_name": "Aydın"})
    assert response.status_code == 200
    assert "Wohnort" in field_error(response.content.decode(), "id_town")
    nameless.refresh_from_db()
    assert nameless.needs_name


def test_a_complete_volunteer_without_a_name_is_asked_when_editing_the_town(client, reference):
    volunteer = VolunteerFactory(nameless=True)
    client.force_login(volunteer)
    url = reverse("volunteers:profile_edit", kwargs={"section": "wohnort"})
    html = client.get(url).content.decode()
    assert re.search(r"<h1[^>]*>Name und Wohnort ändern</h1>", html)
    assert 'id="id_first_name"' in html
