"""The money side of a case: committing, paying and returning against the pots.

Every change locks the pot rows in one fixed order — the funding year, then the building
block — after the caller has locked the application row. Two leads signing at the same instant
therefore queue at the year row, and the second one sees the first one's commitment. The
CheckConstraints on the pot rows are the backstop: an update that would overspend fails in the
database even if a code path forgot the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from backend.errors import CapacityExceeded

from ..models import Application, BuildingBlock, ProgrammeYear

CENT = Decimal("0.01")


def is_cents(amount: Decimal) -> bool:
    """A finite amount with at most two decimal places: what the database stores as given
    (a third decimal would be rounded away on saving, 0.004 € to a refused 0.00 €)."""
    return amount.is_finite() and amount == amount.quantize(CENT)


def cents_message() -> str:
    return _("Beträge werden in Euro und Cent angegeben (höchstens zwei Nachkommastellen).")


def format_euro(amount: Decimal) -> str:
    """1234.5 -> '1.234,50 €' (German notation, used in messages and letters)."""
    text = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"


@dataclass(frozen=True)
class PotEffect:
    """What a decision does to one pot, as read now: what is free before and after it, and what
    other proposals (not signed yet) would take from the same pot."""

    kind: str  # "block" or "year"
    label: str
    pot: Decimal
    available_before: Decimal
    amount: Decimal
    proposed_elsewhere: Decimal

    @property
    def available_after(self) -> Decimal:
        return self.available_before - self.amount

    @property
    def fits(self) -> bool:
        return self.amount <= self.available_before


def pot_effects(application: Application, amount: Decimal) -> list[PotEffect]:
    """The building block's pot and the year's pot before and after binding `amount` (0 for a
    rejection), read without a lock: for showing before a decision, never for deciding."""
    year = ProgrammeYear.objects.select_related("programme").get(pk=application.programme_year_id)
    block = BuildingBlock.objects.get(pk=application.block_id)
    others = Application.objects.filter(
        status=Application.Status.PROPOSED, decision=Application.Decision.APPROVE
    ).exclude(pk=application.pk)
    in_block = others.filter(block_id=block.pk).aggregate(s=Sum("decision_amount"))["s"]
    in_year = others.filter(programme_year_id=year.pk).aggregate(s=Sum("decision_amount"))["s"]
    return [
        PotEffect(
            kind="block",
            label=_("Baustein %(code)s: %(title)s") % {"code": block.code, "title": block.title},
            pot=block.pot,
            available_before=block.available,
            amount=amount,
            proposed_elsewhere=in_block or Decimal("0.00"),
        ),
        PotEffect(
            kind="year",
            label=_("Fördertopf %(programme)s %(year)s")
            % {"programme": year.programme.short_name, "year": year.year},
            pot=year.pot,
            available_before=year.available,
            amount=amount,
            proposed_elsewhere=in_year or Decimal("0.00"),
        ),
    ]


def pots_lock(application: Application) -> tuple[ProgrammeYear, BuildingBlock]:
    """Lock and return the year row and then the block row of the application (fixed order)."""
    year = ProgrammeYear.objects.select_for_update().get(pk=application.programme_year_id)
    block = BuildingBlock.objects.select_for_update().get(pk=application.block_id)
    return year, block


def budget_check(application: Application, amount: Decimal) -> None:
    """Raise CapacityExceeded when `amount` is more than the year's or the block's pot has
    left, as read now without a lock: a cheap early refusal before slow work. Only
    budget_commit's check under the lock decides."""
    year = ProgrammeYear.objects.get(pk=application.programme_year_id)
    block = BuildingBlock.objects.get(pk=application.block_id)
    _check_capacity(year, block, amount)


def _check_capacity(year: ProgrammeYear, block: BuildingBlock, amount: Decimal) -> None:
    pots = (
        (year, _("Im Fördertopf %(year)s sind nur noch %(left)s frei.")),
        (block, _("Im Baustein %(block)s sind nur noch %(left)s frei.")),
    )
    for pot, message in pots:
        if amount > pot.available:
            raise CapacityExceeded(
                message
                % {"year": year.year, "block": block.code, "left": format_euro(pot.available)},
                field="decision_amount",
            )


def budget_commit(application: Application, amount: Decimal) -> None:
    """Bind `amount` in the year's and the block's pot. Raises CapacityExceeded when either pot
    has less left. Caller holds the application row lock and is in a transaction."""
    year, block = pots_lock(application)
    _check_capacity(year, block, amount)
    ProgrammeYear.objects.filter(pk=year.pk).update(committed=F("committed") + amount)
    BuildingBlock.objects.filter(pk=block.pk).update(committed=F("committed") + amount)


def budget_pay(application: Application, amount: Decimal) -> None:
    """Record `amount` as paid out of both pots (caller checked it against the approval)."""
    year, block = pots_lock(application)
    ProgrammeYear.objects.filter(pk=year.pk).update(paid=F("paid") + amount)
    BuildingBlock.objects.filter(pk=block.pk).update(paid=F("paid") + amount)


def budget_return(application: Application, amount: Decimal) -> None:
    """Money that comes back (a repayment, or approved money that was not used) is available
    again in both pots."""
    if amount <= 0:
        return
    year, block = pots_lock(application)
    ProgrammeYear.objects.filter(pk=year.pk).update(returned=F("returned") + amount)
    BuildingBlock.objects.filter(pk=block.pk).update(returned=F("returned") + amount)
