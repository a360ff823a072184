"""Hard filters of matching: who may be suggested for a request, which requests to a volunteer.

A hard filter is never traded against score. The fixed ones (account, consent, distance within
the travel radius, no earlier assignment on the request, the weekly invitation budget) live in
`volunteers_eligible` and `requests_eligible`. Conditions that a help request sets for its
helpers are `Requirement`s in the `REQUIREMENTS` registry, so that a later feature (required
trainings) adds its condition with `register_requirement` instead of editing this module.

Distance is a hard filter, not just a penalty: the travel radius is what the volunteer said
they are willing to do, and suggesting somebody further away would ask them to break it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.utils import timezone

from volunteers.models import (
    Assignment,
    Consent,
    FuehrungszeugnisRecord,
    HelpRequest,
    HelpRequestLanguage,
    TrainingCertificate,
    VolunteerLanguage,
    VolunteerProfile,
)

# Invitations count against the weekly budget for this long.
BUDGET_WINDOW = dt.timedelta(days=7)


def contactable_profiles() -> QuerySet[VolunteerProfile]:
    """Volunteers a coordinator may find: active account with a verified address, finished
    onboarding, and the consent to be contacted (the ledger's open row)."""
    return VolunteerProfile.objects.filter(
        Exists(Consent.objects.in_force().filter(user=OuterRef("user"), kind=Consent.Kind.CONTACT)),
        Exists(
            EmailAddress.objects.filter(
                user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
            )
        ),
        onboarding_completed_at__isnull=False,
        user__is_active=True,
    )


def fuehrungszeugnis_issued_after(day: dt.date) -> dt.date:
    """Certificates issued after the returned date are valid on `day` (valid for five years)."""
    years = FuehrungszeugnisRecord.VALID_YEARS
    try:
        cutoff = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        cutoff = day.replace(year=day.year - years, day=28)
    # A certificate of 29 February runs out on 28 February: on that day it is no longer
    # valid (FuehrungszeugnisRecord.valid_until), so the cut-off moves past it.
    following = cutoff + dt.timedelta(days=1)
    if FuehrungszeugnisRecord(certificate_date=following).valid_until <= day:
        cutoff = following
    return cutoff


# --- Requirements of a request ----------------------------------------------------------------


class Requirement(Protocol):
    """A condition a help request sets for its helpers, applied in both directions.

    `filter_volunteers` returns the queryset it was given, unchanged (the same object), when
    the request does not set the condition: the step-by-step count of suggestions
    (volunteer_filter_steps) leaves such a requirement out. A `key` attribute names the
    step there (matching.funnel puts known keys into words)."""

    def filter_volunteers(
        self, profiles: QuerySet[VolunteerProfile], help_request: HelpRequest
    ) -> QuerySet[VolunteerProfile]:
        """Only the volunteers who meet the request's condition."""
        ...

    def filter_requests(
        self, requests: QuerySet[HelpRequest], profile: VolunteerProfile
    ) -> QuerySet[HelpRequest]:
        """Only the requests whose condition the volunteer meets. `profile` comes with its
        languages and the user's Führungszeugnis record loaded (see matching.engine)."""
        ...


REQUIREMENTS: list[Requirement] = []

R = TypeVar("R", bound=type)


def register_requirement(cls: R) -> R:
    """Class decorator: every suggestion from now on applies the requirement."""
    REQUIREMENTS.append(cls())
    return cls


@register_requirement
class LanguagesRequirement:
    """Every language the request needs, each at least at its minimum level."""

    key = "languages"

    def filter_volunteers(
        self, profiles: QuerySet[VolunteerProfile], help_request: HelpRequest
    ) -> QuerySet[VolunteerProfile]:
        for language in help_request.languages.all():
            profiles = profiles.filter(
                Exists(
                    VolunteerLanguage.objects.filter(
                        profile=OuterRef("pk"), code=language.code, level__gte=language.min_level
                    )
                )
            )
        return profiles

    def filter_requests(
        self, requests: QuerySet[HelpRequest], profile: VolunteerProfile
    ) -> QuerySet[HelpRequest]:
        spoken = Q()
        for language in profile.languages.all():
            spoken |= Q(code=language.code, min_level__lte=language.level)
        # A request qualifies when none of its languages is missing or too hard.
        unmet = HelpRequestLanguage.objects.filter(help_request=OuterRef("pk"))
        if spoken:
            unmet = unmet.exclude(spoken)
        return requests.filter(~Exists(unmet))


@register_requirement
class FuehrungszeugnisRequirement:
    """A valid Führungszeugnis where the request works with children."""

    key = "fuehrungszeugnis"

    def filter_volunteers(
        self, profiles: QuerySet[VolunteerProfile], help_request: HelpRequest
    ) -> QuerySet[VolunteerProfile]:
        if not help_request.requires_fuehrungszeugnis:
            return profiles
        cutoff = fuehrungszeugnis_issued_after(timezone.localdate())
        return profiles.filter(user__fuehrungszeugnis__certificate_date__gt=cutoff)

    def filter_requests(
        self, requests: QuerySet[HelpRequest], profile: VolunteerProfile
    ) -> QuerySet[HelpRequest]:
        record = getattr(profile.user, "fuehrungszeugnis", None)
        if record is not None and record.is_valid():
            return requests
        return requests.filter(requires_fuehrungszeugnis=False)


def _apply_requirements(
    queryset: QuerySet, apply: str, subject: HelpRequest | VolunteerProfile
) -> QuerySet:
    for requirement in REQUIREMENTS:
        queryset = getattr(requirement, apply)(queryset, subject)
    return queryset


# --- The two candidate sets -------------------------------------------------------------------


def invited_to_limit(*, now: dt.datetime) -> QuerySet[Assignment]:
    """Ids (volunteer) of those who received the weekly number of invitations already.

    An uncorrelated subquery: PostgreSQL hashes it once instead of probing per volunteer."""
    return (
        Assignment.objects.filter(is_offer=False, created_at__gte=now - BUDGET_WINDOW)
        .values("volunteer")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.MATCHING_WEEKLY_INVITATIONS)
        .values("volunteer")
    )


def with_distance_to(queryset: QuerySet, town_id: int) -> QuerySet:
    """Volunteers or requests annotated with `km`: from their town to the given one, through
    the distance table's unique index."""
    return queryset.annotate(
        distance=FilteredRelation("town__distances", condition=Q(town__distances__to_town=town_id)),
        km=F("distance__km"),
    )


@dataclass(frozen=True)
class Step:
    """One hard filter on the way to volunteers_eligible: `profiles` is who remains after it
    (and every step before it); `requirement` is set for the request's requirements."""

    key: str
    profiles: QuerySet[VolunteerProfile]
    requirement: Requirement | None = None


def requirement_key(requirement: Requirement) -> str:
    return getattr(requirement, "key", type(requirement).__name__)


def volunteer_filter_steps(help_request: HelpRequest, *, now: dt.datetime) -> list[Step]:
    """The hard filters of volunteers_eligible one by one, each step narrowing the one before:
    contactable ("contactable"), within their travel radius of the request's town ("reach"),
    the request's requirements in REQUIREMENTS order (those the request does not set are left
    out), invitations left this week ("budget"), not yet on the request ("asked"). The last
    step's profiles are volunteers_eligible; matching.funnel counts every step."""
    profiles = contactable_profiles()
    steps = [Step("contactable", profiles)]
    profiles = with_distance_to(profiles, help_request.town_id).filter(
        km__lte=F("travel_radius_km")
    )
    steps.append(Step("reach", profiles))
    for requirement in REQUIREMENTS:
        narrowed = requirement.filter_volunteers(profiles, help_request)
        if narrowed is not profiles:
            profiles = narrowed
            steps.append(Step(requirement_key(requirement), profiles, requirement))
    profiles = profiles.exclude(user__in=invited_to_limit(now=now))
    steps.append(Step("budget", profiles))
    profiles = profiles.exclude(
        user__in=Assignment.objects.filter(help_request=help_request).values("volunteer")
    )
    steps.append(Step("asked", profiles))
    return steps


def volunteers_eligible(
    help_request: HelpRequest, *, now: dt.datetime
) -> QuerySet[VolunteerProfile]:
    """Every volunteer who may be invited to the request, with `km`: the distance from their
    town to the request's town (within their travel radius).

    Excluded besides the requirements: anybody whose invitation budget for the week is used
    up, and anybody with an assignment on the request in any status (invited, offering,
    helping, or having declined or withdrawn: they know the request and answered). The
    filters, step by step: volunteer_filter_steps."""
    return volunteer_filter_steps(help_request, now=now)[-1].profiles


def requests_eligible(profile: VolunteerProfile, *, today: dt.date) -> QuerySet[HelpRequest]:
    """Every open request with a free place that the volunteer may offer to help with, with
    `km`: the distance from the request's town to the volunteer's (within their radius).
    Requests the volunteer has had any assignment on are left out."""
    open_requests = HelpRequest.objects.filter(
        status=HelpRequest.Status.OPEN,
        open_until__gte=today,
        confirmed_count__lt=F("helpers_needed"),
    )
    requests = (
        with_distance_to(open_requests, profile.town_id)
        .filter(km__lte=profile.travel_radius_km)
        .exclude(pk__in=Assignment.objects.filter(volunteer=profile.user_id).values("help_request"))
    )
    return _apply_requirements(requests, "filter_requests", profile)


def completed_qualifications(user_id) -> QuerySet:
    """Qualification ids the volunteer holds: a valid (not revoked) Teilnahmebescheinigung of
    a training that proves it. Certificates go only to those present at every session, so a
    certificate is what "completed" means."""
    return TrainingCertificate.objects.filter(
        registration__volunteer=user_id,
        revoked_at__isnull=True,
        registration__training__qualification__isnull=False,
    ).values("registration__training__qualification")


@register_requirement
class QualificationRequirement:
    """The training a request requires (its qualification), completed."""

    key = "qualification"

    def filter_volunteers(
        self, profiles: QuerySet[VolunteerProfile], help_request: HelpRequest
    ) -> QuerySet[VolunteerProfile]:
        if help_request.required_qualification_id is None:
            return profiles
        return profiles.filter(
            Exists(
                TrainingCertificate.objects.filter(
                    registration__volunteer=OuterRef("user"),
                    registration__training__qualification=help_request.required_qualification_id,
                    revoked_at__isnull=True,
                )
            )
        )

    def filter_requests(
        self, requests: QuerySet[HelpRequest], profile: VolunteerProfile
    ) -> QuerySet[HelpRequest]:
        return requests.filter(
            Q(required_qualification__isnull=True)
            | Q(required_qualification__in=completed_qualifications(profile.user_id))
        )
