"""Fair counts: the weekly invitation budget counts invitations only (not the volunteer's own
offers), and keeps counting them when the inviting coordinator's account is deleted; a
consent given to a materially older text no longer counts, one to an editorially older text
still does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backend.errors import CapacityExceeded, ValidationFailed
from tests.factories import MembershipFactory
from volunteers.matching.engine import suggest_volunteers
from volunteers.models import Consent
from volunteers.models import people as people_models
from volunteers.selectors import consent_is_active
from volunteers.services import consents as consent_services
from volunteers.services.assignments import assignment_invite, assignment_offer
from volunteers.services.consents import consent_give
from volunteers.services.gdpr import account_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinated(make_request):
    def make(**fields):
        help_request = make_request(**fields)
        coordinator = MembershipFactory(organisation=help_request.organisation).user
        return help_request, coordinator

    return make


def suggested(help_request) -> set[int]:
    return {s.item.user_id for s in suggest_volunteers(help_request, limit=50)}


def test_own_offers_do_not_use_up_the_weekly_budget(coordinated, make_volunteer, settings):
    settings.MATCHING_WEEKLY_INVITATIONS = 2
    volunteer = make_volunteer()
    for _ in range(3):
        help_request, _coordinator = coordinated()
        assignment_offer(help_request=help_request, volunteer=volunteer)

    help_request, coordinator = coordinated()
    assert volunteer.pk in suggested(help_request)  # "may still be asked this week"
    assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)
    help_request, coordinator = coordinated()
    assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)

    # Two invitations are the budget; the three offers did not count.
    help_request, coordinator = coordinated()
    assert volunteer.pk not in suggested(help_request)
    with pytest.raises(CapacityExceeded):
        assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)


def test_deleting_the_inviting_coordinator_does_not_reset_the_budget(
    coordinated, make_volunteer, settings
):
    settings.MATCHING_WEEKLY_INVITATIONS = 2
    volunteer = make_volunteer()
    inviters = []
    for _ in range(2):
        help_request, coordinator = coordinated()
        assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)
        inviters.append(coordinator)

    for coordinator in inviters:
        account_delete(user=coordinator, actor=coordinator)

    help_request, coordinator = coordinated()
    assert volunteer.pk not in suggested(help_request)
    with pytest.raises(CapacityExceeded):
        assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)


def _change_contact_text(monkeypatch, *, material: bool) -> None:
    texts = dict(consent_services.CONSENT_TEXTS)
    texts[Consent.Kind.CONTACT] = str(texts[Consent.Kind.CONTACT]) + " (überarbeitet)"
    monkeypatch.setattr(consent_services, "CONSENT_TEXTS", texts)
    if material:
        versions = dict(people_models.CONSENT_MATERIAL_VERSIONS)
        versions["contact"] += 1
        monkeypatch.setattr(people_models, "CONSENT_MATERIAL_VERSIONS", versions)


def test_after_a_material_change_the_old_consent_no_longer_counts(
    client, coordinated, make_volunteer, monkeypatch
):
    volunteer = make_volunteer()  # agreed to be contacted, to today's text
    help_request, coordinator = coordinated()
    assert volunteer.pk in suggested(help_request)

    _change_contact_text(monkeypatch, material=True)

    assert consent_is_active(user=volunteer, kind=Consent.Kind.CONTACT) is False
    assert volunteer.pk not in suggested(help_request)
    with pytest.raises(ValidationFailed, match="nicht angefragt"):
        assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)
    # The consents page asks again.
    client.force_login(volunteer)
    page = client.get(reverse("volunteers:consents")).content.decode()
    assert "Der Text hat sich geändert" in page
    assert "nicht mehr gültig" in page

    consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
    assert consent_is_active(user=volunteer, kind=Consent.Kind.CONTACT) is True
    assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)


def test_after_an_editorial_change_the_old_consent_still_counts(
    client, coordinated, make_volunteer, monkeypatch
):
    volunteer = make_volunteer()
    help_request, coordinator = coordinated()

    _change_contact_text(monkeypatch, material=False)

    assert consent_is_active(user=volunteer, kind=Consent.Kind.CONTACT) is True
    assert volunteer.pk in suggested(help_request)
    client.force_login(volunteer)
    page = client.get(reverse("volunteers:consents")).content.decode()
    assert "Der Text hat sich geändert" not in page
    assignment_invite(help_request=help_request, volunteer=volunteer, actor=coordinator)
