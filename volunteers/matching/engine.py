"""Ranking in two queries: the database scores every eligible candidate and returns the ids of
the best `limit` (ORDER BY score LIMIT n); a second query loads only those rows with their parts,
and the reasons are built from prefetched data. The number of queries does not depend on how
many volunteers or requests there are, and no more than `limit` candidates become objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db.models import Count, Expression, Model, Prefetch, Q, QuerySet
from django.utils import timezone

from volunteers.models import (
    Assignment,
    HelpRequest,
    HelpRequestLanguage,
    VolunteerLanguage,
    VolunteerProfile,
)

from . import filters, scores
from .reasons import History, request_reasons, volunteer_reasons

T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class Suggestion(Generic[T]):
    """A ranked candidate: a VolunteerProfile (for a request) or a HelpRequest (for a
    volunteer), its total score, the parts it is made of (0..1 each, unweighted) and the
    reasons in the language that was active when it was made."""

    item: T
    score: float
    parts: dict[str, float]
    reasons: list[str] = field(default_factory=list)


def _ranking(queryset: QuerySet, parts: dict[str, Expression], limit: int) -> QuerySet:
    """(id, score) of the best `limit` rows, best first (ties: older row first)."""
    return (
        queryset.annotate(score=scores.total(parts))
        .order_by("-score", "pk")
        .values_list("pk", "score")[:limit]
    )


def volunteer_ranking(help_request: HelpRequest, *, limit: int, now: dt.datetime) -> QuerySet:
    """The ranking query of suggest_volunteers (for the benchmark's EXPLAIN, too).
    `help_request` comes with its languages prefetched."""
    return _ranking(
        filters.volunteers_eligible(help_request, now=now),
        scores.volunteer_parts(help_request, now=now),
        limit,
    )


def request_ranking(
    profile: VolunteerProfile,
    *,
    limit: int,
    today: dt.date,
    opened_since: dt.datetime | None = None,
) -> QuerySet:
    """The ranking query of suggest_requests. `profile` comes as _profile_for_ranking loads it.
    With `opened_since`, only requests opened since then (the weekly digest's new ones)."""
    requests = filters.requests_eligible(profile, today=today)
    if opened_since is not None:
        requests = requests.filter(opened_at__gte=opened_since)
    return _ranking(requests, scores.request_parts(profile), limit)


def suggest_volunteers(help_request: HelpRequest, *, limit: int = 20) -> list[Suggestion]:
    """The volunteers best suited to the request, best first, who pass every hard filter
    (filters.volunteers_eligible). Items are VolunteerProfiles with `user`, `town`,
    `languages` and `activity_areas` loaded."""
    now = timezone.now()
    help_request = (
        HelpRequest.objects.select_related("activity_area", "town")
        .prefetch_related("languages")
        .get(pk=help_request.pk)
    )
    score = dict(volunteer_ranking(help_request, limit=limit, now=now))
    ids = list(score)
    if not ids:
        return []
    # The details repeat the ranking's distance join; the parts need its `km`.
    profiles = (
        filters.with_distance_to(VolunteerProfile.objects.filter(pk__in=ids), help_request.town_id)
        .annotate(**_part_annotations(scores.volunteer_parts(help_request, now=now)))
        .select_related("user", "town")
        .prefetch_related(
            Prefetch("languages", queryset=VolunteerLanguage.objects.order_by("-level", "code")),
            "activity_areas",
        )
    )
    by_pk = {profile.pk: profile for profile in profiles}
    histories = _histories([by_pk[pk].user_id for pk in ids], help_request, now=now)
    return [
        Suggestion(
            item=by_pk[pk],
            score=score[pk],
            parts=_parts(by_pk[pk]),
            reasons=volunteer_reasons(
                by_pk[pk], help_request, km=by_pk[pk].km, history=histories[by_pk[pk].user_id]
            ),
        )
        for pk in ids
    ]


def suggest_requests(
    volunteer_user, *, limit: int = 10, opened_since: dt.datetime | None = None
) -> list[Suggestion]:
    """Open requests the volunteer may offer to help with, best first; empty until the
    volunteer has finished onboarding. With `opened_since`, only requests opened since then.
    Items are HelpRequests with `town`, `activity_area`, `organisation` and `languages`
    loaded."""
    profile = _profile_for_ranking(volunteer_user)
    if profile is None:
        return []
    ranking = request_ranking(
        profile, limit=limit, today=timezone.localdate(), opened_since=opened_since
    )
    score = dict(ranking)
    ids = list(score)
    if not ids:
        return []
    requests = (
        filters.with_distance_to(HelpRequest.objects.filter(pk__in=ids), profile.town_id)
        .annotate(**_part_annotations(scores.request_parts(profile)))
        .select_related("town", "activity_area", "organisation")
        .prefetch_related(
            Prefetch("languages", queryset=HelpRequestLanguage.objects.order_by("code"))
        )
    )
    by_pk = {request.pk: request for request in requests}
    return [
        Suggestion(
            item=by_pk[pk],
            score=score[pk],
            parts=_parts(by_pk[pk]),
            reasons=request_reasons(by_pk[pk], profile, km=by_pk[pk].km),
        )
        for pk in ids
    ]


def _profile_for_ranking(volunteer_user) -> VolunteerProfile | None:
    """The volunteer's profile with what the filters and scores read, or None while the
    volunteer cannot be matched (onboarding not finished, account inactive)."""
    if not volunteer_user.is_active:
        return None
    return (
        VolunteerProfile.objects.filter(
            user=volunteer_user, onboarding_completed_at__isnull=False, town__isnull=False
        )
        .select_related("user__fuehrungszeugnis", "town")
        .prefetch_related("languages", "activity_areas")
        .first()
    )


def _part_annotations(parts: dict[str, Expression]) -> dict[str, Expression]:
    return {f"part_{name}": expression for name, expression in parts.items()}


def _parts(row: Model) -> dict[str, float]:
    return {name: float(getattr(row, f"part_{name}")) for name in scores.PARTS}


def _histories(user_ids: list[int], help_request: HelpRequest, *, now) -> dict[int, History]:
    """Per volunteer: assignments in the last 30 days, running confirmed ones, and whether
    they helped before in the request's activity area. One query."""
    rows = (
        Assignment.objects.filter(volunteer__in=user_ids)
        .values("volunteer")
        .annotate(
            asked=Count("pk", filter=Q(created_at__gte=now - scores.RECENT)),
            busy=Count(
                "pk",
                filter=Q(
                    status=Assignment.Status.CONFIRMED,
                    help_request__status__in=scores.BUSY_STATUSES,
                ),
            ),
            experienced=Count(
                "pk",
                filter=Q(
                    confirmed_at__isnull=False,
                    help_request__activity_area=help_request.activity_area_id,
                ),
            ),
        )
    )
    found = {
        row["volunteer"]: History(
            asked_recently=row["asked"], busy_with=row["busy"], experienced=row["experienced"] > 0
        )
        for row in rows
    }
    return {user_id: found.get(user_id, History()) for user_id in user_ids}
