"""Many volunteers and requests at once, with bulk inserts: the property-based and the
planted-candidate tests build hundreds to thousands of rows per test, which the factories (a
few queries per object) would make slow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.utils import timezone

from backend.accounts.models import User
from volunteers.models import (
    Assignment,
    Consent,
    FuehrungszeugnisRecord,
    HelpRequest,
    HelpRequestLanguage,
    Organisation,
    Town,
    VolunteerLanguage,
    VolunteerProfile,
)
from volunteers.services.consents import consent_text_version


@dataclass(frozen=True)
class Volunteer:
    """Everything a hard filter or a score reads about a volunteer."""

    town: str | None = "Ahlen"
    languages: dict[str, int] = field(default_factory=lambda: {"de": 3})
    areas: tuple[str, ...] = ()  # activity area slugs
    availability: int = 0
    radius: int = 10
    active: bool = True
    verified: bool = True
    complete: bool = True
    consent: str = "given"  # "given", "withdrawn" or "none"
    fz_issued: dt.date | None = None


@dataclass(frozen=True)
class Request:
    town: str = "Ahlen"
    area: str = "dolmetschen-sprachmittlung"
    languages: dict[str, int] = field(default_factory=dict)
    schedule: str = HelpRequest.Schedule.FLEXIBLE
    starts_at: dt.datetime | None = None
    weekly_slots: int = 0
    helpers_needed: int = 1
    confirmed_count: int = 0
    requires_fuehrungszeugnis: bool = False
    status: str = HelpRequest.Status.OPEN
    open_until: dt.date | None = None  # default: in 30 days


@dataclass(frozen=True)
class Link:
    """An assignment of volunteer `volunteer` (index) on request `request` (index)."""

    volunteer: int
    request: int
    status: str
    invited: bool
    created_at: dt.datetime


def create_volunteers(
    specs: list[Volunteer], *, towns: dict[str, Town], area_ids: dict[str, int], prefix: str = "v"
) -> list[User]:
    """Users with profiles as specified, in the order given (ascending pks)."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@example.org", password="!", is_active=spec.active)
        for n, spec in enumerate(specs)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=spec.verified, primary=True)
        for user, spec in zip(users, specs, strict=True)
    )
    version = consent_text_version(Consent.Kind.CONTACT)
    Consent.objects.bulk_create(
        Consent(
            user=user,
            kind=Consent.Kind.CONTACT,
            text_version=version,
            withdrawn_at=now if spec.consent == "withdrawn" else None,
        )
        for user, spec in zip(users, specs, strict=True)
        if spec.consent != "none"
    )
    FuehrungszeugnisRecord.objects.bulk_create(
        FuehrungszeugnisRecord(
            volunteer=user, certificate_date=spec.fz_issued, seen_on=spec.fz_issued
        )
        for user, spec in zip(users, specs, strict=True)
        if spec.fz_issued is not None
    )
    profiles = VolunteerProfile.objects.bulk_create(
        VolunteerProfile(
            user=user,
            town=towns[spec.town] if spec.town else None,
            availability=spec.availability,
            travel_radius_km=spec.radius,
            onboarding_completed_at=now if spec.complete else None,
        )
        for user, spec in zip(users, specs, strict=True)
    )
    VolunteerLanguage.objects.bulk_create(
        VolunteerLanguage(profile=profile, code=code, level=level)
        for profile, spec in zip(profiles, specs, strict=True)
        for code, level in spec.languages.items()
    )
    through = VolunteerProfile.activity_areas.through
    through.objects.bulk_create(
        through(volunteerprofile_id=profile.pk, activityarea_id=area_ids[slug])
        for profile, spec in zip(profiles, specs, strict=True)
        for slug in spec.areas
    )
    return users


def create_requests(
    specs: list[Request], *, towns: dict[str, Town], area_ids: dict[str, int]
) -> list[HelpRequest]:
    today = timezone.localdate()
    organisation = Organisation.objects.create(
        name="Bulk", kind=Organisation.Kind.INITIATIVE, town=towns["Ahlen"], contact_email="x@y.z"
    )
    requests = HelpRequest.objects.bulk_create(
        HelpRequest(
            organisation=organisation,
            title=f"Request {n}",
            description="",
            activity_area_id=area_ids[spec.area],
            town=towns[spec.town],
            schedule=spec.schedule,
            starts_at=spec.starts_at,
            weekly_slots=spec.weekly_slots,
            helpers_needed=spec.helpers_needed,
            confirmed_count=spec.confirmed_count,
            requires_fuehrungszeugnis=spec.requires_fuehrungszeugnis,
            status=spec.status,
            open_until=spec.open_until or today + dt.timedelta(days=30),
        )
        for n, spec in enumerate(specs)
    )
    HelpRequestLanguage.objects.bulk_create(
        HelpRequestLanguage(help_request=help_request, code=code, min_level=level)
        for help_request, spec in zip(requests, specs, strict=True)
        for code, level in spec.languages.items()
    )
    return requests


def create_links(
    links: list[Link], *, users: list[User], requests: list[HelpRequest], coordinator: User
) -> None:
    Assignment.objects.bulk_create(
        Assignment(
            help_request=requests[link.request],
            volunteer=users[link.volunteer],
            status=link.status,
            invited_by=coordinator if link.invited else None,
            created_at=link.created_at,
            confirmed_at=link.created_at if link.status == "confirmed" else None,
        )
        for link in links
    )
