"""The volunteers REST API: help requests, assignments, hours, consents. Every endpoint goes
through the same access functions and services as the HTML pages; errors come out in the one
error format with 400/401/403/404/409/422."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.querybudget import assert_constant_queries
from volunteers.models import (
    Assignment,
    Consent,
    HelpRequest,
    HelpRequestLanguage,
    HoursEntry,
)

from .helpers import assert_error, client_for, in_days, make_request

pytestmark = pytest.mark.django_db


# --- Help requests -------------------------------------------------------------------------


def test_public_list_shows_open_requests_without_address_and_filters(w):
    other = make_request(w, w.org_y, status=HelpRequest.Status.OPEN, town=w.telgte)
    HelpRequestLanguage.objects.create(help_request=other, code="ar")
    response = client_for().get("/api/v1/help-requests/")
    assert response.status_code == 200
    body = response.json()
    assert {r["id"] for r in body["results"]} == {w.request_x.pk, other.pk}
    assert "address" not in body["results"][0]
    assert body["count"] == 2
    by_town = client_for().get("/api/v1/help-requests/", {"town": "telgte"}).json()
    assert [r["id"] for r in by_town["results"]] == [other.pk]
    by_language = client_for().get("/api/v1/help-requests/", {"language": "ar"}).json()
    assert [r["id"] for r in by_language["results"]] == [other.pk]
    by_activity = client_for().get("/api/v1/help-requests/", {"activity": "nope"}).json()
    assert by_activity["results"] == []


def test_detail_shows_address_only_to_members_and_confirmed_helpers(w):
    url = f"/api/v1/help-requests/{w.request_x.pk}/"
    assert client_for().get(url).json()["address"] is None
    assert client_for(w.volunteer_a).get(url).json()["address"] is None
    assert client_for(w.coordinator_x).get(url).json()["address"] == "Markt 1"
    Assignment.objects.create(
        help_request=w.request_x,
        volunteer=w.volunteer_a,
        status=Assignment.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    assert client_for(w.volunteer_a).get(url).json()["address"] == "Markt 1"


def test_draft_of_another_organisation_is_404(w):
    url = f"/api/v1/help-requests/{w.request_y_draft.pk}/"
    assert_error(client_for(w.coordinator_x).get(url), 404, "not_found")
    assert_error(
        client_for(w.coordinator_x).patch(url, {"title": "x"}, format="json"), 404, "not_found"
    )
    assert client_for(w.coordinator_y).get(url).status_code == 200


def test_51_helpers_is_400_naming_the_field(w):
    url = f"/api/v1/help-requests/{w.request_x.pk}/"
    response = client_for(w.coordinator_x).patch(url, {"helpers_needed": 51})
    assert_error(response, 400, "validation_error", field="helpers_needed")
    w.request_x.refresh_from_db()
    assert w.request_x.helpers_needed == 2


def test_service_rules_come_out_as_422_naming_the_field(w):
    url = f"/api/v1/help-requests/{w.request_x.pk}/"
    body = {"open_until": in_days(-1).isoformat()}
    response = client_for(w.coordinator_x).patch(url, body)
    assert_error(response, 422, "validation_error", field="open_until")
    w.request_x.refresh_from_db()
    assert w.request_x.open_until >= timezone.localdate()


def test_coordinator_updates_opens_and_closes(w):
    client = client_for(w.coordinator_y)
    base = f"/api/v1/help-requests/{w.request_y_draft.pk}"
    response = client.patch(f"{base}/", {"title": "Neu", "helpers_needed": 3})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Neu"
    response = client.post(f"{base}/open/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert_error(client.post(f"{base}/open/"), 409, "conflict")
    response = client.post(f"{base}/close/", {"note": "erledigt"})
    assert response.json()["status"] == "closed"
    assert_error(client.patch(f"{base}/", {"title": "x"}), 422, "validation_error")


def test_others_may_see_but_not_manage_an_open_request(w):
    url = f"/api/v1/help-requests/{w.request_x.pk}"
    client = client_for(w.coordinator_y)
    assert_error(client.patch(f"{url}/", {"title": "x"}), 403, "permission_denied")
    assert_error(client.post(f"{url}/close/"), 403, "permission_denied")
    w.request_x.refresh_from_db()
    assert w.request_x.status == HelpRequest.Status.OPEN


def test_volunteer_offers_help_once(w):
    url = f"/api/v1/help-requests/{w.request_x.pk}/offer/"
    response = client_for(w.volunteer_a).post(url, {"message": "Gern"})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "offered"
    assert_error(client_for(w.volunteer_a).post(url), 409, "conflict")
    assert_error(client_for(w.coordinator_x).post(url), 403, "permission_denied")
    draft = f"/api/v1/help-requests/{w.request_y_draft.pk}/offer/"
    assert_error(client_for(w.volunteer_b).post(draft), 404, "not_found")


def test_unauthenticated_writes_are_401(w):
    client = client_for()
    url = f"/api/v1/help-requests/{w.request_x.pk}/"
    assert_error(client.patch(url, {"title": "x"}), 401, "not_authenticated")
    assert_error(
        client.post(f"/api/v1/help-requests/{w.request_x.pk}/offer/"), 401, "not_authenticated"
    )
    for url in ("/api/v1/assignments/", "/api/v1/consents/"):
        assert_error(client.get(url), 401, "not_authenticated")


# --- Assignments ---------------------------------------------------------------------------


def invite(w, volunteer, help_request=None) -> Assignment:
    return Assignment.objects.create(
        help_request=help_request or w.request_x,
        volunteer=volunteer,
        status=Assignment.Status.INVITED,
        invited_by=w.coordinator_x,
    )


def test_assignment_list_shows_only_my_own(w):
    mine = invite(w, w.volunteer_a)
    invite(w, w.volunteer_b)
    body = client_for(w.volunteer_a).get("/api/v1/assignments/").json()
    assert [a["id"] for a in body["results"]] == [mine.pk]
    assert body["results"][0]["help_request_title"] == "Begleitung zum Amt"


def test_volunteer_accepts_declines_and_withdraws(w):
    a = invite(w, w.volunteer_a)
    client = client_for(w.volunteer_a)
    response = client.post(f"/api/v1/assignments/{a.pk}/accept/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    w.request_x.refresh_from_db()
    assert w.request_x.confirmed_count == 1
    assert_error(client.post(f"/api/v1/assignments/{a.pk}/decline/"), 403, "permission_denied")
    response = client.post(f"/api/v1/assignments/{a.pk}/withdraw/")
    assert response.json()["status"] == "withdrawn"
    w.request_x.refresh_from_db()
    assert w.request_x.confirmed_count == 0
    b = invite(w, w.volunteer_b)
    response = client_for(w.volunteer_b).post(f"/api/v1/assignments/{b.pk}/decline/")
    assert response.json()["status"] == "declined"


def test_someone_elses_assignment_is_404(w):
    b = invite(w, w.volunteer_b)
    client = client_for(w.volunteer_a)
    for verb in ("accept", "decline", "withdraw", "hours"):
        response = client.post(f"/api/v1/assignments/{b.pk}/{verb}/", {})
        assert_error(response, 404, "not_found")
    assert_error(
        client_for(w.coordinator_y).post(f"/api/v1/assignments/{b.pk}/accept/"), 404, "not_found"
    )
    b.refresh_from_db()
    assert b.status == Assignment.Status.INVITED


def test_accepting_on_a_full_request_is_409(w):
    full = make_request(w, w.org_x, status=HelpRequest.Status.OPEN, helpers_needed=1)
    first, second = invite(w, w.volunteer_a, full), invite(w, w.volunteer_b, full)
    assert (
        client_for(w.volunteer_a).post(f"/api/v1/assignments/{first.pk}/accept/").status_code == 200
    )
    response = client_for(w.volunteer_b).post(f"/api/v1/assignments/{second.pk}/accept/")
    assert_error(response, 409, "conflict")
    full.refresh_from_db()
    assert full.confirmed_count == 1
    assert full.status == HelpRequest.Status.FILLED


def test_coordinator_accepts_an_offer(w):
    offer = Assignment.objects.create(
        help_request=w.request_x, volunteer=w.volunteer_a, status=Assignment.Status.OFFERED
    )
    url = f"/api/v1/assignments/{offer.pk}/accept/"
    assert_error(client_for(w.volunteer_a).post(url), 403, "permission_denied")
    response = client_for(w.coordinator_x).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"


# --- Hours ---------------------------------------------------------------------------------


def confirmed(w, volunteer) -> Assignment:
    return Assignment.objects.create(
        help_request=w.request_x,
        volunteer=volunteer,
        status=Assignment.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )


def test_volunteer_logs_hours_and_coordinator_confirms_or_rejects(w):
    a = confirmed(w, w.volunteer_a)
    client = client_for(w.volunteer_a)
    url = f"/api/v1/assignments/{a.pk}/hours/"
    response = client.post(url, {"date": timezone.localdate().isoformat(), "hours": 2.5})
    assert response.status_code == 201, response.content
    entry = HoursEntry.objects.get(pk=response.json()["id"])
    assert entry.status == HoursEntry.Status.SUBMITTED
    assert str(entry.hours) == "2.50"
    assert_error(client.post(f"/api/v1/hours/{entry.pk}/confirm/"), 403, "permission_denied")
    assert_error(
        client_for(w.coordinator_y).post(f"/api/v1/hours/{entry.pk}/confirm/"), 404, "not_found"
    )
    response = client_for(w.coordinator_x).post(f"/api/v1/hours/{entry.pk}/confirm/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert_error(
        client_for(w.coordinator_x).post(f"/api/v1/hours/{entry.pk}/reject/"), 409, "conflict"
    )
    other = client.post(url, {"date": timezone.localdate().isoformat(), "hours": 1}).json()
    response = client_for(w.coordinator_x).post(f"/api/v1/hours/{other['id']}/reject/")
    assert response.json()["status"] == "rejected"
    assert_error(client_for(w.coordinator_x).post("/api/v1/hours/999999/reject/"), 404, "not_found")


def test_hours_in_the_future_or_over_24_are_refused(w):
    a = confirmed(w, w.volunteer_a)
    client = client_for(w.volunteer_a)
    url = f"/api/v1/assignments/{a.pk}/hours/"
    response = client.post(url, {"date": in_days(1).isoformat(), "hours": 2})
    assert_error(response, 422, "validation_error", field="date")
    response = client.post(url, {"date": timezone.localdate().isoformat(), "hours": 25})
    assert_error(response, 400, "validation_error", field="hours")
    assert not HoursEntry.objects.exists()


def test_only_the_volunteer_logs_hours_and_only_once_confirmed(w):
    a = confirmed(w, w.volunteer_a)
    body = {"date": timezone.localdate().isoformat(), "hours": 2}
    response = client_for(w.coordinator_x).post(f"/api/v1/assignments/{a.pk}/hours/", body)
    assert_error(response, 403, "permission_denied")
    b = invite(w, w.volunteer_b)
    response = client_for(w.volunteer_b).post(f"/api/v1/assignments/{b.pk}/hours/", body)
    assert_error(response, 422, "validation_error")


# --- Consents ------------------------------------------------------------------------------


def test_consents_give_list_withdraw(w):
    client = client_for(w.volunteer_a)
    response = client.post("/api/v1/consents/contact/give/")
    assert response.json() == {"kind": "contact", "active": True}
    assert client.post("/api/v1/consents/contact/give/").status_code == 200  # idempotent
    assert Consent.objects.filter(user=w.volunteer_a, withdrawn_at__isnull=True).count() == 1
    listed = client.get("/api/v1/consents/").json()["results"]
    assert [(c["kind"], c["withdrawn_at"]) for c in listed] == [("contact", None)]
    assert client_for(w.volunteer_b).get("/api/v1/consents/").json()["results"] == []
    response = client.post("/api/v1/consents/contact/withdraw/")
    assert response.json() == {"kind": "contact", "active": False}
    assert not Consent.objects.filter(user=w.volunteer_a, withdrawn_at__isnull=True).exists()
    assert_error(client.post("/api/v1/consents/unknown/give/"), 404, "not_found")


# --- Query budgets -------------------------------------------------------------------------


def test_help_request_list_query_count_does_not_grow(w):
    def make_rows(n):
        for _ in range(n):
            r = make_request(w, w.org_x, status=HelpRequest.Status.OPEN)
            HelpRequestLanguage.objects.create(help_request=r, code="ar")

    assert_constant_queries(client_for(), "/api/v1/help-requests/?page_size=100", make_rows)


def test_assignment_list_query_count_does_not_grow(w):
    def make_rows(n):
        for _ in range(n):
            invite(w, w.volunteer_a, make_request(w, w.org_x, status=HelpRequest.Status.OPEN))

    client = client_for(w.volunteer_a)
    assert_constant_queries(client, "/api/v1/assignments/?page_size=100", make_rows)


def test_consent_list_query_count_does_not_grow(w):
    def make_rows(n):
        for _ in range(n):
            Consent.objects.create(
                user=w.volunteer_a, kind="digest", text_version="x", withdrawn_at=timezone.now()
            )

    client = client_for(w.volunteer_a)
    assert_constant_queries(client, "/api/v1/consents/?page_size=100", make_rows)


def test_malformed_input_is_4xx_never_500(w):
    client = client_for(w.coordinator_x)
    url = f"/api/v1/help-requests/{w.request_x.pk}/"
    assert_error(client.patch(url, [None], format="json"), 400, "validation_error")
    huge = 10**30
    assert_error(client.get(f"/api/v1/help-requests/{huge}/"), 404, "not_found")
    assert_error(client.post(f"/api/v1/assignments/{huge}/accept/"), 404, "not_found")
    assert_error(client.post(f"/api/v1/hours/{huge}/confirm/"), 404, "not_found")
