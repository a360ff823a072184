"""Reads of the volunteers app that are more than a get()."""

from django.db.models import QuerySet

from .models import Organisation


def organisation_list_public() -> QuerySet[Organisation]:
    """Verified organisations, as anyone may see them."""
    return (
        Organisation.objects.filter(verified_at__isnull=False)
        .select_related("town")
        .order_by("name", "id")
    )


def consent_is_active(*, user, kind: str) -> bool:
    """Whether the user currently holds this consent (the ledger's open row)."""
    from .models import Consent

    return Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).exists()


def help_request_list_public(*, town: str = "", activity: str = "", language: str = ""):
    """Open requests for everyone (no personal data), newest first, with what the list shows."""
    from .models import HelpRequest

    rows = (
        HelpRequest.objects.filter(status=HelpRequest.Status.OPEN)
        .select_related("organisation", "town", "activity_area")
        .prefetch_related("languages")
        .order_by("-opened_at", "-id")
    )
    if town:
        rows = rows.filter(town__slug=town)
    if activity:
        rows = rows.filter(activity_area__slug=activity)
    if language:
        rows = rows.filter(languages__code=language)
    return rows


def volunteer_dashboard(*, user) -> dict:
    """Everything the volunteer's own page shows, in a fixed number of queries."""
    from django.db.models import Prefetch

    from .models import Assignment, HoursEntry

    assignments = list(
        Assignment.objects.filter(volunteer=user)
        .select_related("help_request__organisation", "help_request__town")
        .prefetch_related(Prefetch("hours", queryset=HoursEntry.objects.order_by("-date")))
        .order_by("-created_at")
    )
    return {
        "invitations": [a for a in assignments if a.status == Assignment.Status.INVITED],
        "offers": [a for a in assignments if a.status == Assignment.Status.OFFERED],
        "confirmed": [a for a in assignments if a.status == Assignment.Status.CONFIRMED],
        "past": [
            a
            for a in assignments
            if a.status
            not in (
                Assignment.Status.INVITED,
                Assignment.Status.OFFERED,
                Assignment.Status.CONFIRMED,
            )
        ],
    }


def coordinators_by_organisation(organisation_ids: set[int]) -> dict[int, list]:
    """The active coordinators of each organisation, in one query (for reminder sweeps)."""
    from .models import Membership

    found: dict[int, list] = {}
    memberships = (
        Membership.objects.filter(organisation_id__in=organisation_ids, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        found.setdefault(membership.organisation_id, []).append(membership.user)
    return found
