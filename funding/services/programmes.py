"""Programme years as data: creating a year (with the KOMM-AN II building blocks when the
programme has no earlier year to copy) and copying a year's rules into the next one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from backend.errors import ConflictError, ValidationFailed

from ..models import BuildingBlock, Pauschale, Programme, ProgrammeYear
from ..permissions import is_funding_staff

if TYPE_CHECKING:
    from backend.accounts.models import User

# KOMM-AN NRW Programmteil II, building blocks A-D (public programme description).
KOMM_AN_II_BLOCKS = {
    "A": (
        "Ankommenstreffpunkte",
        "Ankommenstreffpunkte herrichten, ausstatten und betreiben; digitale Ausstattung für "
        "das Ehrenamt.",
    ),
    "B": (
        "Zusammenkommen und Begleiten",
        "Menschen zusammenbringen, Orientierung geben, begleiten (z. B. Sprach- und "
        "Lesegruppen, Freizeit, Fahrtkosten).",
    ),
    "C": (
        "Information und Gewinnung",
        "Information und Wissen, Printmedien, Internetseiten, neue Ehrenamtliche gewinnen.",
    ),
    "D": (
        "Qualifizierung und Begleitung",
        "Ehrenamtliche qualifizieren (Honorare für Referentinnen, Referenten und Coaches), "
        "Team- und Austauschtreffen.",
    ),
}


@transaction.atomic
def programme_year_create(
    *,
    programme: Programme,
    year: int,
    pot: Decimal,
    block_pots: dict[str, Decimal],
    call_opens_on: date,
    call_closes_on: date,
    actor: User | None,
    subject_to_confirmation: bool = False,
    cap_per_application: Decimal | None = None,
    proof_of_use_weeks: int = 8,
    blocks: dict[str, tuple[str, str]] | None = None,
) -> ProgrammeYear:
    """A new funding year with its building blocks (default: KOMM-AN II A-D). Raises
    ValidationFailed when the block pots add up to more than the year's pot."""
    if actor is not None and not is_funding_staff(actor):
        raise PermissionDenied
    if ProgrammeYear.objects.filter(programme=programme, year=year).exists():
        raise ConflictError(_("Dieses Förderjahr gibt es schon."))
    if call_closes_on < call_opens_on:
        raise ValidationFailed(
            _("Das Ende der Antragsfrist liegt vor ihrem Beginn."), field="call_closes_on"
        )
    if pot < 0 or any(value < 0 for value in block_pots.values()):
        raise ValidationFailed(_("Ein Fördertopf kann nicht negativ sein."), field="pot")
    definitions = blocks or KOMM_AN_II_BLOCKS
    unknown = sorted(set(block_pots) - set(definitions))
    if unknown:
        raise ValidationFailed(
            _("Unbekannter Baustein: %(codes)s.") % {"codes": ", ".join(unknown)},
            field="block_pots",
        )
    if sum(block_pots.values(), Decimal(0)) > pot:
        raise ValidationFailed(
            _("Die Töpfe der Bausteine sind zusammen größer als der Jahrestopf."),
            field="block_pots",
        )
    programme_year = ProgrammeYear.objects.create(
        programme=programme,
        year=year,
        pot=pot,
        call_opens_on=call_opens_on,
        call_closes_on=call_closes_on,
        subject_to_confirmation=subject_to_confirmation,
        cap_per_application=cap_per_application,
        proof_of_use_weeks=proof_of_use_weeks,
    )
    BuildingBlock.objects.bulk_create(
        BuildingBlock(
            programme_year=programme_year,
            code=code,
            title=title,
            description=description,
            pot=block_pots.get(code, Decimal(0)),
        )
        for code, (title, description) in definitions.items()
    )
    return programme_year


@transaction.atomic
def programme_year_copy(
    *, source: ProgrammeYear, year: int, call_opens_on: date, call_closes_on: date, actor: User
) -> ProgrammeYear:
    """The next year with the same blocks, pots, caps and Pauschalen; the call opens
    "vorbehaltlich" until staff confirm the state's pot."""
    blocks = list(source.blocks.all())
    target = programme_year_create(
        programme=source.programme,
        year=year,
        pot=source.pot,
        block_pots={block.code: block.pot for block in blocks},
        call_opens_on=call_opens_on,
        call_closes_on=call_closes_on,
        actor=actor,
        subject_to_confirmation=True,
        cap_per_application=source.cap_per_application,
        proof_of_use_weeks=source.proof_of_use_weeks,
        blocks={block.code: (block.title, block.description) for block in blocks},
    )
    new_blocks = {block.code: block for block in target.blocks.all()}
    for pauschale in source.pauschalen.select_related("block"):
        Pauschale.objects.create(
            programme_year=target,
            block=new_blocks.get(pauschale.block.code) if pauschale.block else None,
            title=pauschale.title,
            unit=pauschale.unit,
            amount=pauschale.amount,
            max_units=pauschale.max_units,
            conditions=pauschale.conditions,
        )
    return target
