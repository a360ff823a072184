"""The score parts as SQL expressions, so that ranking, ordering and LIMIT happen in the database.

Every part is a float from 0 to 1 (see MATCHING_WEIGHTS in settings for what each means); the
total is the weighted sum. Parts that depend on other tables use uncorrelated `IN (SELECT ...)`
subqueries: PostgreSQL builds one hash per query instead of probing an index once per row, which
is what keeps ranking 100,000 volunteers fast. Expressions are written to give the same numbers
on SQLite and PostgreSQL (integer bit tests, explicit float casts).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import add, or_
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    Expression,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractHour, ExtractIsoWeekDay, NullIf
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThan

from volunteers.models import (
    ALL_SLOTS,
    Assignment,
    HelpRequest,
    HelpRequestLanguage,
    LanguageLevel,
    VolunteerLanguage,
    VolunteerProfile,
    slot_bit,
)

PARTS = ("activity", "language", "distance", "availability", "fairness")
NEUTRAL = 0.5
# How far back asking counts for fairness, and how often is "often".
RECENT = dt.timedelta(days=30)
OFTEN = 3
# Day parts of a single date: morning before 12:00, afternoon before 17:00, then evening.
DAY_PART_ENDS = (12, 17)
BUSY_STATUSES = [HelpRequest.Status.OPEN, HelpRequest.Status.FILLED]


def _float(value: float) -> Value:
    return Value(float(value), output_field=FloatField())


def _as_float(expression: Expression | F) -> Cast:
    return Cast(expression, FloatField())


def level_score(level: int) -> float:
    """Basic 0, fluent 0.5, native 1."""
    return (level - LanguageLevel.BASIC) / (LanguageLevel.NATIVE - LanguageLevel.BASIC)


def bits(mask: int) -> list[int]:
    """The single-bit values set in a weekly mask."""
    return [1 << n for n in range(ALL_SLOTS.bit_length()) if mask & (1 << n)]


def day_part(hour: int) -> int:
    return sum(hour >= end for end in DAY_PART_ENDS)


def request_slots(help_request: HelpRequest) -> int | None:
    """The weekly slots a request takes, or None when its time does not narrow anything down
    (flexible, or weekly without slots)."""
    if help_request.schedule == HelpRequest.Schedule.ONCE and help_request.starts_at:
        local = help_request.starts_at.astimezone(ZoneInfo(settings.TIME_ZONE))
        return slot_bit(local.weekday(), day_part(local.hour))
    if help_request.schedule == HelpRequest.Schedule.WEEKLY and help_request.weekly_slots:
        return help_request.weekly_slots
    return None


def _count_bits(field: str, mask: int) -> Expression:
    """How many bits of `mask` are set in the integer column: (col & b) / b is 0 or 1."""
    terms = [F(field).bitand(bit) / Value(bit) for bit in bits(mask)]
    return reduce(add, terms) if terms else Value(0)


def total(parts: dict[str, Expression]) -> Expression:
    weights = settings.MATCHING_WEIGHTS
    return reduce(add, [_float(weights[name]) * parts[name] for name in PARTS])


# --- Volunteers for a request ----------------------------------------------------------------


def volunteer_parts(help_request: HelpRequest, *, now: dt.datetime) -> dict[str, Expression]:
    """The parts for ranking VolunteerProfile rows annotated with `km` (filters.py)."""
    areas = VolunteerProfile.activity_areas.through.objects.filter(
        activityarea_id=help_request.activity_area_id
    ).values("volunteerprofile_id")
    return {
        "activity": Case(
            When(pk__in=areas, then=_float(1)), default=_float(0), output_field=FloatField()
        ),
        "language": _volunteer_language(help_request),
        "distance": Case(
            When(km=0, then=_float(1)),
            default=_float(1) - _as_float(F("km")) / _as_float(NullIf(F("travel_radius_km"), 0)),
            output_field=FloatField(),
        ),
        "availability": _volunteer_availability(help_request),
        "fairness": _volunteer_fairness(now=now),
    }


def _volunteer_language(help_request: HelpRequest) -> Expression:
    languages = list(help_request.languages.all())
    if not languages:
        return _float(NEUTRAL)
    per_language = []
    for language in languages:
        # The hard filter guarantees at least min_level; only the levels above earn points.
        levels = [
            When(
                pk__in=VolunteerLanguage.objects.filter(code=language.code, level=level).values(
                    "profile_id"
                ),
                then=_float(level_score(level)),
            )
            for level in (LanguageLevel.NATIVE, LanguageLevel.FLUENT)
        ]
        per_language.append(Case(*levels, default=_float(0), output_field=FloatField()))
    return reduce(add, per_language) / _float(len(languages))


def _volunteer_availability(help_request: HelpRequest) -> Expression:
    slots = request_slots(help_request)
    if slots is None:
        return _float(NEUTRAL)
    return _as_float(_count_bits("availability", slots)) / _float(len(bits(slots)))


def recently_asked(*, now: dt.datetime, at_least: int = 1) -> Subquery:
    """Volunteers with at least `at_least` assignments (invited or offered) in the last 30 days."""
    return (
        Assignment.objects.filter(created_at__gte=now - RECENT)
        .values("volunteer")
        .annotate(n=Count("pk"))
        .filter(n__gte=at_least)
        .values("volunteer")
    )


def busy() -> Subquery:
    """Volunteers confirmed on a request that is still running."""
    return Assignment.objects.filter(
        status=Assignment.Status.CONFIRMED, help_request__status__in=BUSY_STATUSES
    ).values("volunteer")


def _volunteer_fairness(*, now: dt.datetime) -> Expression:
    """Half for not being asked much lately (1, 0.5 when asked, 0 when asked often), half for
    not being busy."""
    asked = Case(
        When(user__in=recently_asked(now=now, at_least=OFTEN), then=_float(0)),
        When(user__in=recently_asked(now=now), then=_float(0.5)),
        default=_float(1),
        output_field=FloatField(),
    )
    idle = Case(When(user__in=busy(), then=_float(0)), default=_float(1), output_field=FloatField())
    return (asked + idle) / _float(2)


# --- Requests for a volunteer ----------------------------------------------------------------


def request_parts(profile: VolunteerProfile) -> dict[str, Expression]:
    """The parts for ranking HelpRequest rows annotated with `km` (filters.py). `profile` comes
    with its languages and activity areas loaded."""
    radius = profile.travel_radius_km
    return {
        "activity": Case(
            When(
                activity_area__in=[area.pk for area in profile.activity_areas.all()],
                then=_float(1),
            ),
            default=_float(0),
            output_field=FloatField(),
        ),
        "language": _request_language(profile),
        "distance": (
            _float(1) - _as_float(F("km")) / _float(radius) if radius else _float(1)
        ),  # radius 0: only the own town passed the filter
        "availability": _request_availability(profile),
        "fairness": _float(1) - _as_float(F("confirmed_count")) / _as_float(F("helpers_needed")),
    }


def _request_language(profile: VolunteerProfile) -> Expression:
    """The average level score over the request's languages (neutral if it needs none)."""
    score = Case(
        *[
            When(code=language.code, then=_float(level_score(language.level)))
            for language in profile.languages.all()
        ],
        default=_float(0),
        output_field=FloatField(),
    )
    average = (
        HelpRequestLanguage.objects.filter(help_request=OuterRef("pk"))
        .values("help_request")
        .annotate(average=Avg(score))
        .values("average")
    )
    return Coalesce(Subquery(average, output_field=FloatField()), _float(NEUTRAL))


def _request_availability(profile: VolunteerProfile) -> Expression:
    """Weekly: the share of the request's slots the volunteer is available in. Single date: 1
    if its weekday and part of the day (in the district's time zone) is one of the volunteer's
    slots. Otherwise neutral."""
    zone = ZoneInfo(settings.TIME_ZONE)
    weekday = ExtractIsoWeekDay("starts_at", tzinfo=zone)
    hour = ExtractHour("starts_at", tzinfo=zone)
    bounds = [0, *DAY_PART_ENDS, 24]
    on_date = [
        Exact(weekday, day + 1)
        & GreaterThanOrEqual(hour, bounds[part])
        & LessThan(hour, bounds[part + 1])
        for day in range(7)
        for part in range(len(DAY_PART_ENDS) + 1)
        if profile.availability & slot_bit(day, part)
    ]
    once = (
        Case(When(reduce(or_, on_date), then=_float(1)), default=_float(0))
        if on_date
        else _float(0)
    )
    return Case(
        When(Q(schedule=HelpRequest.Schedule.ONCE, starts_at__isnull=False), then=once),
        When(
            Q(schedule=HelpRequest.Schedule.WEEKLY, weekly_slots__gt=0),
            then=_as_float(_count_bits("weekly_slots", profile.availability))
            / _as_float(_count_bits("weekly_slots", ALL_SLOTS)),
        ),
        default=_float(NEUTRAL),
        output_field=FloatField(),
    )
