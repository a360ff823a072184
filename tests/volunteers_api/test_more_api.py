"""The rest of the volunteers API: creating requests, organisations and their coordinators, the
helpers, hours and volunteer search of a request, the volunteer's profile and data, and the KI's
staff endpoints. Same services as the pages; what a client sees is asserted here, who may do
what in the access matrix (tests/security/rows_api_more.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.accounts.services import user_set_totp
from backend.models import StatusChange
from notifications.models import Notification
from tests.conftest import TOTP_SECRET
from tests.factories import TEST_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from volunteers.models import (
    Assignment,
    Consent,
    CoordinatorInvitation,
    HelpRequest,
    HoursEntry,
    Membership,
    Organisation,
    VolunteerLanguage,
    VolunteerProfile,
)
from volunteers.services.assignments import assignment_accept, assignment_invite
from volunteers.services.consents import consent_give
from volunteers.services.hours import hours_log
from volunteers.services.organisations import invitation_token

from .helpers import assert_error, client_for, in_days

pytestmark = pytest.mark.django_db


def new_request_body(w, **overrides) -> dict:
    return {
        "organisation": w.org_x.pk,
        "title": "Hausaufgabenhilfe",
        "description": "Zweimal pro Woche nachmittags",
        "activity_area": "begleitung",
        "town": "ahlen",
        "schedule": "weekly",
        "weekly_slots": 2,
        "helpers_needed": 3,
        "open_until": in_days(21).isoformat(),
        "languages": [{"code": "ar", "min_level": 2}],
    } | overrides


def staff_user(**traits) -> User:
    user = UserFactory(ki_staff=True, **traits)
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user


# --- Creating help requests -----------------------------------------------------------------


def test_coordinator_creates_a_draft_with_languages_and_opens_it(w):
    client = client_for(w.coordinator_x)
    response = client.post("/api/v1/help-requests/", new_request_body(w), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["organisation"] == w.org_x.pk
    assert body["languages"] == [{"code": "ar", "min_level": 2}]
    assert client_for().get(f"/api/v1/help-requests/{body['id']}/").status_code == 404
    opened = client.post(f"/api/v1/help-requests/{body['id']}/open/")
    assert opened.json()["status"] == "open"
    assert client_for().get(f"/api/v1/help-requests/{body['id']}/").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"helpers_needed": 51}, 400, "helpers_needed"),
        ({"open_until": "2020-01-01"}, 422, "open_until"),
        ({"town": "gibt-es-nicht"}, 422, "town"),
        ({"schedule": "once"}, 422, "starts_at"),
    ],
    ids=["51 helpers", "open until in the past", "unknown town", "date without a time"],
)
def test_a_bad_new_request_names_the_field_and_creates_nothing(w, overrides, status, field):
    body = new_request_body(w, **overrides)
    response = client_for(w.coordinator_x).post("/api/v1/help-requests/", body, format="json")
    assert_error(response, status, "validation_error", field=field)
    assert not HelpRequest.objects.filter(title="Hausaufgabenhilfe").exists()


def test_nul_characters_are_refused_or_ignored_never_sent_to_the_database(w):
    """PostgreSQL refuses NUL in text with an error: found by the fuzzer as a 500."""
    client = client_for(w.coordinator_x)
    body = new_request_body(w, town="ah\x00len")
    response = client.post("/api/v1/help-requests/", body, format="json")
    assert_error(response, 422, "validation_error", field="town")
    response = client_for().get("/api/v1/help-requests/", {"town": "ah\x00len"})
    assert response.status_code == 200
    base = f"/api/v1/help-requests/{w.request_x.pk}/volunteers/"
    assert client.get(base, {"language": "a\x00r"}).status_code == 200


def test_a_request_for_a_foreign_or_unverified_organisation_is_refused(w):
    client = client_for(w.coordinator_x)
    response = client.post(
        "/api/v1/help-requests/", new_request_body(w, organisation=w.org_y.pk), format="json"
    )
    assert_error(response, 422, "validation_error", field="organisation")
    pending = OrganisationFactory(name="Neu", town=w.town, unverified=True)
    MembershipFactory(user=w.coordinator_x, organisation=pending)
    response = client.post(
        "/api/v1/help-requests/", new_request_body(w, organisation=pending.pk), format="json"
    )
    assert_error(response, 422, "validation_error", field="organisation")
    assert "geprüft" in response.json()["detail"]
    assert not HelpRequest.objects.filter(title="Hausaufgabenhilfe").exists()


# --- Organisations and coordinators ---------------------------------------------------------


def test_registering_an_organisation_waits_for_the_ki_and_verifying_tells_the_coordinator(w):
    founder = UserFactory(full_name="Fatma Yilmaz")
    body = {
        "name": "Nähcafé Beckum",
        "kind": Organisation.Kind.MIGRANT_ORG,
        "town": "ahlen",
        "contact_email": "Kontakt@Naehcafe.example.org",
    }
    response = client_for(founder).post("/api/v1/my-organisations/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["verified"] is False
    assert created["contact_email"] == "kontakt@naehcafe.example.org"
    mine = client_for(founder).get("/api/v1/my-organisations/").json()["results"]
    assert [o["name"] for o in mine] == ["Nähcafé Beckum"]
    # Not public until verified.
    public = client_for().get("/api/v1/organisations/").json()["results"]
    assert "Nähcafé Beckum" not in [o["name"] for o in public]

    staff = staff_user()
    queue = client_for(staff).get("/api/v1/staff/organisations/", {"status": "pending"}).json()
    assert [o["name"] for o in queue["results"]] == ["Nähcafé Beckum"]
    assert queue["results"][0]["coordinators"] == [{"name": "Fatma Yilmaz", "email": founder.email}]
    verified = client_for(staff).post(f"/api/v1/staff/organisations/{created['id']}/verify/")
    assert verified.status_code == 200, verified.content
    assert verified.json()["verified"] is True
    assert Notification.objects.filter(
        recipient=founder, kind="volunteers.organisation_verified"
    ).exists()
    again = client_for(staff).post(f"/api/v1/staff/organisations/{created['id']}/verify/")
    assert_error(again, 409, "conflict")


def test_a_coordinator_invites_a_colleague_who_accepts_with_the_emailed_token(w):
    client = client_for(w.coordinator_x)
    url = f"/api/v1/my-organisations/{w.org_x.pk}/invitations/"
    response = client.post(url, {"email": "Kollegin@Example.org"}, format="json")
    assert response.status_code == 201, response.content
    assert client.get(url).json()[0]["email"] == "kollegin@example.org"
    assert_error(client.post(url, {"email": "kollegin@example.org"}), 409, "conflict", "email")
    invitation = CoordinatorInvitation.objects.get()
    assert Notification.objects.filter(
        to_email="kollegin@example.org", kind="volunteers.coordinator_invitation"
    ).exists()

    token = invitation_token(invitation)
    stranger = UserFactory(email="jemand@example.org")
    response = client_for(stranger).post(
        "/api/v1/coordinator-invitations/accept/", {"token": token}
    )
    assert_error(response, 403, "permission_denied")
    colleague = UserFactory(email="kollegin@example.org")
    response = client_for(colleague).post(
        "/api/v1/coordinator-invitations/accept/", {"token": token}
    )
    assert response.status_code == 200, response.content
    assert response.json()["id"] == w.org_x.pk
    assert Membership.objects.filter(user=colleague, organisation=w.org_x).exists()
    response = client_for(colleague).post(
        "/api/v1/coordinator-invitations/accept/", {"token": token}
    )
    assert_error(response, 409, "conflict")


def test_my_organisation_lists_its_drafts_too(w):
    response = client_for(w.coordinator_y).get(
        f"/api/v1/my-organisations/{w.org_y.pk}/help-requests/"
    )
    assert [r["title"] for r in response.json()["results"]] == ["Entwurf Y"]


# --- One request: search, invite, helpers, hours --------------------------------------------


def test_coordinator_finds_invites_and_sees_contact_details_only_once_confirmed(w):
    a = w.volunteer_a
    consent_give(user=a, kind=Consent.Kind.CONTACT)
    VolunteerLanguage.objects.create(profile=a.volunteer_profile, code="ar", level=3)
    client = client_for(w.coordinator_x)
    base = f"/api/v1/help-requests/{w.request_x.pk}"

    found = client.get(f"{base}/volunteers/", {"language": "ar"}).json()["results"]
    assert [(v["volunteer"], v["assignment_status"]) for v in found] == [(a.pk, None)]
    assert "email" not in found[0]
    # B never consented to be contacted: not found, and cannot be invited.
    assert client.get(f"{base}/volunteers/").json()["count"] == 1
    response = client.post(f"{base}/invite/", {"volunteer": w.volunteer_b.pk})
    assert_error(response, 422, "validation_error", field="volunteer")

    response = client.post(f"{base}/invite/", {"volunteer": a.pk, "message": "Dienstags?"})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "invited"
    assert Notification.objects.filter(recipient=a, kind="volunteers.invitation").exists()
    assert_error(client.post(f"{base}/invite/", {"volunteer": a.pk}), 409, "conflict")

    helper = client.get(f"{base}/helpers/").json()[0]
    assert (helper["status"], helper["email"], helper["phone"]) == ("invited", None, None)

    assignment = Assignment.objects.get(volunteer=a)
    assignment_accept(assignment=assignment, actor=a)
    VolunteerProfile.objects.filter(user=a).update(phone="02382 12345")
    helper = client.get(f"{base}/helpers/").json()[0]
    assert (helper["status"], helper["email"], helper["phone"]) == ("confirmed", a.email, None)
    consent_give(user=a, kind=Consent.Kind.PHONE)
    assert client.get(f"{base}/helpers/").json()[0]["phone"] == "02382 12345"


def test_coordinator_sees_the_hours_to_confirm(w):
    consent_give(user=w.volunteer_a, kind=Consent.Kind.CONTACT)
    assignment = assignment_invite(
        help_request=w.request_x, volunteer=w.volunteer_a, actor=w.coordinator_x
    )
    assignment = assignment_accept(assignment=assignment, actor=w.volunteer_a)
    entry = hours_log(
        assignment=assignment, actor=w.volunteer_a, date=timezone.localdate(), hours=3
    )
    rows = client_for(w.coordinator_x).get(f"/api/v1/help-requests/{w.request_x.pk}/hours/")
    assert [(r["id"], r["status"], r["hours"]) for r in rows.json()] == [
        (entry.pk, "submitted", "3.00")
    ]
    assert HoursEntry.objects.count() == 1


# --- The volunteer's profile ----------------------------------------------------------------


def profile_body(**overrides) -> dict:
    return {
        "town": "ahlen",
        "postal_code": "59227",
        "languages": [{"code": "de", "level": 3}, {"code": "ar", "level": 2}],
        "activity_areas": ["begleitung"],
        "availability": 0b010,  # Monday afternoon
        "travel_radius_km": 10,
        "phone": "",
        "consents": ["contact"],
    } | overrides


def test_put_completes_the_onboarding_of_a_new_volunteer(w):
    newcomer = UserFactory()
    client = client_for(newcomer)
    assert_error(client.get("/api/v1/profile/"), 404, "not_found")
    response = client.put("/api/v1/profile/", profile_body(), format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["onboarding"] == {"complete": True, "step": 5, "steps": 5}
    assert body["languages"] == [{"code": "de", "level": 3}, {"code": "ar", "level": 2}]
    assert body["consents"] == ["contact"]
    assert body["fuehrungszeugnis"] == {"state": "none", "valid_until": None}
    assert client.get("/api/v1/profile/").json()["town"] == "ahlen"


def test_a_postal_code_of_another_town_changes_nothing_not_even_the_other_parts(w):
    newcomer = UserFactory()
    client = client_for(newcomer)
    client.put("/api/v1/profile/", profile_body(), format="json")
    body = profile_body(postal_code="48291", languages=[{"code": "uk", "level": 3}])
    response = client.put("/api/v1/profile/", body, format="json")
    assert_error(response, 422, "validation_error", field="postal_code")
    assert "48291 ist die Postleitzahl von Telgte" in response.json()["detail"]
    profile = client.get("/api/v1/profile/").json()
    assert profile["postal_code"] == "59227"
    assert [row["code"] for row in profile["languages"]] == ["de", "ar"]


def test_patch_changes_only_the_named_parts(w):
    newcomer = UserFactory()
    client = client_for(newcomer)
    client.put("/api/v1/profile/", profile_body(), format="json")
    response = client.patch("/api/v1/profile/", {"travel_radius_km": 35}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["travel_radius_km"], body["availability"]) == (35, 0b010)
    assert body["consents"] == ["contact"]
    response = client.patch("/api/v1/profile/", {"consents": []}, format="json")
    assert response.json()["consents"] == []
    assert not Consent.objects.filter(user=newcomer, withdrawn_at__isnull=True).exists()
    response = client.patch("/api/v1/profile/", {"town": "telgte"}, format="json")
    assert_error(response, 422, "validation_error", field="postal_code")


def test_ki_staff_have_no_volunteer_profile(w):
    response = client_for(staff_user()).put("/api/v1/profile/", profile_body(), format="json")
    assert_error(response, 403, "permission_denied")
    assert not VolunteerProfile.objects.filter(user__role=User.Role.KI_STAFF).exists()


# --- GDPR self-service ----------------------------------------------------------------------


def test_export_holds_my_data_and_no_one_elses(w):
    response = client_for(w.volunteer_a).get("/api/v1/me/export/")
    assert response.status_code == 200
    text = response.content.decode()
    assert w.volunteer_a.email in text
    assert w.volunteer_b.email not in text


def test_deleting_needs_the_password_and_then_ends_the_token(w):
    a = w.volunteer_a
    token = Token.objects.create(user=a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post("/api/v1/me/delete/", {"password": "falsch"})
    assert_error(response, 422, "validation_error", field="password")
    assert User.objects.filter(pk=a.pk).exists()
    response = client.post("/api/v1/me/delete/", {"password": TEST_PASSWORD})
    assert response.status_code == 204, response.content
    assert not User.objects.filter(email=a.email).exists()
    assert_error(client.get("/api/v1/me/"), 401, "not_authenticated")


def test_my_hours_and_ehrenamtsnachweis(w):
    consent_give(user=w.volunteer_a, kind=Consent.Kind.CONTACT)
    assignment = assignment_invite(
        help_request=w.request_x, volunteer=w.volunteer_a, actor=w.coordinator_x
    )
    assignment = assignment_accept(assignment=assignment, actor=w.volunteer_a)
    entry = hours_log(
        assignment=assignment, actor=w.volunteer_a, date=timezone.localdate(), hours=3
    )
    client = client_for(w.volunteer_a)
    assert client.get("/api/v1/me/hours/").json()["confirmed_per_year"] == {}
    client_for(w.coordinator_x).post(f"/api/v1/hours/{entry.pk}/confirm/")
    body = client.get("/api/v1/me/hours/").json()
    assert body["confirmed_per_year"] == {str(timezone.localdate().year): "3.00"}
    assert body["ehrenamtskarte"]["eligible"] is False
    assert body["ehrenamtskarte"]["slices"][0]["hours"] == "3.00"
    response = client.get("/api/v1/me/ehrenamtsnachweis/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


# --- KI staff -------------------------------------------------------------------------------


def test_staff_search_volunteers_by_language_and_each_reading_is_logged(w):
    VolunteerLanguage.objects.create(profile=w.volunteer_a.volunteer_profile, code="fa", level=1)
    VolunteerLanguage.objects.create(profile=w.volunteer_b.volunteer_profile, code="fa", level=3)
    staff = staff_user()
    client = client_for(staff)
    found = client.get("/api/v1/staff/volunteers/", {"language": "fa", "min_level": 2}).json()
    assert [v["id"] for v in found["results"]] == [w.volunteer_b.pk]
    before = StatusChange.objects.filter(actor=staff).count()
    detail = client.get(f"/api/v1/staff/volunteers/{w.volunteer_b.pk}/")
    assert detail.status_code == 200
    assert detail.json()["email"] == w.volunteer_b.email
    assert StatusChange.objects.filter(actor=staff).count() == before + 1


def test_staff_record_a_fuehrungszeugnis_and_the_volunteer_sees_its_expiry(w):
    staff = staff_user()
    url = f"/api/v1/staff/volunteers/{w.volunteer_a.pk}/fuehrungszeugnis/"
    today = timezone.localdate()
    future = {"certificate_date": (today + dt.timedelta(days=1)).isoformat(), "seen_on": today}
    assert_error(client_for(staff).post(url, future), 422, "validation_error", "certificate_date")
    issued = today - dt.timedelta(days=30)
    response = client_for(staff).post(
        url, {"certificate_date": issued.isoformat(), "seen_on": today.isoformat()}
    )
    assert response.status_code == 200, response.content
    assert response.json()["fuehrungszeugnis"]["state"] == "valid"
    mine = client_for(w.volunteer_a).get("/api/v1/profile/").json()["fuehrungszeugnis"]
    assert mine["state"] == "valid"
    assert mine["valid_until"] == issued.replace(year=issued.year + 5).isoformat()


def test_staff_overview_counts_per_town(w):
    response = client_for(staff_user()).get("/api/v1/staff/overview/")
    assert response.status_code == 200
    body = response.json()
    ahlen = next(row for row in body["rows"] if row["slug"] == "ahlen")
    assert ahlen["open_requests"] == 1
    assert body["total"]["complete_volunteers"] == 2
    assert body["year"] == timezone.localdate().year
