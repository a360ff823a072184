"""Reads of the coordinator side: the organisations of a coordinator, the volunteer search of
a help request, its helpers and their hours. Every list is read in a fixed number of queries.

The two access functions at the top follow volunteers/permissions.py: Http404 for what the user
may not see, PermissionDenied for what they may see but not change. Management pages show
helpers' personal data, so only the organisation's coordinators see them; KI staff with
two-factor (who may see assignments elsewhere) get 403, everybody else 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from .matching.filters import FuehrungszeugnisRequirement, Step
from .matching.filters import contactable_profiles as _contactable_profiles
from .models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Assignment,
    Consent,
    CoordinatorInvitation,
    HelpRequest,
    HoursEntry,
    Membership,
    Organisation,
    VolunteerLanguage,
    VolunteerProfile,
)
from .permissions import is_ki_staff_with_mfa, is_member_of

# How the coordinator's overview orders a request list: what needs attention first.
STATUS_ORDER = ["open", "filled", "draft", "closed", "expired"]


# --- Access ---------------------------------------------------------------------------------


def _members_only(user, organisation: Organisation) -> None:
    if is_member_of(user, organisation):
        return
    if is_ki_staff_with_mfa(user):
        raise PermissionDenied
    raise Http404


def organisation_get_for_coordination(*, user, organisation_id: int) -> Organisation:
    """The organisation, for one of its coordinators. Http404 / PermissionDenied otherwise."""
    organisation = Organisation.objects.select_related("town").filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    _members_only(user, organisation)
    return organisation


def help_request_get_for_coordination(*, user, request_id: int) -> HelpRequest:
    """The help request, for a coordinator of its organisation. Http404 / PermissionDenied
    otherwise (another organisation's coordinators get 404 even for an open request: the
    management pages are not the public request)."""
    help_request = (
        HelpRequest.objects.select_related("organisation", "town", "activity_area")
        .filter(pk=request_id)
        .first()
    )
    if help_request is None:
        raise Http404
    _members_only(user, help_request.organisation)
    return help_request


# --- Organisations --------------------------------------------------------------------------


def _status_order() -> Case:
    return Case(
        *[When(status=status, then=Value(i)) for i, status in enumerate(STATUS_ORDER)],
        default=Value(len(STATUS_ORDER)),
        output_field=IntegerField(),
    )


def _count(queryset: QuerySet) -> Subquery:
    """A correlated COUNT (two Counts over joins in one query would multiply each other)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def organisation_list_for_coordinator(*, user) -> list[Organisation]:
    """The user's organisations with their help requests (open first), each request with how
    many offers and hours wait for an answer."""
    requests = (
        HelpRequest.objects.select_related("town")
        .annotate(
            status_order=_status_order(),
            offers_waiting=_count(
                Assignment.objects.filter(
                    help_request=OuterRef("pk"), status=Assignment.Status.OFFERED
                )
            ),
            hours_waiting=_count(
                HoursEntry.objects.filter(
                    assignment__help_request=OuterRef("pk"), status=HoursEntry.Status.SUBMITTED
                )
            ),
        )
        .order_by("status_order", "-created_at", "-id")
    )
    return list(
        Organisation.objects.filter(memberships__user=user)
        .select_related("town")
        .prefetch_related(Prefetch("help_requests", queryset=requests))
        .order_by("name", "id")
    )


def organisation_coordinators(*, organisation: Organisation) -> list[Membership]:
    return list(organisation.memberships.select_related("user").order_by("created_at", "id"))


def organisation_open_invitations(*, organisation: Organisation) -> list[CoordinatorInvitation]:
    return list(
        organisation.invitations.filter(accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


# --- Volunteer search -----------------------------------------------------------------------


def volunteer_search_steps(
    *, help_request: HelpRequest, town: str = "", language: str = "", activity: str = ""
) -> list[Step]:
    """The search's filters one by one, each step narrowing the one before (keys:
    "contactable", "town", "language", "activity", and the matching's Führungszeugnis
    requirement where the request sets it). Filters left empty are no step.
    matching.funnel counts them when the search finds nobody."""
    profiles = _contactable_profiles()
    steps = [Step("contactable", profiles)]
    if town:
        profiles = profiles.filter(town__slug=town)
        steps.append(Step("town", profiles))
    if language:
        profiles = profiles.filter(
            Exists(VolunteerLanguage.objects.filter(profile=OuterRef("pk"), code=language))
        )
        steps.append(Step("language", profiles))
    if activity:
        profiles = profiles.filter(
            Exists(
                VolunteerProfile.activity_areas.through.objects.filter(
                    volunteerprofile=OuterRef("pk"), activityarea__slug=activity
                )
            )
        )
        steps.append(Step("activity", profiles))
    requirement = FuehrungszeugnisRequirement()
    narrowed = requirement.filter_volunteers(profiles, help_request)
    if narrowed is not profiles:
        steps.append(Step(requirement.key, narrowed, requirement))
    return steps


def volunteer_search(
    *, help_request: HelpRequest, town: str = "", language: str = "", activity: str = ""
) -> QuerySet[VolunteerProfile]:
    """Contactable volunteers by town (slug), language (code) and activity area (slug).

    Where the request needs a Führungszeugnis, only volunteers with a valid one (the
    matching's own rule). Each profile carries `assignment_status`: the status of their
    active assignment on this request, if any. What a row exposes is what the CONTACT
    consent allows: first name, town, languages, activity areas."""
    profiles = volunteer_search_steps(
        help_request=help_request, town=town, language=language, activity=activity
    )[-1].profiles
    active = Assignment.objects.filter(
        help_request=help_request,
        volunteer=OuterRef("user"),
        status__in=ACTIVE_ASSIGNMENT_STATUSES,
    )
    return (
        profiles.annotate(assignment_status=Subquery(active.values("status")[:1]))
        .select_related("user", "town")
        .prefetch_related(
            Prefetch("languages", queryset=VolunteerLanguage.objects.order_by("-level", "code")),
            "activity_areas",
        )
        .order_by("user__full_name", "pk")
    )


def volunteer_get_for_invite(*, user_id: int) -> Any | None:
    """The account behind a search result, or None when it is not (or no longer) findable."""
    profile = _contactable_profiles().select_related("user").filter(user_id=user_id).first()
    return profile.user if profile is not None else None


# --- Helpers and hours of one request --------------------------------------------------------


def help_request_helpers(*, help_request: HelpRequest) -> list[Assignment]:
    """Every assignment of the request (active first), each with `shares_phone`: whether the
    volunteer currently consents to coordinators of confirmed assignments seeing the phone
    number. Templates show contact details of confirmed helpers only."""
    order = Case(
        When(status=Assignment.Status.OFFERED, then=Value(0)),
        When(status=Assignment.Status.CONFIRMED, then=Value(1)),
        When(status=Assignment.Status.INVITED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return list(
        help_request.assignments.select_related("volunteer__volunteer_profile")
        .annotate(
            shares_phone=Exists(
                Consent.objects.in_force().filter(
                    user=OuterRef("volunteer"), kind=Consent.Kind.PHONE
                )
            ),
            order=order,
        )
        .order_by("order", "-created_at", "-id")
    )


def help_request_hours(*, help_request: HelpRequest) -> list[HoursEntry]:
    """Hours logged on the request, those waiting for an answer first."""
    return list(
        HoursEntry.objects.filter(assignment__help_request=help_request)
        .select_related("assignment__volunteer")
        .annotate(
            waiting=Case(
                When(status=HoursEntry.Status.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-date", "-id")
    )


def help_request_pending_hours(*, help_request: HelpRequest, ids: list[int]) -> list[HoursEntry]:
    """Of the entries `ids`, those logged on the request (others are not looked at), oldest
    first, with the volunteer for messages. Their status is what the confirmation checks."""
    return list(
        HoursEntry.objects.filter(assignment__help_request=help_request, pk__in=ids)
        .select_related("assignment__volunteer", "assignment__help_request__organisation")
        .order_by("date", "id")
    )
