"""The account overview "Mein Konto": the name can be changed there; a refused change keeps what
was typed and names every problem; every other part of the account is one link away."""

import re

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("account_overview")


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error">.*?<span class="kern-body">(.*?)</span>', html, re.S)
    assert match, f"no error at {field_id}"
    return match.group(1)


def value_of(html: str, field_id: str) -> str:
    tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def test_the_overview_shows_the_name_and_links_every_part_of_the_account(client):
    user = UserFactory(full_name="Anna Beispiel", email="anna@example.org")
    client.force_login(user)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert re.search(r"<h1[^>]*>Mein Konto</h1>", html)
    assert value_of(html, "id_first_name") == "Anna"
    assert value_of(html, "id_last_name") == "Beispiel"
    assert "anna@example.org" in html
    for name in (
        "account_email",
        "mfa_index",
        "account_change_password",
        "notifications:inbox",
        "notifications:preferences",
        "volunteers:my_data",
        "volunteers:account_delete",
    ):
        assert f'href="{reverse(name)}"' in html, name
    assert 'name="language"' in html and f'action="{reverse("set_language")}"' in html


def test_the_name_is_changed(client):
    user = UserFactory(full_name="Anna Beispiel")
    client.force_login(user)
    response = client.post(OVERVIEW, {"first_name": " Anna  Maria ", "last_name": "Muster"})
    assert response.status_code == 302 and response.url == OVERVIEW
    user.refresh_from_db()
    assert user.full_name == "Anna Maria Muster"
    html = client.get(OVERVIEW).content.decode()
    assert "Ihr Name ist gespeichert." in html
    assert "<strong>Anna Maria Muster</strong>" in html


def test_a_change_without_a_last_name_is_refused_and_keeps_what_was_typed(client):
    user = UserFactory(full_name="Anna Beispiel")
    client.force_login(user)
    response = client.post(OVERVIEW, {"first_name": "Annegret", "last_name": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben." in html
    assert field_error(html, "id_last_name") == "Bitte geben Sie Ihren Nachnamen an."
    assert value_of(html, "id_first_name") == "Annegret"
    user.refresh_from_db()
    assert user.full_name == "Anna Beispiel"


def test_a_change_without_any_name_names_both_fields(client):
    user = UserFactory(full_name="Anna Beispiel")
    client.force_login(user)
    html = client.post(OVERVIEW, {"first_name": "", "last_name": ""}).content.decode()
    assert field_error(html, "id_first_name") == "Bitte geben Sie Ihren Vornamen an."
    assert field_error(html, "id_last_name") == "Bitte geben Sie Ihren Nachnamen an."
    assert html.count('aria-invalid="true"') == 2


def test_an_account_without_a_name_is_asked_for_it(client):
    client.force_login(UserFactory(nameless=True))
    html = client.get(OVERVIEW).content.decode()
    assert "Bitte ergänzen Sie Ihren Namen" in html
    assert value_of(html, "id_first_name") == ""


def test_a_next_page_elsewhere_is_ignored(client):
    client.force_login(UserFactory(nameless=True))
    response = client.post(
        OVERVIEW, {"first_name": "Jonas", "last_name": "Brückner", "next": "https://evil.example/"}
    )
    assert response.url == OVERVIEW


def test_volunteers_and_coordinators_find_their_profile_and_organisations(client):
    volunteer = VolunteerFactory()
    membership = MembershipFactory(user=volunteer, organisation__name="Nähcafé Ahlen")
    client.force_login(volunteer)
    html = client.get(OVERVIEW).content.decode()
    assert f'href="{reverse("volunteers:profile")}"' in html
    assert f'href="{reverse("volunteers:consents")}"' in html
    organisation = reverse(
        "volunteers:organisation_detail", kwargs={"pk": membership.organisation_id}
    )
    assert f'href="{organisation}">Koordination: Nähcafé Ahlen</a>' in html


def test_staff_read_that_two_factor_login_is_required(client, staff_without_mfa, staff_with_mfa):
    client.force_login(staff_without_mfa)
    assert "für Seiten des KI-Teams Pflicht" in client.get(OVERVIEW).content.decode()
    client.force_login(staff_with_mfa)
    html = client.get(OVERVIEW).content.decode()
    assert "für Seiten des KI-Teams Pflicht" not in html and "eingerichtet" in html
