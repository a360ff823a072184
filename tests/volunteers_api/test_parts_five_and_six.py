"""The API of what volunteers and coordinators see: weekly times, the invitation message,
contact and meeting place once confirmed, taking back an offer, declining with a reason, why
nobody fits (step counts) and confirming several hours at once. Same services as the pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory, VolunteerFactory
from tests.querybudget import assert_constant_queries
from tests.volunteers.factories import AssignmentFactory, HoursEntryFactory
from volunteers.models import Assignment, Consent, HelpRequest, HoursEntry, slot_bit
from volunteers.services.consents import consent_give

from .helpers import assert_error, client_for, make_request

pytestmark = pytest.mark.django_db

TUE_THU_AFTERNOONS = slot_bit(1, 1) | slot_bit(3, 1)


@pytest.fixture
def weekly(w):
    w.coordinator_x.first_name, w.coordinator_x.last_name = "Klara", "Koordination"
    w.coordinator_x.save(update_fields=["first_name", "last_name"])
    w.org_x.contact_email, w.org_x.contact_phone = "info@x.example", "02382 12345"
    w.org_x.save(update_fields=["contact_email", "contact_phone"])
    HelpRequest.objects.filter(pk=w.request_x.pk).update(
        schedule=HelpRequest.Schedule.WEEKLY,
        weekly_slots=TUE_THU_AFTERNOONS,
        place="Stadtbücherei",
    )
    w.request_x.refresh_from_db()
    consent_give(user=w.volunteer_a, kind=Consent.Kind.CONTACT)
    return w.request_x


def invite(w, message="Dienstag um 15 Uhr?") -> dict:
    response = client_for(w.coordinator_x).post(
        f"/api/v1/help-requests/{w.request_x.pk}/invite/",
        {"volunteer": w.volunteer_a.pk, "message": message},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def my_assignment(w) -> dict:
    [row] = client_for(w.volunteer_a).get("/api/v1/assignments/").json()["results"]
    return row


def test_requests_carry_their_weekly_times_in_words(w, weekly):
    words = "dienstags nachmittags, donnerstags nachmittags"
    listed = client_for().get("/api/v1/help-requests/").json()["results"]
    assert [r["weekly_times"] for r in listed] == [words]
    detail = client_for().get(f"/api/v1/help-requests/{weekly.pk}/").json()
    assert (detail["weekly_slots"], detail["weekly_times"]) == (TUE_THU_AFTERNOONS, words)


def test_my_invitation_has_message_times_and_inviter_but_no_contact_before_the_yes(w, weekly):
    invitation = invite(w)
    row = my_assignment(w)
    assert row["id"] == invitation["id"]
    assert row["status"] == "invited"
    assert row["message"] == "Dienstag um 15 Uhr?"
    assert row["invited_by_name"] == "Klara Koordination"
    assert row["weekly_times"] == "dienstags nachmittags, donnerstags nachmittags"
    assert row["contact"] is None

    accepted = client_for(w.volunteer_a).post(f"/api/v1/assignments/{row['id']}/accept/")
    assert accepted.status_code == 200
    contact = accepted.json()["contact"]
    assert contact == {
        "coordinators": ["Klara Koordination"],
        "email": "info@x.example",
        "phone": "02382 12345",
        "place": "Stadtbücherei",
        "address": "Markt 1",
    }
    assert my_assignment(w)["contact"] == contact


def test_declining_with_a_reason_is_shown_to_the_coordinator(w, weekly):
    invitation = invite(w)
    response = client_for(w.volunteer_a).post(
        f"/api/v1/assignments/{invitation['id']}/decline/",
        {"reason": "Dienstags arbeite ich."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["decline_reason"] == "Dienstags arbeite ich."
    helpers = client_for(w.coordinator_x).get(f"/api/v1/help-requests/{weekly.pk}/helpers/")
    [helper] = helpers.json()
    assert (helper["status"], helper["decline_reason"]) == ("declined", "Dienstags arbeite ich.")


def test_declining_without_a_body_still_works_and_a_too_long_reason_is_refused(w, weekly):
    invitation = invite(w)
    url = f"/api/v1/assignments/{invitation['id']}/decline/"
    assert_error(
        client_for(w.volunteer_a).post(url, {"reason": "x" * 501}, format="json"),
        400,
        "validation_error",
        field="reason",
    )
    assert Assignment.objects.get(pk=invitation["id"]).status == "invited"
    assert client_for(w.volunteer_a).post(url).status_code == 200
    assert Assignment.objects.get(pk=invitation["id"]).status == "declined"


def test_an_offer_is_taken_back_until_the_coordinator_answers(w, weekly):
    offer = client_for(w.volunteer_a).post(f"/api/v1/help-requests/{weekly.pk}/offer/").json()
    url = f"/api/v1/assignments/{offer['id']}/withdraw-offer/"
    assert_error(client_for(w.coordinator_x).post(url), 403, "permission_denied")
    response = client_for(w.volunteer_a).post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert_error(client_for(w.volunteer_a).post(url), 409, "conflict")

    again = client_for(w.volunteer_a).post(f"/api/v1/help-requests/{weekly.pk}/offer/").json()
    client_for(w.coordinator_x).post(f"/api/v1/assignments/{again['id']}/accept/")
    response = client_for(w.volunteer_a).post(f"/api/v1/assignments/{again['id']}/withdraw-offer/")
    assert_error(response, 409, "conflict")
    assert "schon beantwortet" in response.json()["detail"]
    assert Assignment.objects.get(pk=again["id"]).status == "confirmed"


def test_my_assignments_with_contacts_keep_a_query_budget(w):
    for i in range(3):
        MembershipFactory(organisation=w.org_x, user=UserFactory(full_name=f"K{i} Ko"))

    def make_rows(n):
        for i in range(n):
            request = make_request(w, w.org_x, status=HelpRequest.Status.OPEN)
            AssignmentFactory(
                help_request=request,
                volunteer=w.volunteer_a,
                invited_by=w.coordinator_x,
                **{("confirmed" if i % 2 else "invited"): True},
            )

    client = client_for(w.volunteer_a)
    assert_constant_queries(client, "/api/v1/assignments/?page_size=100", make_rows)


# --- Coordinators -----------------------------------------------------------------------------


def test_the_suggestions_funnel_names_the_step_that_left_nobody(w):
    HelpRequest.objects.filter(pk=w.request_x.pk).update(requires_fuehrungszeugnis=True)
    for person in (w.volunteer_a, w.volunteer_b):
        consent_give(user=person, kind=Consent.Kind.CONTACT)
    response = client_for(w.coordinator_x).get(
        f"/api/v1/help-requests/{w.request_x.pk}/suggestions-funnel/"
    )
    assert response.status_code == 200
    body = response.json()
    assert [(s["key"], s["remaining"]) for s in body["steps"]][:3] == [
        ("contactable", 2),
        ("reach", 2),
        ("fuehrungszeugnis", 0),
    ]
    assert body["remaining"] == 0
    assert body["blocking"]["key"] == "fuehrungszeugnis"
    assert body["blocking"]["before"] == 2
    assert body["blocking"]["sentence"] == (
        "Führungszeugnis erforderlich: 0 von 2 Personen in Reichweite haben ein gültiges."
    )


def test_the_search_funnel_follows_the_search_filters(w):
    ahlen = VolunteerFactory(profile__town=w.town)
    consent_give(user=ahlen, kind=Consent.Kind.CONTACT)
    consent_give(user=w.volunteer_a, kind=Consent.Kind.CONTACT)
    w.volunteer_a.volunteer_profile.town = w.telgte
    w.volunteer_a.volunteer_profile.save(update_fields=["town"])
    response = client_for(w.coordinator_x).get(
        f"/api/v1/help-requests/{w.request_x.pk}/volunteers-funnel/",
        {"town": "ahlen", "language": "ar"},
    )
    steps = response.json()["steps"]
    assert [(s["key"], s["label"], s["remaining"]) for s in steps] == [
        ("contactable", "Ansprechbar", 2),
        ("town", "Wohnort „Ahlen“", 1),
        ("language", "Sprache „Arabisch“", 0),
    ]
    assert response.json()["blocking"]["key"] == "language"


def test_confirming_several_hours_lists_the_confirmed_and_the_refused(w):
    helper = AssignmentFactory(help_request=w.request_x, volunteer=w.volunteer_a, confirmed=True)
    first, second, answered = (HoursEntryFactory(assignment=helper) for _ in range(3))
    HoursEntry.objects.filter(pk=answered.pk).update(
        status=HoursEntry.Status.REJECTED, reviewed_at=timezone.now()
    )
    foreign = HoursEntryFactory()
    response = client_for(w.coordinator_x).post(
        f"/api/v1/help-requests/{w.request_x.pk}/hours/confirm-all/",
        {"entries": [first.pk, second.pk, answered.pk, foreign.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(e["id"] for e in body["confirmed"]) == sorted([first.pk, second.pk])
    assert {e["status"] for e in body["confirmed"]} == {"confirmed"}
    assert body["refused"] == [
        {"entry": foreign.pk, "detail": "Diese Stunden gehören nicht zu diesem Hilfegesuch."},
        {"entry": answered.pk, "detail": "Diese Stunden wurden inzwischen abgelehnt."},
    ]
    foreign.refresh_from_db()
    assert foreign.status == HoursEntry.Status.SUBMITTED


def test_confirming_needs_a_list_of_entries(w):
    response = client_for(w.coordinator_x).post(
        f"/api/v1/help-requests/{w.request_x.pk}/hours/confirm-all/",
        {"entries": []},
        format="json",
    )
    assert_error(response, 400, "validation_error", field="entries")


def test_an_organisation_registers_with_a_contact_phone(w):
    response = client_for(w.volunteer_b).post(
        "/api/v1/my-organisations/",
        {
            "name": "Nähcafé",
            "kind": "initiative",
            "town": "ahlen",
            "contact_email": "naehcafe@example.org",
            "contact_phone": " 02382  98765 ",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["contact_phone"] == "02382 98765"
