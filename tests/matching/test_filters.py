"""Hard filters: each excludes exactly whom it should. Every test shows an excluded volunteer
(or request) beside one that passes, so that a filter excluding everybody would fail too."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from tests.factories import UserFactory
from tests.volunteers.factories import AssignmentFactory, FuehrungszeugnisRecordFactory
from volunteers.matching import filters, suggest_requests, suggest_volunteers
from volunteers.models import Consent, LanguageLevel, VolunteerProfile
from volunteers.services.consents import consent_give, consent_withdraw

NATIVE, FLUENT, BASIC = LanguageLevel.NATIVE, LanguageLevel.FLUENT, LanguageLevel.BASIC


def suggested(help_request) -> set[int]:
    """User ids of the suggested volunteers."""
    return {s.item.user_id for s in suggest_volunteers(help_request, limit=100)}


def recommended(volunteer) -> set[int]:
    return {s.item.pk for s in suggest_requests(volunteer, limit=100)}


def test_onboarding_must_be_complete(make_volunteer, make_request):
    passing, unfinished = make_volunteer(), make_volunteer()
    VolunteerProfile.objects.filter(user=unfinished).update(onboarding_completed_at=None)
    assert suggested(make_request()) == {passing.pk}


def test_email_must_be_verified(make_volunteer, make_request):
    passing, unverified = make_volunteer(), make_volunteer(verified=False)
    help_request = make_request()
    assert suggested(help_request) == {passing.pk}
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=True)
    assert suggested(help_request) == {passing.pk, unverified.pk}


def test_account_must_be_active(make_volunteer, make_request):
    passing, inactive = make_volunteer(), make_volunteer(is_active=False)
    help_request = make_request()
    assert suggested(help_request) == {passing.pk}
    assert suggest_requests(inactive) == []


def test_contact_consent_must_be_given_and_not_withdrawn(make_volunteer, make_request):
    passing, never, withdrawn = make_volunteer(), make_volunteer(consent=False), make_volunteer()
    consent_withdraw(user=withdrawn, kind=Consent.Kind.CONTACT)
    help_request = make_request()
    assert suggested(help_request) == {passing.pk}
    consent_give(user=never, kind=Consent.Kind.CONTACT)
    assert suggested(help_request) == {passing.pk, never.pk}


@pytest.mark.parametrize("trait", ["invited", "offered", "confirmed", "declined", "withdrawn"])
def test_nobody_with_an_assignment_on_the_request(make_volunteer, make_request, trait):
    help_request = make_request(helpers_needed=5)
    passing, known = make_volunteer(), make_volunteer()
    AssignmentFactory(help_request=help_request, volunteer=known, **{trait: True})
    assert suggested(help_request) == {passing.pk}
    assert help_request.pk not in recommended(known)
    assert help_request.pk in recommended(passing)


def test_an_assignment_elsewhere_does_not_exclude(make_volunteer, make_request):
    help_request, other = make_request(), make_request()
    volunteer = make_volunteer()
    AssignmentFactory(help_request=other, volunteer=volunteer, confirmed=True)
    assert suggested(help_request) == {volunteer.pk}


def test_every_required_language_at_least_at_its_level(make_volunteer, make_request):
    help_request = make_request(languages={"ar": FLUENT, "de": BASIC})
    exactly = make_volunteer(languages={"ar": FLUENT, "de": BASIC})
    better = make_volunteer(languages={"ar": NATIVE, "de": NATIVE})
    too_basic = make_volunteer(languages={"ar": BASIC, "de": NATIVE})
    one_missing = make_volunteer(languages={"ar": NATIVE})
    assert suggested(help_request) == {exactly.pk, better.pk}
    assert help_request.pk in recommended(exactly)
    assert help_request.pk not in recommended(too_basic)
    assert help_request.pk not in recommended(one_missing)


def test_valid_fuehrungszeugnis_where_required(make_volunteer, make_request):
    help_request = make_request(requires_fuehrungszeugnis=True)
    valid, expired, none = make_volunteer(), make_volunteer(), make_volunteer()
    FuehrungszeugnisRecordFactory(volunteer=valid)
    issued = timezone.localdate() - dt.timedelta(days=5 * 366)
    FuehrungszeugnisRecordFactory(volunteer=expired, certificate_date=issued)
    assert suggested(help_request) == {valid.pk}
    assert suggested(make_request()) == {valid.pk, expired.pk, none.pk}
    assert help_request.pk in recommended(valid)
    assert help_request.pk not in recommended(expired)
    assert help_request.pk not in recommended(none)


def test_request_town_within_the_travel_radius(make_volunteer, make_request, towns):
    """Ahlen-Beckum is 10 km, Ahlen-Telgte 25 km as the crow flies."""
    help_request = make_request(town="Ahlen")
    beckum_10 = make_volunteer(town="Beckum", radius=10)
    telgte_20 = make_volunteer(town="Telgte", radius=20)
    telgte_35 = make_volunteer(town="Telgte", radius=35)
    ahlen_own_town = make_volunteer(town="Ahlen", radius=0)
    beckum_own_town = make_volunteer(town="Beckum", radius=0)
    assert suggested(help_request) == {beckum_10.pk, telgte_35.pk, ahlen_own_town.pk}
    assert help_request.pk not in recommended(telgte_20)
    assert help_request.pk not in recommended(beckum_own_town)
    assert help_request.pk in recommended(telgte_35)


def test_weekly_invitation_budget(make_volunteer, make_request, settings):
    settings.MATCHING_WEEKLY_INVITATIONS = 3
    help_request, coordinator = make_request(), UserFactory()
    full, two, old, offers = (make_volunteer() for _ in range(4))
    for _ in range(3):
        AssignmentFactory(volunteer=full, invited_by=coordinator)
        AssignmentFactory(volunteer=offers, offered=True)
    for _ in range(2):
        AssignmentFactory(volunteer=two, invited_by=coordinator)
    for _ in range(3):
        AssignmentFactory(
            volunteer=old,
            invited_by=coordinator,
            created_at=timezone.now() - dt.timedelta(days=8),
        )
    assert suggested(help_request) == {two.pk, old.pk, offers.pk}
    settings.MATCHING_WEEKLY_INVITATIONS = 2
    assert suggested(help_request) == {old.pk, offers.pk}


def test_only_open_requests_with_free_places(make_volunteer, make_request):
    volunteer = make_volunteer()
    open_request = make_request(helpers_needed=2, confirmed_count=1)
    make_request(helpers_needed=2, confirmed_count=2)
    make_request(open=False, status="draft")
    make_request(open_until=timezone.localdate() - dt.timedelta(days=1))
    assert recommended(volunteer) == {open_request.pk}


def test_a_registered_requirement_applies_in_both_directions(
    make_volunteer, make_request, monkeypatch
):
    """What the trainings feature will do: a condition of the request, checked for helpers."""
    monkeypatch.setattr(filters, "REQUIREMENTS", list(filters.REQUIREMENTS))
    chosen = make_volunteer(email="trained@example.org")
    other = make_volunteer()
    strict = make_request(title="Nur mit Schulung")
    plain = make_request()

    @filters.register_requirement
    class OnlyTrained:
        def filter_volunteers(self, profiles, help_request):
            if help_request.title != "Nur mit Schulung":
                return profiles
            return profiles.filter(user__email="trained@example.org")

        def filter_requests(self, requests, profile):
            if profile.user.email == "trained@example.org":
                return requests
            return requests.exclude(title="Nur mit Schulung")

    assert suggested(strict) == {chosen.pk}
    assert suggested(plain) == {chosen.pk, other.pk}
    assert recommended(chosen) == {strict.pk, plain.pk}
    assert recommended(other) == {plain.pk}
