"""Reads for the KI staff pages of the volunteers app. Every list here takes a fixed number of
queries, however many rows it has (tests/volunteers_staff/test_query_budgets.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from .models import (
    DAY_PARTS,
    WEEKDAYS,
    ActivityArea,
    AnonymousHours,
    Assignment,
    Consent,
    FuehrungszeugnisRecord,
    HelpRequest,
    HoursEntry,
    Membership,
    Organisation,
    Town,
    VolunteerLanguage,
    VolunteerProfile,
)

FZ_NONE = "none"
FZ_VALID = "valid"
FZ_EXPIRING = "expiring"
FZ_EXPIRED = "expired"
# A Führungszeugnis that runs out within this many days is shown as "expiring soon".
FZ_EXPIRING_WITHIN_DAYS = 90


# --- Organisations --------------------------------------------------------------------------


PENDING = Q(verified_at__isnull=True, rejected_at__isnull=True)


def organisation_list_for_staff(*, status: str = "", q: str = "") -> QuerySet[Organisation]:
    """Every organisation, pending ones first (oldest registration first: a work queue), then
    the verified and the rejected ones by name; with town, verifier, registrant and
    coordinators loaded. `status`: "pending", "verified" or "rejected" (else all)."""
    rows = (
        Organisation.objects.select_related("town", "verified_by", "rejected_by", "registered_by")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by("created_at", "pk"),
            )
        )
        .annotate(
            pending_rank=Case(
                When(PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            pending_since=Case(
                When(PENDING, then=F("created_at")),
                default=None,
                output_field=DateTimeField(),
            ),
        )
        .order_by("pending_rank", "pending_since", Lower("name"), "pk")
    )
    if status == "pending":
        rows = rows.filter(PENDING)
    elif status == "verified":
        rows = rows.filter(verified_at__isnull=False)
    elif status == "rejected":
        rows = rows.filter(verified_at__isnull=True, rejected_at__isnull=False)
    if q:
        rows = rows.filter(name__icontains=q)
    return rows


def organisation_pending_count() -> int:
    """Registrations waiting for the KI's check (rejected ones wait for nothing)."""
    return Organisation.objects.filter(PENDING).count()


def organisation_get_for_staff(*, organisation_id: int) -> Organisation:
    """One organisation with everything the check needs (404 when there is none)."""
    organisation = organisation_list_for_staff().filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation


def organisation_history(organisation: Organisation) -> list:
    """The audit rows of the organisation's check (registered, verified, rejected), oldest
    first, with who acted."""
    from django.contrib.contenttypes.models import ContentType

    from backend.models import StatusChange

    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Organisation),
            object_id=organisation.pk,
        )
        .select_related("actor")
        .order_by("at", "pk")
    )


# --- Volunteers -----------------------------------------------------------------------------


def volunteer_search_for_staff(
    *,
    q: str = "",
    town: str = "",
    language: str = "",
    min_level: int | None = None,
    activity: str = "",
) -> QuerySet[VolunteerProfile]:
    """Volunteers of active accounts by name, with what the staff list shows.

    `language` with `min_level` means: speaks this language at least at this level (both
    conditions on the same language row)."""
    rows = (
        VolunteerProfile.objects.filter(user__is_active=True)
        .select_related("user", "town", "user__fuehrungszeugnis")
        .prefetch_related(
            Prefetch("languages", queryset=VolunteerLanguage.objects.order_by("-level", "code")),
            Prefetch("activity_areas", queryset=ActivityArea.objects.order_by("position", "slug")),
        )
        .order_by(Lower("user__full_name"), "user__email", "pk")
    )
    if q:
        rows = rows.filter(Q(user__full_name__icontains=q) | Q(user__email__icontains=q))
    if town:
        rows = rows.filter(town__slug=town)
    if language:
        rows = rows.filter(languages__code=language, languages__level__gte=min_level or 1)
    if activity:
        rows = rows.filter(activity_areas__slug=activity)
    return rows


def fuehrungszeugnis_state(record: FuehrungszeugnisRecord | None, *, on: dt.date) -> str:
    """ "none", "valid" or "expired" on the given day (the words of the audit trail, too)."""
    if record is None:
        return FZ_NONE
    return FZ_VALID if record.is_valid(on) else FZ_EXPIRED


@dataclass(frozen=True)
class FzStatus:
    """What the staff pages show about a Führungszeugnis on a given day."""

    state: str  # "none", "valid", "expiring", "expired"
    valid_until: dt.date | None  # the first day it is no longer valid

    @property
    def last_valid_day(self) -> dt.date | None:
        return self.valid_until - dt.timedelta(days=1) if self.valid_until else None


def fuehrungszeugnis_status(profile: VolunteerProfile, *, today: dt.date) -> FzStatus:
    """From the record loaded with the profile (select_related "user__fuehrungszeugnis"):
    no query."""
    record = getattr(profile.user, "fuehrungszeugnis", None)
    state = fuehrungszeugnis_state(record, on=today)
    if record is None:
        return FzStatus(state=state, valid_until=None)
    if state == FZ_VALID and record.valid_until <= today + dt.timedelta(
        days=FZ_EXPIRING_WITHIN_DAYS
    ):
        state = FZ_EXPIRING
    return FzStatus(state=state, valid_until=record.valid_until)


def volunteer_get_for_staff(*, user_id: int) -> VolunteerProfile:
    """One volunteer's profile with languages, areas and Führungszeugnis record. Raises Http404
    for an account without a volunteer profile."""
    profile = (
        VolunteerProfile.objects.select_related(
            "user", "town", "user__fuehrungszeugnis", "user__fuehrungszeugnis__recorded_by"
        )
        .prefetch_related(
            Prefetch("languages", queryset=VolunteerLanguage.objects.order_by("-level", "code")),
            Prefetch("activity_areas", queryset=ActivityArea.objects.order_by("position", "slug")),
        )
        .filter(user_id=user_id)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def volunteer_facts_for_staff(*, profile: VolunteerProfile, year: int) -> dict:
    """The volunteer's active consents, confirmed assignments and confirmed hours this year
    (three queries)."""
    user = profile.user
    consents = set(Consent.objects.in_force().filter(user=user).values_list("kind", flat=True))
    confirmed = Assignment.objects.filter(
        volunteer=user, status=Assignment.Status.CONFIRMED
    ).count()
    hours = HoursEntry.objects.filter(
        assignment__volunteer=user, status=HoursEntry.Status.CONFIRMED, date__year=year
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return {
        "consents": [
            {"kind": kind, "label": label, "given": kind in consents}
            for kind, label in Consent.Kind.choices
        ],
        "confirmed_assignments": confirmed,
        "hours_this_year": hours,
    }


def availability_grid(profile: VolunteerProfile) -> list[dict]:
    """The weekly availability as rows (weekday) of booleans (morning, afternoon, evening)."""
    return [
        {
            "weekday": name,
            "parts": [profile.available(day, part) for part in range(len(DAY_PARTS))],
        }
        for day, name in enumerate(WEEKDAYS)
    ]


# --- Overview per town ----------------------------------------------------------------------


@dataclass
class TownFigures:
    name: str
    slug: str = ""
    open_requests: int = 0
    filled_requests: int = 0
    complete_volunteers: int = 0
    confirmed_hours: Decimal = field(default_factory=lambda: Decimal(0))

    def add(self, other: TownFigures) -> None:
        self.open_requests += other.open_requests
        self.filled_requests += other.filled_requests
        self.complete_volunteers += other.complete_volunteers
        self.confirmed_hours += other.confirmed_hours

    @property
    def is_empty(self) -> bool:
        return not (
            self.open_requests
            or self.filled_requests
            or self.complete_volunteers
            or self.confirmed_hours
        )


def town_overview(*, year: int | None = None) -> dict:
    """Per town: open and filled help requests (now), volunteers with a complete profile
    (active accounts), and confirmed hours worked in `year` where the help took place (the
    request's town), plus the anonymised hours of deleted accounts for that year.

    Five queries whatever the number of towns: one aggregate per figure, merged here.
    Returns {"year", "rows": [TownFigures per town, by name], "unknown": TownFigures for
    data without a town (None when there is none), "total": TownFigures}."""
    year = year or timezone.localdate().year
    towns = list(Town.objects.order_by("name").values_list("pk", "name", "slug"))
    rows: dict[int | None, TownFigures] = {
        pk: TownFigures(name=name, slug=slug) for pk, name, slug in towns
    }
    unknown = TownFigures(name="")

    def row(town_id: int | None) -> TownFigures:
        return rows.get(town_id, unknown)

    requests = (
        HelpRequest.objects.filter(status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.FILLED])
        .values("town_id")
        .annotate(
            open=Count("pk", filter=Q(status=HelpRequest.Status.OPEN)),
            filled=Count("pk", filter=Q(status=HelpRequest.Status.FILLED)),
        )
        .order_by()
    )
    for item in requests:
        row(item["town_id"]).open_requests += item["open"]
        row(item["town_id"]).filled_requests += item["filled"]

    volunteers = (
        VolunteerProfile.objects.filter(onboarding_completed_at__isnull=False, user__is_active=True)
        .values("town_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for item in volunteers:
        row(item["town_id"]).complete_volunteers += item["n"]

    hours = (
        HoursEntry.objects.filter(status=HoursEntry.Status.CONFIRMED, date__year=year)
        .values("assignment__help_request__town_id")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for item in hours:
        row(item["assignment__help_request__town_id"]).confirmed_hours += item["total"]

    anonymous = (
        AnonymousHours.objects.filter(year=year)
        .values("town_id")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for item in anonymous:
        row(item["town_id"]).confirmed_hours += item["total"] or Decimal(0)

    total = TownFigures(name="")
    for figures in [*rows.values(), unknown]:
        total.add(figures)
    return {
        "year": year,
        "rows": list(rows.values()),
        "unknown": None if unknown.is_empty else unknown,
        "total": total,
    }
