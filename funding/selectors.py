"""Reads of the funding app: the staff queue, the applicant's cases, the budget overview, the
history of a case. Query counts do not grow with the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet, Sum

from backend.conflicts import REFUSED
from backend.models import StatusChange

from .models import Application, BuildingBlock, CostLine, ProgrammeYear
from .models.programmes import ZERO

# Staff work queue: what needs someone's action first.
QUEUE_STATUSES = [
    Application.Status.SUBMITTED,
    Application.Status.PROPOSED,
    Application.Status.PROOF_SUBMITTED,
]


def applications_for_staff(
    *,
    status: str | None = None,
    programme_year: ProgrammeYear | None = None,
    block_code: str | None = None,
    town_id: int | None = None,
    search: str = "",
) -> QuerySet[Application]:
    """Every case, filtered; the oldest submission first (first come, first served)."""
    queryset = Application.objects.select_related(
        "organisation", "programme_year__programme", "block", "town", "proposed_by"
    ).exclude(status=Application.Status.DRAFT)
    if status:
        queryset = queryset.filter(status=status)
    if programme_year is not None:
        queryset = queryset.filter(programme_year=programme_year)
    if block_code:
        queryset = queryset.filter(block__code=block_code)
    if town_id:
        queryset = queryset.filter(town_id=town_id)
    if search.strip():
        term = search.strip()
        queryset = (
            queryset.filter(title__icontains=term)
            | queryset.filter(reference__icontains=term)
            | queryset.filter(organisation__name__icontains=term)
        )
    return queryset.order_by("submitted_at", "id")


def applications_for_user(user) -> QuerySet[Application]:
    """The cases of the organisations the user coordinates, newest first."""
    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(organisation__memberships__user=user)
        .select_related("organisation", "programme_year__programme", "block", "town")
        .order_by("-created_at", "-id")
    )


def application_with_plan(application_id: int) -> Application | None:
    return (
        Application.objects.select_related(
            "organisation__town",
            "programme_year__programme",
            "block",
            "town",
            "proposed_by",
            "signed_by",
        )
        .prefetch_related(
            Prefetch("cost_lines", queryset=CostLine.objects.select_related("pauschale")),
            "attachments",
            "payments",
        )
        .filter(pk=application_id)
        .first()
    )


# Steps whose note is the KI's internal deliberation (a proposal not yet signed, a proposal
# sent back by the lead): the applicant sees that the step happened, not the note.
INTERNAL_STEPS = frozenset(
    {
        (Application.Status.SUBMITTED, Application.Status.PROPOSED),
        (Application.Status.PROPOSED, Application.Status.SUBMITTED),
    }
)


def application_history(
    application: Application, *, for_applicant: bool = False
) -> list[StatusChange]:
    """The audit trail of a case (actor, time, from, to, note), oldest first. For the
    applicant the notes of internal review steps are blanked (in memory, never stored) and
    refused steps (backend.conflicts: a conflict of interest changed nothing) left out."""
    rows = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
    ).select_related("actor")
    if for_applicant:
        rows = rows.exclude(to_status=REFUSED)
    rows = list(rows)
    if for_applicant:
        for row in rows:
            if (row.from_status, row.to_status) in INTERNAL_STEPS:
                row.note = ""
    return rows


def open_programme_years(today) -> QuerySet[ProgrammeYear]:
    """Years whose call is open today (what an applicant can apply to)."""
    return (
        ProgrammeYear.objects.filter(call_opens_on__lte=today, call_closes_on__gte=today)
        .select_related("programme")
        .prefetch_related("blocks", "pauschalen")
    )


@dataclass(frozen=True)
class PotRow:
    """One row of the budget overview."""

    label: str
    code: str
    pot: Decimal
    committed: Decimal
    paid: Decimal
    returned: Decimal
    requested_open: Decimal  # submitted/proposed, not yet decided

    @property
    def available(self) -> Decimal:
        return self.pot - self.committed + self.returned

    @property
    def net_committed(self) -> Decimal:
        return self.committed - self.returned


@dataclass(frozen=True)
class BudgetOverview:
    programme_year: ProgrammeYear
    total: PotRow
    blocks: list[PotRow]


def budget_overview(programme_year: ProgrammeYear) -> BudgetOverview:
    """Pot, committed, paid, returned and available for the year and each block (3 queries)."""
    pending = dict(
        Application.objects.filter(programme_year=programme_year, status__in=Application.IN_REVIEW)
        .values_list("block_id")
        .annotate(s=Sum("requested_amount"))
    )
    blocks = list(BuildingBlock.objects.filter(programme_year=programme_year).order_by("code"))
    year = ProgrammeYear.objects.select_related("programme").get(pk=programme_year.pk)
    rows = [
        PotRow(
            label=block.title,
            code=block.code,
            pot=block.pot,
            committed=block.committed,
            paid=block.paid,
            returned=block.returned,
            requested_open=pending.get(block.pk, ZERO),
        )
        for block in blocks
    ]
    total = PotRow(
        label=str(year),
        code="",
        pot=year.pot,
        committed=year.committed,
        paid=year.paid,
        returned=year.returned,
        requested_open=sum(pending.values(), ZERO),
    )
    return BudgetOverview(programme_year=year, total=total, blocks=rows)
