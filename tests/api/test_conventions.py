"""REST API conventions: schema, docs without CDN, auth, pagination, filters, error format."""

import re

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backend.accounts.services import user_set_totp
from backend.api.exceptions import exception_handler
from backend.errors import ConflictError, ValidationFailed
from notifications.services import notify
from tests.conftest import TOTP_SECRET
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def towns():
    call_command("load_reference")


def test_schema_generates_with_validation_and_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/towns/" in schema
    assert "Error" in schema  # the one error format is documented


def test_schema_and_docs_are_served_without_third_party_requests(api):
    assert api.get("/api/schema/").status_code == 200
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(not s.startswith(("http://", "https://", "//")) for s in sources), sources
    assert "<script>" not in html.replace(" ", "")  # no inline script (CSP)


def test_public_list_is_paginated_and_filterable(api, towns):
    response = api.get("/api/v1/towns/", {"page_size": 5})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 13
    assert len(body["results"]) == 5
    assert body["next"]
    gemeinden = api.get("/api/v1/towns/", {"kind": "Gemeinde"}).json()
    assert {t["name"] for t in gemeinden["results"]} == {
        "Beelen",
        "Everswinkel",
        "Ostbevern",
        "Wadersloh",
    }


def test_unknown_object_gives_404_in_the_error_format(api, towns):
    response = api.get("/api/v1/towns/atlantis/")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"
    assert response.json()["detail"]


def test_anonymous_on_a_private_endpoint_gets_401_in_the_error_format(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"


def test_validation_errors_name_the_field_and_change_nothing(api):
    user = UserFactory(language="de")
    api.force_authenticate(user)
    response = api.patch("/api/v1/me/", {"language": "xx"})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert "language" in body["errors"]
    user.refresh_from_db()
    assert user.language == "de"


def test_domain_errors_map_to_422_and_409():
    response = exception_handler(ValidationFailed("Postleitzahl passt nicht", field="plz"), {})
    assert response.status_code == 422
    assert response.data == {
        "type": "validation_error",
        "detail": "Postleitzahl passt nicht",
        "errors": {"plz": ["Postleitzahl passt nicht"]},
    }
    response = exception_handler(ConflictError("Schon vergeben"), {})
    assert response.status_code == 409
    assert response.data["type"] == "conflict"


def test_volunteer_token_works_and_sees_only_itself(api):
    user = UserFactory()
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api.get("/api/v1/me/").json()
    assert body["email"] == user.email
    assert api.get("/api/v1/outbox/").status_code == 403


def test_staff_token_works_only_once_mfa_is_set_up(api):
    staff = UserFactory(ki_staff=True)
    token = Token.objects.create(user=staff)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    refused = api.get("/api/v1/outbox/")
    assert refused.status_code == 401
    assert refused.json()["type"] == "not_authenticated"

    user_set_totp(user=staff, secret=TOTP_SECRET)
    notify(kind="system.test", recipient=staff, dedupe_key="k")
    response = api.get("/api/v1/outbox/")
    assert response.status_code == 200
    assert response.json()["results"][0]["to_email"] == staff.email


def test_staff_session_without_mfa_cannot_use_the_staff_api(api):
    api.force_authenticate(UserFactory(ki_staff=True))
    assert api.get("/api/v1/outbox/").status_code == 403


def test_drf_create_token_refuses_staff_without_mfa():
    from django.core.management.base import CommandError

    staff = UserFactory(ki_staff=True)
    with pytest.raises(CommandError):
        call_command("drf_create_token", staff.email)
    assert not Token.objects.filter(user=staff).exists()
    volunteer = UserFactory()
    call_command("drf_create_token", volunteer.email)
    assert Token.objects.filter(user=volunteer).exists()


def test_public_organisations_list_shows_only_verified_ones(api):
    OrganisationFactory(name="Geprüft")
    OrganisationFactory(name="Ungeprüft", unverified=True)
    names = [o["name"] for o in api.get("/api/v1/organisations/").json()["results"]]
    assert names == ["Geprüft"]


def test_api_paths_that_match_no_route_answer_in_the_error_format(api):
    response = api.get("/api/v1/organisations/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["type"] == "not_found"
    # Outside the API the page stays a page.
    page = api.get("/gibt-es-nicht/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
