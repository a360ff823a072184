"""Matching where people meet it: the coordinator's suggestions (page and API) and inviting
several at once, the weekly invitation budget, auto-invite, the volunteer's recommendations
(dashboard and API) and the weekly digest email."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from backend.errors import CapacityExceeded
from notifications.models import Notification
from notifications.services import deliver
from tests.factories import MembershipFactory
from volunteers.models import Assignment, Consent, HelpRequest, LanguageLevel
from volunteers.services.assignments import assignment_invite
from volunteers.services.auto_invite import auto_invite_batch, auto_invite_due
from volunteers.services.consents import consent_give
from volunteers.services.digest import digest_recipients, digest_send, digest_send_chunk
from volunteers.services.help_requests import help_request_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinated(make_request):
    """make_request, plus a coordinator of the request's organisation."""

    def make(**fields) -> tuple[HelpRequest, object]:
        help_request = make_request(**fields)
        coordinator = MembershipFactory(organisation=help_request.organisation).user
        return help_request, coordinator

    return make


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Coordinator: suggestions and inviting several -----------------------------------------


def test_the_request_page_suggests_with_reasons_and_invites_the_ticked_ones(
    client, coordinated, make_volunteer
):
    help_request, coordinator = coordinated(languages={"ar": LanguageLevel.FLUENT})
    amira = make_volunteer(full_name="Amira Haddad", languages={"ar": LanguageLevel.NATIVE})
    omar = make_volunteer(full_name="Omar Said", languages={"ar": LanguageLevel.FLUENT})
    make_volunteer(full_name="Olga Petrenko", languages={"uk": LanguageLevel.NATIVE})
    client.force_login(coordinator)
    with translation.override("de"):
        page = client.get(reverse("volunteers:help_request_manage", args=[help_request.pk]))
    text = page.content.decode()
    assert "Passende Ehrenamtliche" in text
    assert "Amira, Ahlen" in text and "Omar, Ahlen" in text
    assert "Olga" not in text  # no Arabic: never suggested
    assert "spricht Arabisch (Muttersprache)" in text
    assert text.index("Amira, Ahlen") < text.index("Omar, Ahlen")  # native before fluent

    response = client.post(
        reverse("volunteers:help_request_invite_suggested", args=[help_request.pk]),
        {"volunteers": [amira.pk, omar.pk], "message": "Können Sie dienstags?"},
    )
    assert response.status_code == 302
    invited = Assignment.objects.filter(help_request=help_request, status="invited")
    assert sorted(a.volunteer_id for a in invited) == sorted([amira.pk, omar.pk])
    assert {a.message for a in invited} == {"Können Sie dienstags?"}
    assert Notification.objects.filter(kind="volunteers.invitation").count() == 2
    page = client.get(reverse("volunteers:help_request_manage", args=[help_request.pk]))
    assert "Amira, Ahlen" not in page.content.decode()  # asked already: not suggested again


def test_the_api_suggests_and_invites_several_naming_who_was_not_invited(
    coordinated, make_volunteer
):
    help_request, coordinator = coordinated()
    first, second = make_volunteer(), make_volunteer()
    no_consent = make_volunteer(consent=False)
    client = api_as(coordinator)
    with translation.override("en"):
        found = client.get(f"/api/v1/help-requests/{help_request.pk}/suggestions/").json()
    assert {row["volunteer"] for row in found} == {first.pk, second.pk}
    assert all(row["reasons"] for row in found)
    assert found[0]["score"] >= found[1]["score"]

    body = {"volunteers": [first.pk, no_consent.pk, second.pk]}
    response = client.post(
        f"/api/v1/help-requests/{help_request.pk}/invite-many/", body, format="json"
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert sorted(a["help_request"] for a in result["invited"]) == [help_request.pk] * 2
    assert [r["volunteer"] for r in result["refused"]] == [no_consent.pk]
    assert Assignment.objects.filter(help_request=help_request).count() == 2


def test_the_weekly_budget_stops_the_fourth_invitation(coordinated, make_volunteer, settings):
    settings.MATCHING_WEEKLY_INVITATIONS = 3
    volunteer = make_volunteer()
    for _ in range(3):
        help_request, coordinator = coordinated()
        assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)
    help_request, coordinator = coordinated()
    with pytest.raises(CapacityExceeded, match="schon 3 Anfragen"):
        assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)
    # Not suggested either, until the oldest invitation is a week old.
    assert (
        not api_as(coordinator).get(f"/api/v1/help-requests/{help_request.pk}/suggestions/").json()
    )
    Assignment.objects.filter(volunteer=volunteer).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)


# --- Auto-invite ----------------------------------------------------------------------------


def test_auto_invite_invites_the_best_on_opening_and_the_next_after_the_waiting_days(
    coordinated, make_volunteer
):
    help_request, coordinator = coordinated(
        status=HelpRequest.Status.DRAFT,
        opened_at=None,
        languages={"ar": LanguageLevel.BASIC},
        auto_invite_batch=2,
        auto_invite_after_days=3,
    )
    best = [make_volunteer(languages={"ar": LanguageLevel.NATIVE}) for _ in range(2)]
    next_ = [make_volunteer(languages={"ar": LanguageLevel.BASIC}) for _ in range(2)]
    help_request_open(help_request=help_request, actor=coordinator)
    # on_commit does not fire inside the test transaction: run the sweep's step directly.
    assert auto_invite_due() == [help_request.pk]
    assert auto_invite_batch(help_request_id=help_request.pk) == 2
    invited = set(Assignment.objects.values_list("volunteer", flat=True))
    assert invited == {v.pk for v in best}
    assert all(a.invited_by == coordinator for a in Assignment.objects.all())

    assert auto_invite_due() == []  # not yet: three days
    assert auto_invite_batch(help_request_id=help_request.pk) == 0
    later = timezone.now() + dt.timedelta(days=3, minutes=1)
    assert auto_invite_due(now=later) == [help_request.pk]
    assert auto_invite_batch(help_request_id=help_request.pk, now=later) == 2
    invited = set(Assignment.objects.values_list("volunteer", flat=True))
    assert invited == {v.pk for v in best + next_}


def test_auto_invite_stops_when_the_request_is_filled(coordinated, make_volunteer):
    help_request, _coordinator = coordinated(auto_invite_batch=3, helpers_needed=1)
    make_volunteer()
    HelpRequest.objects.filter(pk=help_request.pk).update(
        status=HelpRequest.Status.FILLED, confirmed_count=1
    )
    assert auto_invite_due() == []
    assert auto_invite_batch(help_request_id=help_request.pk) == 0
    assert not Assignment.objects.exists()


def test_auto_invite_respects_the_weekly_budget(coordinated, make_volunteer, settings):
    settings.MATCHING_WEEKLY_INVITATIONS = 1
    busy = make_volunteer()
    other, coordinator = coordinated()
    assignment_invite(help_request=other, volunteer=busy, actor=coordinator)
    help_request, _coordinator = coordinated(auto_invite_batch=5)
    free = make_volunteer()
    assert auto_invite_batch(help_request_id=help_request.pk) == 1
    assert set(
        Assignment.objects.filter(help_request=help_request).values_list("volunteer", flat=True)
    ) == {free.pk}


# --- Volunteer: recommendations and the digest ---------------------------------------------


def test_the_dashboard_and_the_api_recommend_requests_with_reasons(
    client, make_request, make_volunteer
):
    fitting = make_request(languages={"ar": LanguageLevel.FLUENT}, title="Arztbegleitung")
    make_request(languages={"uk": LanguageLevel.FLUENT}, title="Ukrainisch gesucht")
    volunteer = make_volunteer(languages={"ar": LanguageLevel.NATIVE}, language="de")
    client.force_login(volunteer)
    with translation.override("de"):
        text = client.get(reverse("volunteers:dashboard")).content.decode()
    assert "Passt zu Ihnen" in text
    assert "Arztbegleitung" in text and "Ukrainisch gesucht" not in text
    assert "Arabisch" in text
    found = api_as(volunteer).get("/api/v1/recommendations/").json()
    assert [row["help_request"]["id"] for row in found] == [fitting.pk]
    assert found[0]["reasons"]


def test_the_digest_lists_new_fitting_requests_once_a_week_and_only_for_who_opted_in(
    make_request, make_volunteer
):
    fitting = make_request(languages={"ar": LanguageLevel.BASIC}, title="Deutsch üben")
    old = make_request(title="Schon lange offen")
    HelpRequest.objects.filter(pk=old.pk).update(opened_at=timezone.now() - dt.timedelta(days=9))
    wants = make_volunteer(languages={"ar": LanguageLevel.NATIVE}, language="en")
    consent_give(user=wants, kind=Consent.Kind.DIGEST)
    make_volunteer(languages={"ar": LanguageLevel.NATIVE})  # no digest consent
    nothing_fits = make_volunteer(languages={"uk": LanguageLevel.NATIVE}, town="Wadersloh")
    consent_give(user=nothing_fits, kind=Consent.Kind.DIGEST)

    assert set(digest_recipients()) == {wants.pk, nothing_fits.pk}
    assert digest_send_chunk(user_ids=digest_recipients()) == 1
    [digest] = Notification.objects.filter(kind="volunteers.digest")
    assert deliver(notification_id=digest.pk) == "sent"
    [message] = mail.outbox
    assert message.to == [wants.email]
    assert "Deutsch üben" in message.body and "Schon lange offen" not in message.body
    assert "you speak Arabic" in message.body  # the reasons, in the recipient's language
    assert f"/hilfegesuche/{fitting.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "Deutsch üben" in html
    # Once a week, whatever runs twice.
    assert digest_send(user=wants) is True
    assert Notification.objects.filter(kind="volunteers.digest").count() == 1
