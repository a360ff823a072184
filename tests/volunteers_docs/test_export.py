"""The data export: one JSON file with every section of the person's data, nothing of other
people, no secrets, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from backend.accounts.services import user_set_totp
from notifications.services import notify
from tests.conftest import TOTP_SECRET
from tests.factories import UserFactory
from tests.querybudget import assert_constant_queries
from tests.volunteers.factories import (
    AssignmentFactory,
    FuehrungszeugnisRecordFactory,
    HelpRequestFactory,
    HoursEntryFactory,
)
from volunteers.models import Assignment, Consent, HelpRequest, VolunteerLanguage
from volunteers.services.assignments import assignment_accept, assignment_offer
from volunteers.services.certificates import certificate_for
from volunteers.services.consents import consent_give
from volunteers.services.hours import hours_confirm, hours_log

from .conftest import contactable_volunteer

pytestmark = pytest.mark.django_db

URL = reverse("volunteers:my_data_export")
SECTIONS = {
    "export",
    "account",
    "email_addresses",
    "two_factor",
    "api_token",
    "profile",
    "consents",
    "fuehrungszeugnis",
    "organisations",
    "assignments",
    "confirmed_hours_per_year",
    "certificates",
    "notifications",
}


@pytest.fixture
def people(open_request, coordinator):
    """Anna with data in every section, and Bernd on the same request with his own."""
    anna = contactable_volunteer(full_name="Anna Export", email="anna@example.org")
    profile = anna.volunteer_profile
    profile.phone = "+49 2381 111111"
    profile.availability = 0b101
    profile.save()
    VolunteerLanguage.objects.create(profile=profile, code="uk", level=3)
    consent_give(user=anna, kind=Consent.Kind.PHONE)
    FuehrungszeugnisRecordFactory(volunteer=anna)
    Token.objects.create(user=anna)
    user_set_totp(user=anna, secret=TOTP_SECRET)
    offered = assignment_offer(help_request=open_request, volunteer=anna, message="Gern!")
    confirmed = assignment_accept(assignment=offered, actor=coordinator)
    # Accepted a week ago on a request open since then: yesterday's hours count.
    week_ago = timezone.now() - dt.timedelta(days=7)
    HelpRequest.objects.filter(pk=open_request.pk).update(opened_at=week_ago)
    Assignment.objects.filter(pk=confirmed.pk).update(confirmed_at=week_ago)
    confirmed.refresh_from_db()
    entry = hours_log(
        assignment=confirmed,
        actor=anna,
        date=timezone.localdate() - dt.timedelta(days=1),
        hours="2.75",
        note="Termin beim Amt",
    )
    hours_confirm(entry=entry, actor=coordinator)
    certificate_for(volunteer=anna)

    bernd = contactable_volunteer(full_name="Bernd Fremd", email="bernd@example.org")
    bernd.volunteer_profile.phone = "+49 2381 999999"
    bernd.volunteer_profile.save()
    theirs = AssignmentFactory(
        help_request=open_request, volunteer=bernd, confirmed=True, message="Bernds Nachricht"
    )
    HoursEntryFactory(assignment=theirs, confirmed=True, note="Bernds Notiz")
    notify(kind="system.test", recipient=bernd, context={"x": "Bernds Post"}, dedupe_key="b:1")
    return anna, bernd


def export_of(client, user) -> tuple[dict, str]:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    return json.loads(text), text


def test_the_export_is_an_uncached_json_attachment(client, people):
    anna, _ = people
    client.force_login(anna)

    response = client.get(URL)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="meine-daten-{today}.json"'
    assert "no-store" in response["Cache-Control"]


def test_the_export_has_every_section_with_the_person_s_data(client, people, coordinator):
    anna, _ = people

    data, _ = export_of(client, anna)

    assert set(data) == SECTIONS
    assert data["account"]["email"] == "anna@example.org"
    assert (data["account"]["first_name"], data["account"]["last_name"]) == ("Anna", "Export")
    assert [e["email"] for e in data["email_addresses"]] == ["anna@example.org"]
    assert {a["type"] for a in data["two_factor"]} == {"totp", "recovery_codes"}
    assert data["api_token"]["created"]
    profile = data["profile"]
    assert profile["phone"] == "+49 2381 111111"
    assert profile["town"] == "Ahlen"
    assert profile["languages"][0]["code"] == "uk"
    assert profile["availability"] == [
        {"weekday": "Montag", "time_of_day": "vormittags"},
        {"weekday": "Montag", "time_of_day": "abends"},
    ]
    assert {c["kind"] for c in data["consents"]} == {"contact", "phone"}
    assert data["fuehrungszeugnis"]["seen_on"]
    [assignment] = data["assignments"]
    assert assignment["help_request"]["title"] == "Begleitung zum Ausländeramt"
    assert assignment["help_request"]["organisation"] == "Flüchtlingshilfe Ahlen"
    assert assignment["status"] == "confirmed"
    assert assignment["message"] == "Gern!"
    assert [h["to"] for h in assignment["history"]] == ["confirmed"]
    assert assignment["history"][0]["by_you"] is False
    assert [(h["hours"], h["note"], h["status"]) for h in assignment["hours"]] == [
        ("2.75", "Termin beim Amt", "confirmed")
    ]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert data["confirmed_hours_per_year"] == [{"year": yesterday.year, "hours": "2.75"}]
    assert len(data["certificates"]) == 1
    assert data["certificates"][0]["code"].startswith("EN-")
    kinds = {n["kind"] for n in data["notifications"]}
    assert {"volunteers.assignment_confirmed", "volunteers.hours_confirmed"} <= kinds


def test_the_export_holds_nothing_of_other_people_and_no_secrets(client, people, coordinator):
    anna, bernd = people

    _, text = export_of(client, anna)

    for theirs in (
        "Bernd",
        "bernd@example.org",
        "+49 2381 999999",
        coordinator.full_name,
        coordinator.email,
    ):
        assert theirs not in text
    assert anna.password not in text
    assert Token.objects.get(user=anna).key not in text
    totp = Authenticator.objects.get(user=anna, type="totp")
    assert TOTP_SECRET not in text
    assert totp.data["secret"] not in text


def test_links_with_tokens_and_other_people_s_names_are_left_out_of_emails(client, people):
    anna, _ = people
    notify(
        kind="volunteers.invitation",
        recipient=anna,
        context={
            "request_title": "Sprachcafé",
            "accept_url": "https://example.org/einsatz/antwort/secret-token/",
            "key": "password-reset-key",
            "volunteer_name": "Jemand Anderes",
        },
        dedupe_key="export:invitation",
    )

    data, text = export_of(client, anna)

    [invitation] = [n for n in data["notifications"] if n["kind"] == "volunteers.invitation"]
    assert invitation["content"] == {"request_title": "Sprachcafé"}
    assert "secret-token" not in text and "Jemand Anderes" not in text


def test_an_account_without_volunteer_profile_exports_too(client, coordinator):
    data, _ = export_of(client, coordinator)

    assert set(data) == SECTIONS
    assert data["profile"] is None
    assert data["assignments"] == []
    assert [o["organisation"] for o in data["organisations"]] == ["Flüchtlingshilfe Ahlen"]


def test_the_query_count_does_not_grow_with_the_data(client, organisation, coordinator):
    anna = contactable_volunteer(full_name="Anna Viel")
    client.force_login(anna)

    def make(n):
        for _ in range(n):
            request = HelpRequestFactory(organisation=organisation, open=True)
            assignment = AssignmentFactory(help_request=request, volunteer=anna, confirmed=True)
            HoursEntryFactory.create_batch(2, assignment=assignment, confirmed=True)
            notify(kind="system.test", recipient=anna, dedupe_key=f"q:{uuid.uuid4()}")
            UserFactory()

    queries = assert_constant_queries(client, URL, make)
    assert queries <= 30
