"""The onboarding services: each refuses bad input with a message at its field and changes
nothing; completion needs every required step."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from backend.errors import ValidationFailed
from tests.factories import UserFactory
from tests.volunteers.factories import FuehrungszeugnisRecordFactory
from volunteers.models import (
    DAY_PARTS,
    WEEKDAYS,
    ActivityArea,
    Consent,
    LanguageLevel,
    VolunteerProfile,
    slot_bit,
)
from volunteers.selectors import consent_is_active
from volunteers.services.profiles import (
    fuehrungszeugnis_state,
    profile_complete,
    profile_save_activities,
    profile_save_availability,
    profile_save_contact,
    profile_save_languages,
    profile_save_location,
    profile_start,
)

pytestmark = pytest.mark.django_db


def test_start_creates_the_profile_of_a_member_once(member):
    first = profile_start(user=member)
    assert profile_start(user=member).pk == first.pk
    assert VolunteerProfile.objects.filter(user=member).count() == 1
    assert first.onboarding_step == 1 and not first.is_complete


def test_staff_accounts_do_not_become_volunteers(db):
    with pytest.raises(PermissionDenied):
        profile_start(user=UserFactory(ki_staff=True))
    assert not VolunteerProfile.objects.exists()


# --- Step 1: town and postal code -----------------------------------------------------------


def test_postal_code_of_another_town_is_refused_naming_the_towns_codes(member, ahlen):
    profile = profile_start(user=member)
    with pytest.raises(ValidationFailed) as caught:
        profile_save_location(profile=profile, town=ahlen, postal_code="48291")
    assert caught.value.field == "postal_code"
    assert "59227" in caught.value.message and "59229" in caught.value.message
    assert "Ahlen" in caught.value.message
    assert "Telgte" in caught.value.message  # where 48291 belongs
    profile.refresh_from_db()
    assert (profile.town, profile.postal_code, profile.onboarding_step) == (None, "", 1)


@pytest.mark.parametrize("code", ["", "5922", "592277", "ab123"])
def test_postal_code_must_have_five_digits(member, ahlen, code):
    profile = profile_start(user=member)
    with pytest.raises(ValidationFailed) as caught:
        profile_save_location(profile=profile, town=ahlen, postal_code=code)
    assert caught.value.field == "postal_code"


def test_town_is_required(member, reference):
    profile = profile_start(user=member)
    with pytest.raises(ValidationFailed) as caught:
        profile_save_location(profile=profile, town=None, postal_code="59227")
    assert caught.value.field == "town"


def test_location_of_the_town_is_saved_and_onboarding_moves_on(member, ahlen):
    profile = profile_start(user=member)
    profile_save_location(profile=profile, town=ahlen, postal_code=" 59229 ")
    profile.refresh_from_db()
    assert (profile.town, profile.postal_code, profile.onboarding_step) == (ahlen, "59229", 2)


# --- Step 2: languages ----------------------------------------------------------------------


def test_at_least_one_language(member):
    profile = profile_start(user=member)
    with pytest.raises(ValidationFailed) as caught:
        profile_save_languages(profile=profile, languages=[])
    assert caught.value.field == "languages"


def test_a_language_given_twice_is_refused_and_the_old_list_kept(ready_profile):
    with pytest.raises(ValidationFailed) as caught:
        profile_save_languages(
            profile=ready_profile,
            languages=[("uk", LanguageLevel.NATIVE), ("uk", LanguageLevel.BASIC)],
        )
    assert "Ukrainisch" in caught.value.message
    assert sorted(ready_profile.languages.values_list("code", "level")) == [
        ("ar", 1),
        ("de", 3),
    ]


@pytest.mark.parametrize("entry", [("xx", 2), ("ku", 2), ("de", 4), ("de", 0)])
def test_unknown_language_or_level_is_refused(member, entry):
    profile = profile_start(user=member)
    with pytest.raises(ValidationFailed):
        profile_save_languages(profile=profile, languages=[entry])
    assert not profile.languages.exists()


def test_languages_replace_the_previous_list(ready_profile):
    profile_save_languages(
        profile=ready_profile, languages=[("ti", LanguageLevel.FLUENT), ("de", LanguageLevel.BASIC)]
    )
    assert sorted(ready_profile.languages.values_list("code", "level")) == [("de", 1), ("ti", 2)]


# --- Step 3: activity areas -----------------------------------------------------------------


def test_at_least_one_activity_area(ready_profile):
    with pytest.raises(ValidationFailed) as caught:
        profile_save_activities(profile=ready_profile, activity_areas=[])
    assert caught.value.field == "activity_areas"
    assert ready_profile.activity_areas.count() == 2


# --- Step 4: availability and radius --------------------------------------------------------


def test_availability_has_exactly_the_bits_of_the_chosen_slots(member, reference):
    profile = profile_start(user=member)
    chosen = {(0, 0), (3, 1), (6, 2), (4, 0)}
    profile_save_availability(profile=profile, slots=chosen, travel_radius_km=35)
    profile.refresh_from_db()
    assert profile.availability == sum(slot_bit(d, p) for d, p in chosen)
    for day in range(len(WEEKDAYS)):
        for part in range(len(DAY_PARTS)):
            assert profile.available(day, part) == ((day, part) in chosen)
    assert profile.travel_radius_km == 35


@pytest.mark.parametrize(
    ("slots", "radius", "field"),
    [
        (set(), 10, "availability"),
        ({(7, 0)}, 10, "availability"),
        ({(0, 3)}, 10, "availability"),
        ({(0, 0)}, 15, "travel_radius_km"),
    ],
)
def test_bad_availability_or_radius_is_refused_and_nothing_changes(
    ready_profile, slots, radius, field
):
    before = (ready_profile.availability, ready_profile.travel_radius_km)
    with pytest.raises(ValidationFailed) as caught:
        profile_save_availability(profile=ready_profile, slots=slots, travel_radius_km=radius)
    assert caught.value.field == field
    ready_profile.refresh_from_db()
    assert (ready_profile.availability, ready_profile.travel_radius_km) == before


# --- Step 5: phone and consents -------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [("", ""), ("02382  12345", "02382 12345"), ("+49 (0)2382 / 123-45", "+49 (0)2382 / 123-45")],
)
def test_plausible_phone_numbers_are_kept(ready_profile, given, stored):
    profile_save_contact(profile=ready_profile, phone=given, consents=set())
    ready_profile.refresh_from_db()
    assert ready_profile.phone == stored


@pytest.mark.parametrize("phone", ["abc", "12345", "0238212345678901234", "+49 2382 12a45"])
def test_implausible_phone_numbers_are_refused_and_no_consent_is_given(ready_profile, phone):
    with pytest.raises(ValidationFailed) as caught:
        profile_save_contact(profile=ready_profile, phone=phone, consents={"contact"})
    assert caught.value.field == "phone"
    assert not Consent.objects.exists()


def test_consents_are_given_and_withdrawn_as_chosen(ready_profile):
    user = ready_profile.user
    profile_save_contact(profile=ready_profile, phone="", consents={"contact", "digest"})
    assert consent_is_active(user=user, kind="contact")
    assert consent_is_active(user=user, kind="digest")
    assert not consent_is_active(user=user, kind="phone")

    profile_save_contact(profile=ready_profile, phone="", consents={"digest"})
    assert not consent_is_active(user=user, kind="contact")
    assert consent_is_active(user=user, kind="digest")
    contact_rows = Consent.objects.filter(user=user, kind="contact")
    assert contact_rows.count() == 1 and contact_rows.get().withdrawn_at is not None


def test_unknown_consent_is_refused(ready_profile):
    with pytest.raises(ValidationFailed) as caught:
        profile_save_contact(profile=ready_profile, phone="", consents={"marketing"})
    assert caught.value.field == "consents"


# --- Completion -----------------------------------------------------------------------------


def test_completion_names_the_first_missing_step(member, ahlen):
    profile = profile_start(user=member)
    profile_save_location(profile=profile, town=ahlen, postal_code="59227")
    with pytest.raises(ValidationFailed) as caught:
        profile_complete(profile=profile)
    assert "Schritt 2 von 5" in caught.value.message
    assert "Sprachen" in caught.value.message
    profile.refresh_from_db()
    assert profile.onboarding_completed_at is None


@pytest.mark.parametrize(
    ("undo", "missing"),
    [
        (lambda p: p.activity_areas.clear(), "Schritt 3 von 5"),
        (lambda p: VolunteerProfile.objects.filter(pk=p.pk).update(availability=0), "Schritt 4"),
        (lambda p: VolunteerProfile.objects.filter(pk=p.pk).update(town=None), "Schritt 1"),
    ],
)
def test_completion_needs_every_required_step(ready_profile, undo, missing):
    undo(ready_profile)
    with pytest.raises(ValidationFailed) as caught:
        profile_complete(profile=ready_profile)
    assert missing in caught.value.message


def test_nobody_can_invite_a_volunteer_before_onboarding_is_complete(ready_profile):
    from tests.factories import MembershipFactory
    from tests.volunteers.factories import HelpRequestFactory
    from volunteers.services.assignments import assignment_invite

    profile_save_contact(profile=ready_profile, phone="", consents={"contact"})
    coordinator = MembershipFactory()
    request = HelpRequestFactory(open=True, organisation=coordinator.organisation)
    with pytest.raises(ValidationFailed):
        assignment_invite(
            help_request=request, volunteer=ready_profile.user, actor=coordinator.user
        )
    profile_complete(profile=ready_profile)
    ready_profile.user.refresh_from_db()
    assignment = assignment_invite(
        help_request=request, volunteer=ready_profile.user, actor=coordinator.user
    )
    assert assignment.volunteer == ready_profile.user


def test_completion_with_all_steps_done(ready_profile):
    done = profile_complete(profile=ready_profile)
    assert done.is_complete
    first = done.onboarding_completed_at
    assert profile_complete(profile=ready_profile).onboarding_completed_at == first


# --- Führungszeugnis ------------------------------------------------------------------------


def test_fuehrungszeugnis_state(member):
    assert fuehrungszeugnis_state(member) == ("none", None)
    record = FuehrungszeugnisRecordFactory(volunteer=member)
    assert fuehrungszeugnis_state(member) == ("valid", record.valid_until)
    old = timezone.localdate() - dt.timedelta(days=6 * 365)
    record.certificate_date, record.seen_on = old, old
    record.save()
    assert fuehrungszeugnis_state(member) == ("expired", record.valid_until)


def test_reference_data_gives_activity_areas(reference):
    assert ActivityArea.objects.count() == 14
