"""Coordinators keep the contact details confirmed helpers see: the organisation's contact
email and phone (page and API, through organisation_update_contact)."""

import json
import re

import pytest
from django.urls import reverse

from tests.volunteers.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_coordinator_changes_email_and_phone_and_helpers_see_them(
    client, coordinator_client, organisation, open_request
):
    url = reverse("volunteers:organisation_contact", args=[organisation.pk])
    form = coordinator_client.get(url)
    assert f'value="{organisation.contact_email}"' in form.content.decode()
    response = coordinator_client.post(
        url, {"contact_email": " Info@Ahlen-Hilft.de ", "contact_phone": "02382  555 01"}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.contact_email, organisation.contact_phone) == (
        "info@ahlen-hilft.de",
        "02382 555 01",
    )
    detail = text_of(coordinator_client.get(response["Location"]))
    assert "Die Kontaktdaten sind gespeichert." in detail
    assert "Kontakt-Telefon 02382 555 01" in detail

    helper = AssignmentFactory(help_request=open_request, confirmed=True).volunteer
    client.force_login(helper)
    dashboard = text_of(client.get(reverse("volunteers:dashboard")))
    assert "E-Mail info@ahlen-hilft.de" in dashboard
    assert "Telefon 02382 555 01" in dashboard


def test_every_problem_is_named_and_what_was_typed_stays(coordinator_client, organisation):
    before = organisation.contact_email
    response = coordinator_client.post(
        reverse("volunteers:organisation_contact", args=[organisation.pk]),
        {"contact_email": "keine-adresse", "contact_phone": "0" * 41},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Kontakt-E-Mail: Bitte geben Sie eine gültige E-Mail-Adresse an." in page
    assert "Kontakt-Telefon: Die Telefonnummer darf höchstens 40 Zeichen lang sein." in page
    assert 'value="keine-adresse"' in response.content.decode()
    assert f'value="{"0" * 41}"' in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.contact_email == before


def test_another_organisations_coordinator_cannot_change_them(
    client, other_coordinator, organisation
):
    client.force_login(other_coordinator)
    url = reverse("volunteers:organisation_contact", args=[organisation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"contact_email": "x@example.org"}).status_code == 404


def test_the_api_patches_only_what_it_is_given(client, coordinator, organisation):
    client.force_login(coordinator)
    url = f"/api/v1/my-organisations/{organisation.pk}/"
    response = client.patch(
        url, json.dumps({"contact_phone": "02382 4711"}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact_phone"] == "02382 4711"
    assert response.json()["contact_email"] == organisation.contact_email
    refused = client.patch(
        url, json.dumps({"contact_email": "nope"}), content_type="application/json"
    )
    assert refused.status_code == 422
    assert "contact_email" in refused.json()["errors"]
