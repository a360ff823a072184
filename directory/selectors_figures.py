"""Figures per town for the AG Integration: counts and sums only, never a person.

What is counted (the same definitions as volunteers.selectors_staff.town_overview, so the two
pages agree for the same year):
- volunteers: profiles of active accounts with completed onboarding, by their home town, as of
  today (the year does not apply); with breakdowns per language and per activity area.
- help requests: by the request's town; published = every request that left the draft state,
  open / filled = its status today. With a year, only requests published in that year.
- hours: confirmed hours worked on help requests in the town (the request's town), plus the
  anonymised hours of deleted accounts (AnonymousHours); with a year, hours of that year.
- trainings attended: confirmed registrations of volunteers living in the town who were present
  at every session of the training (the rule for a Teilnahmebescheinigung); with a year,
  trainings that started in that year.
- KOMM-AN applications: by the project's town; submitted = every application that was ever
  submitted; approved / rejected = signed decisions; money committed = the approved amounts of
  signed approvals. A proposal nobody signed yet counts as submitted only. With a year, the
  funding year (ProgrammeYear.year).

Small-number suppression, so that no volunteer of a small town can be singled out:
- a town's number of volunteers of 1 or 2 is shown as "weniger als 3"
  (TownFigures.volunteers_shown is None; `volunteers` stays exact for the district total);
- in the language and activity-area breakdowns a count of 1 or 2 is never handed out
  (Breakdown.count is None, shown as "weniger als 3");
- complementary suppression: where exactly one cell of a breakdown (or one town of the
  overview) is hidden, the smallest shown one is hidden too ("nicht ausgewiesen"), so the
  hidden cell cannot be worked out from the total and the other cells.

A constant number of queries whatever the number of towns: one aggregate per figure, grouped
by town, merged here (tests/directory_figures/test_selectors.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import translation

from funding.models import Application
from volunteers.languages import language_name
from volunteers.models import (
    AnonymousHours,
    Attendance,
    HelpRequest,
    HoursEntry,
    Registration,
    Town,
    TrainingSession,
    VolunteerLanguage,
    VolunteerProfile,
)

# Counts from 1 up to (not including) this are suppressed in the breakdowns.
SUPPRESS_BELOW = 3
SIGNED_APPROVAL_STATUSES = (
    Application.Status.APPROVED,
    Application.Status.PROOF_SUBMITTED,
    Application.Status.CLOSED,
)


@dataclass(frozen=True)
class Breakdown:
    """One line of a breakdown: a language or an activity area and how many volunteers.
    `count` is None when it is 1 or 2 (suppressed): the exact number never leaves here."""

    key: str
    label: str
    count: int | None
    # Hidden although 3 or more: the complement of a single small cell ("nicht ausgewiesen").
    complement: bool = False

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass
class TownFigures:
    """The figures of one town (or of the district, or of data without a town)."""

    name: str
    slug: str = ""
    volunteers: int = 0
    # What pages and exports show: None for "weniger als 3", or for "nicht ausgewiesen" when
    # volunteers_complement is set (see the module docstring).
    volunteers_shown: int | None = 0
    volunteers_complement: bool = False
    languages: list[Breakdown] = field(default_factory=list)
    activity_areas: list[Breakdown] = field(default_factory=list)
    requests_published: int = 0
    requests_open: int = 0
    requests_filled: int = 0
    hours: Decimal = field(default_factory=lambda: Decimal(0))
    trainings_attended: int = 0
    applications_submitted: int = 0
    applications_approved: int = 0
    applications_rejected: int = 0
    money_committed: Decimal = field(default_factory=lambda: Decimal(0))

    SUMMED = (
        "volunteers",
        "requests_published",
        "requests_open",
        "requests_filled",
        "hours",
        "trainings_attended",
        "applications_submitted",
        "applications_approved",
        "applications_rejected",
        "money_committed",
    )

    def add(self, other: TownFigures) -> None:
        for name in self.SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.SUMMED)


@dataclass
class FiguresOverview:
    """All towns side by side: `rows` by town name, `unknown` for data without a town (None
    when there is none), `total` for the district (without breakdowns, see _figures)."""

    year: int | None
    rows: list[TownFigures]
    unknown: TownFigures | None
    total: TownFigures


def suppress(count: int) -> int | None:
    """None for 1 and 2 (shown as "weniger als 3"); 0 and 3 upwards as they are."""
    return None if 0 < count < SUPPRESS_BELOW else count


def hide_complement(counts: dict, hidden: set) -> set:
    """The keys to hide: `hidden`, plus the smallest shown non-zero count when exactly one is
    hidden (a single hidden cell could be computed from the total and the others)."""
    if len(hidden) != 1:
        return set(hidden)
    shown = sorted((n, str(key)) for key, n in counts.items() if n and key not in hidden)
    if not shown:
        return set(hidden)
    smallest = shown[0][1]
    return set(hidden) | {key for key in counts if str(key) == smallest}


def _breakdown(counts: dict[str, int], labels: dict[str, str]) -> list[Breakdown]:
    """Largest first (suppressed ones last, by label), so the order tells nothing either."""
    counts = {key: n for key, n in counts.items() if n}
    hidden = hide_complement(counts, {key for key, n in counts.items() if suppress(n) is None})
    rows = [
        Breakdown(
            key,
            labels.get(key, key),
            None if key in hidden else n,
            complement=key in hidden and suppress(n) is not None,
        )
        for key, n in counts.items()
    ]
    return sorted(rows, key=lambda b: (b.count is None, -(b.count or 0), b.label.lower()))


def _suppress_volunteers(figures: list[TownFigures]) -> None:
    """Each town's volunteers_shown, with the complement hidden across the towns listed."""
    counts = {index: f.volunteers for index, f in enumerate(figures)}
    hidden = hide_complement(counts, {index for index, n in counts.items() if suppress(n) is None})
    for index, f in enumerate(figures):
        f.volunteers_shown = None if index in hidden else f.volunteers
        f.volunteers_complement = index in hidden and suppress(f.volunteers) is not None


def _figures(*, towns: Iterable[Town] | None, year: int | None) -> FiguresOverview:
    """The figures of `towns` (None: every town): eight queries whatever their number, one
    more to list every town."""
    if towns is None:
        town_rows = list(Town.objects.order_by("name").values_list("pk", "name", "slug"))
        town_ids = None
    else:
        town_rows = sorted(((t.pk, t.name, t.slug) for t in towns), key=lambda r: r[1])
        town_ids = [pk for pk, _name, _slug in town_rows]
    rows: dict[int, TownFigures] = {pk: TownFigures(name=n, slug=s) for pk, n, s in town_rows}
    unknown = TownFigures(name="")

    def row(town_id: int | None) -> TownFigures:
        if town_id in rows:
            return rows[town_id]
        return unknown

    def in_towns(lookup: str) -> Q:
        # All towns: also what has no town (it goes to `unknown`); else just those towns.
        return Q() if town_ids is None else Q(**{f"{lookup}__in": town_ids})

    # Raw breakdown counts stay local: only suppressed values are put on the figures.
    language_counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    area_counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    area_labels: dict[str, str] = {}

    volunteers = VolunteerProfile.objects.filter(
        in_towns("town_id"), onboarding_completed_at__isnull=False, user__is_active=True
    )
    for item in volunteers.values("town_id").annotate(n=Count("pk")).order_by():
        row(item["town_id"]).volunteers += item["n"]

    languages = (
        VolunteerLanguage.objects.filter(profile__in=volunteers)
        .values("profile__town_id", "code")
        .annotate(n=Count("profile_id", distinct=True))
        .order_by()
    )
    for item in languages:
        language_counts[_key(item["profile__town_id"], rows)][item["code"]] += item["n"]

    english = translation.get_language() == "en"
    areas = (
        volunteers.filter(activity_areas__isnull=False)
        .values(
            "town_id",
            "activity_areas__slug",
            "activity_areas__name_de",
            "activity_areas__name_en",
        )
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for item in areas:
        slug = item["activity_areas__slug"]
        area_labels[slug] = item[
            "activity_areas__name_en" if english else "activity_areas__name_de"
        ]
        area_counts[_key(item["town_id"], rows)][slug] += item["n"]

    published = Q(status__in=[s for s in HelpRequest.Status.values if s != "draft"])
    requests = HelpRequest.objects.filter(in_towns("town_id"), published)
    if year is not None:
        requests = requests.annotate(
            published_year=ExtractYear(Coalesce("opened_at", "created_at"))
        ).filter(published_year=year)
    for item in (
        requests.values("town_id")
        .annotate(
            published=Count("pk"),
            open=Count("pk", filter=Q(status=HelpRequest.Status.OPEN)),
            filled=Count("pk", filter=Q(status=HelpRequest.Status.FILLED)),
        )
        .order_by()
    ):
        figures = row(item["town_id"])
        figures.requests_published += item["published"]
        figures.requests_open += item["open"]
        figures.requests_filled += item["filled"]

    hours = HoursEntry.objects.filter(
        in_towns("assignment__help_request__town_id"), status=HoursEntry.Status.CONFIRMED
    )
    anonymous = AnonymousHours.objects.filter(in_towns("town_id"))
    if year is not None:
        hours = hours.filter(date__year=year)
        anonymous = anonymous.filter(year=year)
    for item in (
        hours.values("assignment__help_request__town_id").annotate(total=Sum("hours")).order_by()
    ):
        row(item["assignment__help_request__town_id"]).hours += item["total"] or Decimal(0)
    for item in anonymous.values("town_id").annotate(total=Sum("hours")).order_by():
        row(item["town_id"]).hours += item["total"] or Decimal(0)

    sessions = TrainingSession.objects.filter(training_id=OuterRef("training_id"))
    missed = TrainingSession.objects.filter(training_id=OuterRef("training_id")).exclude(
        Exists(
            Attendance.objects.filter(
                session_id=OuterRef("pk"), registration_id=OuterRef(OuterRef("pk")), present=True
            )
        )
    )
    attended = Registration.objects.filter(
        in_towns("volunteer__volunteer_profile__town_id"),
        Exists(sessions),
        ~Exists(missed),
        status=Registration.Status.CONFIRMED,
        volunteer__volunteer_profile__isnull=False,
    )
    if year is not None:
        attended = attended.filter(training__first_starts_at__year=year)
    for item in (
        attended.values("volunteer__volunteer_profile__town_id").annotate(n=Count("pk")).order_by()
    ):
        row(item["volunteer__volunteer_profile__town_id"]).trainings_attended += item["n"]

    signed_approval = Q(
        decision=Application.Decision.APPROVE,
        signed_at__isnull=False,
        status__in=SIGNED_APPROVAL_STATUSES,
    )
    applications = Application.objects.filter(in_towns("town_id"), submitted_at__isnull=False)
    if year is not None:
        applications = applications.filter(programme_year__year=year)
    for item in (
        applications.values("town_id")
        .annotate(
            submitted=Count("pk"),
            approved=Count("pk", filter=signed_approval),
            rejected=Count(
                "pk", filter=Q(status=Application.Status.REJECTED, signed_at__isnull=False)
            ),
            committed=Sum("approved_amount", filter=signed_approval),
        )
        .order_by()
    ):
        figures = row(item["town_id"])
        figures.applications_submitted += item["submitted"]
        figures.applications_approved += item["approved"]
        figures.applications_rejected += item["rejected"]
        figures.money_committed += item["committed"] or Decimal(0)

    # The district total has no breakdowns: with exact district counts, one suppressed town
    # could be worked out from the others (complementary disclosure).
    total = TownFigures(name="")
    language_labels = {
        code: language_name(code) for counts in language_counts.values() for code in counts
    }
    for key, figures in [*rows.items(), (None, unknown)]:
        figures.languages = _breakdown(language_counts.get(key, {}), language_labels)
        figures.activity_areas = _breakdown(area_counts.get(key, {}), area_labels)
        total.add(figures)
    has_unknown = not unknown.is_empty or unknown.languages or unknown.activity_areas
    _suppress_volunteers([*rows.values(), *([unknown] if has_unknown else [])])
    total.volunteers_shown = suppress(total.volunteers)
    return FiguresOverview(
        year=year,
        rows=list(rows.values()),
        unknown=unknown if has_unknown else None,
        total=total,
    )


def _key(town_id: int | None, rows: dict[int, TownFigures]) -> int | None:
    """The breakdown key of a town id: the id itself, or None for data without a known town."""
    return town_id if town_id in rows else None


def town_figures(town: Town, year: int | None = None) -> TownFigures:
    """One town's figures (eight queries). Whether the user may see them is the caller's
    check (directory.permissions.can_see_town_figures)."""
    return _figures(towns=[town], year=year).rows[0]


def all_towns_figures(year: int | None = None) -> FiguresOverview:
    """Every town side by side, with the district total (nine queries)."""
    return _figures(towns=None, year=year)
