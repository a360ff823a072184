"""Reads of the volunteers app that are more than a get()."""

from dataclasses import dataclass

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
    """Whether the user currently holds this consent: the ledger's open row, given to the
    current material version of the text (Consent.objects.in_force)."""
    from .models import Consent

    return Consent.objects.in_force().filter(user=user, kind=kind).exists()


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


@dataclass(frozen=True)
class Contact:
    """Whom a confirmed helper talks to and where they meet: the initiative's coordinators
    (by name), its contact email and phone, the request's meeting place and address."""

    coordinators: list[str]
    email: str
    phone: str
    place: str
    address: str


def coordinator_memberships():
    """Memberships to prefetch on organisations for `assignment_contact`: active accounts,
    the longest-serving coordinator first."""
    from .models import Membership

    return (
        Membership.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("created_at", "id")
    )


def assignment_contact(assignment) -> Contact | None:
    """The contact the volunteer of `assignment` sees, or None before the assignment is
    confirmed (the address and the initiative's contact details are for confirmed helpers
    only). Reads the organisation's memberships from a prefetch of
    `coordinator_memberships()` where there is one (lists stay at a fixed number of
    queries); coordinators without a name are left out, never shown by their address."""
    from .models import Assignment

    if assignment.status != Assignment.Status.CONFIRMED:
        return None
    help_request = assignment.help_request
    organisation = help_request.organisation
    memberships = organisation.memberships.all()
    if not hasattr(organisation, "_prefetched_objects_cache") or (
        "memberships" not in organisation._prefetched_objects_cache
    ):
        memberships = coordinator_memberships().filter(organisation=organisation)
    return Contact(
        coordinators=[m.user.name for m in memberships if m.user.is_active and m.user.name],
        email=organisation.contact_email,
        phone=organisation.contact_phone,
        place=help_request.place,
        address=help_request.address,
    )


def volunteer_assignments(*, user) -> QuerySet:
    """The volunteer's assignments, newest first, with what their pages and the API show:
    request, organisation and town, who invited, the coordinators (for the contact of
    confirmed ones) and the hours, in a fixed number of queries."""
    from django.db.models import Prefetch

    from .models import Assignment, HoursEntry

    return (
        Assignment.objects.filter(volunteer=user)
        .select_related("help_request__organisation", "help_request__town", "invited_by")
        .prefetch_related(
            Prefetch("hours", queryset=HoursEntry.objects.order_by("-date", "-id")),
            Prefetch("help_request__organisation__memberships", queryset=coordinator_memberships()),
        )
        .order_by("-created_at", "-id")
    )


def volunteer_dashboard(*, user) -> dict:
    """Everything the volunteer's own page shows, in a fixed number of queries. Confirmed
    assignments carry `contact` (see assignment_contact)."""
    from .models import Assignment

    assignments = list(volunteer_assignments(user=user))
    for assignment in assignments:
        assignment.contact = assignment_contact(assignment)
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
