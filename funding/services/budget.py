"""The money side of a case: committing, paying and returning against the pots.

Every change locks the pot rows in one fixed order — the funding year, then the building
block — after the caller has locked the application row. Two leads signing at the same instant
therefore queue at the year row, and the second one sees the first one's commitment. The
CheckConstraints on the pot rows are the backstop: an update that would overspend fails in the
database even if a code path forgot the lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext as _

from backend.errors import CapacityExceeded

from ..models import Application, BuildingBlock, ProgrammeYear


def format_euro(amount: Decimal) -> str:
    """1234.5 -> '1.234,50 €' (German notation, used in messages and letters)."""
    text = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"


def pots_lock(application: Application) -> tuple[ProgrammeYear, BuildingBlock]:
    """Lock and return the year row and then the block row of the application (fixed order)."""
    year = ProgrammeYear.objects.select_for_update().get(pk=application.programme_year_id)
    block = BuildingBlock.objects.select_for_update().get(pk=application.block_id)
    return year, block


def budget_commit(application: Application, amount: Decimal) -> None:
    """Bind `amount` in the year's and the block's pot. Raises CapacityExceeded when either pot
    has less left. Caller holds the application row lock and is in a transaction."""
    year, block = pots_lock(application)
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
