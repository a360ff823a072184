"""The volunteer's own profile: onboarding in five steps, and changing it later.

Each step writes through one service here. A service checks its input completely before it
writes anything, so bad input raises ValidationFailed (with the form field it belongs to) and
changes nothing. Until profile_complete() has run, the volunteer is offered to nobody
(assignments and matching look at onboarding_completed_at).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.errors import ValidationFailed
from volunteers.languages import LANGUAGE_NAMES, language_name
from volunteers.models import (
    ActivityArea,
    Consent,
    FuehrungszeugnisRecord,
    LanguageLevel,
    Town,
    VolunteerLanguage,
    VolunteerProfile,
    slot_bit,
)

from .consents import consent_give, consent_withdraw

if TYPE_CHECKING:
    from backend.accounts.models import User

TOTAL_STEPS = 5
STEP_LOCATION, STEP_LANGUAGES, STEP_ACTIVITIES, STEP_AVAILABILITY, STEP_CONTACT = range(1, 6)
STEP_TITLES = {
    STEP_LOCATION: gettext_lazy("Wohnort"),
    STEP_LANGUAGES: gettext_lazy("Sprachen"),
    STEP_ACTIVITIES: gettext_lazy("Tätigkeitsbereiche"),
    STEP_AVAILABILITY: gettext_lazy("Zeit und Entfernung"),
    STEP_CONTACT: gettext_lazy("Kontakt und Einwilligungen"),
}

# Digits with the separators people write: "02382 12345", "+49 (0)2382 / 123-45".
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()/\-]*[0-9]$")
PHONE_DIGITS = (6, 15)  # E.164 allows at most 15 digits; a local number has at least 6


def can_have_volunteer_profile(user: User) -> bool:
    """Volunteering is for member accounts; KI staff accounts do KI work only."""
    if not user.is_authenticated:
        return False
    return user.role == user.Role.MEMBER


def _advance(profile: VolunteerProfile, done: int) -> None:
    """Remember how far onboarding got: the next step after `done` (at most the last)."""
    if profile.is_complete:
        return
    following = min(done + 1, TOTAL_STEPS)
    if profile.onboarding_step < following:
        profile.onboarding_step = following
        profile.save(update_fields=["onboarding_step"])


def _step_error(step: int, message: str, *, field: str) -> ValidationFailed:
    return ValidationFailed(
        _("Schritt %(step)d von %(total)d (%(title)s): %(message)s")
        % {"step": step, "total": TOTAL_STEPS, "title": STEP_TITLES[step], "message": message},
        field=field,
    )


@transaction.atomic
def profile_start(*, user: User) -> VolunteerProfile:
    """The volunteer profile of a member account, created at the first onboarding step.
    Idempotent. Raises PermissionDenied for KI staff accounts."""
    if not can_have_volunteer_profile(user):
        raise PermissionDenied
    profile, _created = VolunteerProfile.objects.get_or_create(user=user)
    return profile


def location_check(*, town: Town | None, postal_code: str) -> str:
    """The rules of step 1, without writing: returns the tidied postal code. Raises
    ValidationFailed naming the town's postal codes (and the town a wrong code belongs to, if
    it is one of the district's). The form of step 1 asks it too, so that a refused step names
    this problem together with the others."""
    postal_code = (postal_code or "").strip()
    if town is None:
        raise ValidationFailed(_("Bitte wählen Sie Ihren Wohnort aus."), field="town")
    if not re.fullmatch(r"\d{5}", postal_code):
        raise ValidationFailed(
            _("Bitte geben Sie die Postleitzahl mit fünf Ziffern ein."), field="postal_code"
        )
    if postal_code not in town.postal_codes:
        codes = ", ".join(town.postal_codes)
        message = _(
            "Die Postleitzahl %(code)s gehört nicht zu %(town)s. "
            "Postleitzahlen von %(town)s: %(codes)s."
        ) % {"code": postal_code, "town": town.name, "codes": codes}
        owner = next(
            (t for t in Town.objects.exclude(pk=town.pk) if postal_code in t.postal_codes), None
        )
        if owner is not None:
            message += " " + _("%(code)s ist die Postleitzahl von %(town)s.") % {
                "code": postal_code,
                "town": owner.name,
            }
        raise ValidationFailed(message, field="postal_code")
    return postal_code


@transaction.atomic
def profile_save_location(
    *, profile: VolunteerProfile, town: Town | None, postal_code: str
) -> VolunteerProfile:
    """Step 1: the town (one of the district's municipalities) and a postal code of that
    town. Raises ValidationFailed (see location_check)."""
    postal_code = location_check(town=town, postal_code=postal_code)
    profile.town = town
    profile.postal_code = postal_code
    profile.save(update_fields=["town", "postal_code"])
    _advance(profile, STEP_LOCATION)
    return profile


@transaction.atomic
def profile_save_languages(
    *, profile: VolunteerProfile, languages: list[tuple[str, int]]
) -> VolunteerProfile:
    """Step 2: the languages the volunteer speaks, each once, with its level. Replaces the
    previous list. Raises ValidationFailed (field "languages") for none, an unknown code or
    level, or a language given twice."""
    if not languages:
        raise ValidationFailed(_("Bitte geben Sie mindestens eine Sprache an."), field="languages")
    seen: set[str] = set()
    for code, level in languages:
        if code not in LANGUAGE_NAMES:
            raise ValidationFailed(
                _("Die Sprache „%(code)s“ kennen wir nicht.") % {"code": code},
                field="languages",
            )
        if level not in LanguageLevel.values:
            raise ValidationFailed(
                _("Bitte wählen Sie das Niveau für %(language)s.")
                % {"language": language_name(code)},
                field="languages",
            )
        if code in seen:
            raise ValidationFailed(
                _("%(language)s ist mehrfach angegeben. Bitte jede Sprache nur einmal angeben.")
                % {"language": language_name(code)},
                field="languages",
            )
        seen.add(code)
    profile.languages.all().delete()
    VolunteerLanguage.objects.bulk_create(
        VolunteerLanguage(profile=profile, code=code, level=level) for code, level in languages
    )
    _advance(profile, STEP_LANGUAGES)
    return profile


@transaction.atomic
def profile_save_activities(
    *, profile: VolunteerProfile, activity_areas: Iterable[ActivityArea]
) -> VolunteerProfile:
    """Step 3: the fields of work the volunteer wants to help in (at least one)."""
    areas = list(activity_areas)
    if not areas:
        raise ValidationFailed(
            _("Bitte wählen Sie mindestens einen Bereich aus."), field="activity_areas"
        )
    profile.activity_areas.set(areas)
    _advance(profile, STEP_ACTIVITIES)
    return profile


@transaction.atomic
def profile_save_availability(
    *, profile: VolunteerProfile, slots: set[tuple[int, int]], travel_radius_km: int
) -> VolunteerProfile:
    """Step 4: when in the week the volunteer can help ((weekday, part of day) pairs, at least
    one) and how far they travel. The mask has exactly the bits of `slots`."""
    if not slots:
        raise ValidationFailed(
            _("Bitte wählen Sie mindestens eine Zeit aus, zu der Sie helfen können."),
            field="availability",
        )
    mask = 0
    for weekday, part in slots:
        if not (0 <= weekday <= 6 and 0 <= part <= 2):
            raise ValidationFailed(_("Diese Zeitangabe gibt es nicht."), field="availability")
        mask |= slot_bit(weekday, part)
    if travel_radius_km not in VolunteerProfile.Radius.values:
        raise ValidationFailed(
            _("Bitte wählen Sie eine der angebotenen Entfernungen."), field="travel_radius_km"
        )
    profile.availability = mask
    profile.travel_radius_km = travel_radius_km
    profile.save(update_fields=["availability", "travel_radius_km"])
    _advance(profile, STEP_AVAILABILITY)
    return profile


def phone_normalise(phone: str) -> str:
    """A plausible phone number with single spaces, or "" for none. Raises ValidationFailed."""
    phone = " ".join((phone or "").split())
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone)
    low, high = PHONE_DIGITS
    if not PHONE_PATTERN.fullmatch(phone) or not low <= digits <= high or len(phone) > 30:
        raise ValidationFailed(
            _(
                "Bitte geben Sie die Telefonnummer nur mit Ziffern ein, "
                "zum Beispiel 02382 12345 oder +49 2382 12345."
            ),
            field="phone",
        )
    return phone


@transaction.atomic
def profile_save_contact(
    *, profile: VolunteerProfile, phone: str, consents: set[str]
) -> VolunteerProfile:
    """Step 5: the optional phone number and the consents. Every consent kind in `consents`
    is given (to its current text), every other one withdrawn at once."""
    phone = phone_normalise(phone)
    unknown = set(consents) - set(Consent.Kind.values)
    if unknown:
        raise ValidationFailed(_("Diese Einwilligung gibt es nicht."), field="consents")
    profile.phone = phone
    profile.save(update_fields=["phone"])
    for kind in Consent.Kind.values:
        if kind in consents:
            consent_give(user=profile.user, kind=kind)
        else:
            consent_withdraw(user=profile.user, kind=kind)
    _advance(profile, STEP_CONTACT)
    return profile


def profile_missing_step(profile: VolunteerProfile) -> int | None:
    """The first onboarding step whose required data is missing, or None."""
    if profile.town_id is None or not profile.postal_code:
        return STEP_LOCATION
    if not profile.languages.exists():
        return STEP_LANGUAGES
    if not profile.activity_areas.exists():
        return STEP_ACTIVITIES
    if not profile.availability:
        return STEP_AVAILABILITY
    return None


MISSING_MESSAGES = {
    STEP_LOCATION: gettext_lazy("Bitte geben Sie Ihren Wohnort und Ihre Postleitzahl an."),
    STEP_LANGUAGES: gettext_lazy("Bitte geben Sie mindestens eine Sprache an."),
    STEP_ACTIVITIES: gettext_lazy("Bitte wählen Sie mindestens einen Tätigkeitsbereich aus."),
    STEP_AVAILABILITY: gettext_lazy("Bitte wählen Sie mindestens eine Zeit aus."),
}
MISSING_FIELDS = {
    STEP_LOCATION: "town",
    STEP_LANGUAGES: "languages",
    STEP_ACTIVITIES: "activity_areas",
    STEP_AVAILABILITY: "availability",
}


@transaction.atomic
def profile_complete(*, profile: VolunteerProfile) -> VolunteerProfile:
    """Finish onboarding: from now on the volunteer can be found and asked. Raises
    ValidationFailed naming the first step whose data is missing. Idempotent."""
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.is_complete:
        return profile
    missing = profile_missing_step(profile)
    if missing is not None:
        raise _step_error(missing, str(MISSING_MESSAGES[missing]), field=MISSING_FIELDS[missing])
    profile.onboarding_completed_at = timezone.now()
    profile.onboarding_step = TOTAL_STEPS
    profile.save(update_fields=["onboarding_completed_at", "onboarding_step"])
    return profile


def profile_current_step(profile: VolunteerProfile | None) -> int:
    """Where onboarding continues: the step reached so far (1 without a profile)."""
    if profile is None:
        return STEP_LOCATION
    return max(STEP_LOCATION, min(profile.onboarding_step, TOTAL_STEPS))


def profile_onboarding_url(user: User) -> str | None:
    """Where login leads a member account that is still onboarding: its current step, for an
    incomplete profile or for neither a profile nor a membership (a new volunteer). None for
    everyone else (they go where they always went)."""
    if not can_have_volunteer_profile(user):
        return None
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is None and user.memberships.exists():
        return None
    if profile is not None and profile.is_complete:
        return None
    return reverse("volunteers:onboarding", kwargs={"step": profile_current_step(profile)})


def fuehrungszeugnis_state(user: User) -> tuple[str, dt.date | None]:
    """What the volunteer sees of their Führungszeugnis check: ("none", None),
    ("valid", valid until) or ("expired", the day it stopped being valid)."""
    record = FuehrungszeugnisRecord.objects.filter(volunteer=user).first()
    if record is None:
        return "none", None
    return ("valid" if record.is_valid() else "expired"), record.valid_until
