"""The KI's side of a case: checklist, internal notes, asking for changes, proposing a decision
and signing it with four eyes.

Signing is where money is bound: the application row is locked, then the pots (budget.py); an
approval that does not fit the pot is refused and nothing changes. The letter is rendered in the
same transaction, so a signed decision always has its letter, and the e-mails to the
coordinators are outbox rows of that transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.roles import has_mfa, is_ki_lead, ki_leads
from backend.conflicts import records_refusals, refuse_if_biased
from backend.errors import ConflictError, InvalidTransition, ValidationFailed
from backend.status import transition
from notifications.services import notify

from ..models import Application, InternalNote
from ..models.programmes import ZERO
from ..permissions import is_funding_staff
from . import letters
from .applications import _coordinators, _mail_context, _site
from .budget import (
    PotEffect,
    budget_check,
    budget_commit,
    cents_message,
    format_euro,
    is_cents,
    pot_effects,
)

if TYPE_CHECKING:
    from backend.accounts.models import User

# The review checklist: key -> what the reviewer confirms. Stored per case as {key: bool}.
CHECKLIST = {
    "eligible_organisation": gettext_lazy("Antragstellende Organisation ist förderfähig"),
    "fits_block": gettext_lazy("Maßnahme passt zum Baustein und zu den Förderzielen"),
    "costs_plausible": gettext_lazy("Kostenplan ist plausibel und wirtschaftlich"),
    "no_double_funding": gettext_lazy("Keine Doppelförderung derselben Kosten"),
    "not_started": gettext_lazy("Maßnahme hat noch nicht begonnen"),
    "attachments_complete": gettext_lazy("Anlagen sind vollständig"),
}


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme_year__programme", "block", "organisation", "town")
        .get(pk=application.pk)
    )


def _require_staff(actor: User) -> None:
    if not is_funding_staff(actor):
        raise PermissionDenied


def _refuse_if_biased(application: Application, actor: User) -> None:
    """Nobody who is a member of the applying organisation, or registered it, takes a step
    on its case (ConflictOfInterest; the refusal is an audit row on the case)."""
    refuse_if_biased(application, actor=actor, organisation=application.organisation)


def _sync(application: Application, locked: Application) -> None:
    """Copy the locked row's state back to the caller's instance."""
    for field in locked._meta.concrete_fields:
        setattr(application, field.attname, getattr(locked, field.attname))


@records_refusals
@transaction.atomic
def note_add(*, application: Application, text: str, actor: User) -> InternalNote:
    """An internal note on the case (staff only, never shown to the applicant)."""
    _require_staff(actor)
    _refuse_if_biased(application, actor)
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Die Notiz ist leer."), field="text")
    return InternalNote.objects.create(application=application, author=actor, text=text[:5000])


@records_refusals
@transaction.atomic
def checklist_update(*, application: Application, checked: set[str], actor: User) -> None:
    """Record which checklist items the reviewer confirmed."""
    _require_staff(actor)
    _refuse_if_biased(application, actor)
    unknown = set(checked) - set(CHECKLIST)
    if unknown:
        raise ValidationFailed(_("Unbekannter Prüfpunkt."), field="checklist")
    locked = _lock(application)
    if locked.status not in Application.IN_REVIEW:
        raise ConflictError(_("Die Prüfliste kann nur während der Prüfung geändert werden."))
    locked.checklist = {key: key in checked for key in CHECKLIST}
    locked.save(update_fields=["checklist"])
    application.checklist = locked.checklist


@records_refusals
@transaction.atomic
def application_request_changes(*, application: Application, message: str, actor: User) -> int:
    """Send the application back to the applicant with a message; they edit and resubmit.
    The message is in the history and in the e-mail. Returns how many coordinators are
    emailed."""
    _require_staff(actor)
    _refuse_if_biased(application, actor)
    message = message.strip()
    if not message:
        raise ValidationFailed(_("Bitte schreiben Sie, was geändert werden soll."), field="message")
    locked = _lock(application)
    transition(
        locked,
        to=Application.Status.CHANGES_REQUESTED,
        actor=actor,
        note=message[:2000],
        change_request=message[:5000],
    )
    _sync(application, locked)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    coordinators = _coordinators(locked)
    for coordinator in coordinators:
        notify(
            kind="funding.changes_requested",
            recipient=coordinator,
            dedupe_key=f"application-changes:{locked.pk}:{coordinator.pk}:{stamp}",
            context={**_mail_context(locked), "message": message[:5000]},
        )
    return len(coordinators)


@dataclass(frozen=True)
class DecisionPreview:
    """A decision as it would be committed: what is decided, the amount, and what it does to
    the building block's and the year's pot. Shown on the confirmation step."""

    decision: str
    amount: Decimal | None
    conditions: str
    reasons: str
    pots: list[PotEffect]
    # A proposal binds nothing; signing an approval binds the amount in both pots.
    binds_money: bool
    # Identifies the proposal shown, so a signature never lands on a changed one.
    proposal_stamp: str = ""

    @property
    def is_approval(self) -> bool:
        return self.decision == Application.Decision.APPROVE

    @property
    def fits(self) -> bool:
        return all(pot.fits for pot in self.pots)


def proposal_stamp(application: Application) -> str:
    """The proposal's identity as the pages carry it (when it was proposed, to the microsecond):
    a proposal sent back and made again gets another stamp."""
    if application.proposed_at is None:
        return ""
    return f"{application.proposed_at.timestamp():.6f}"


def _proposal_fields(
    locked: Application,
    *,
    decision: str,
    amount: Decimal | None,
    conditions: str,
    reasons: str,
) -> tuple[dict, str]:
    """The fields a proposal writes and its history note. Raises ValidationFailed naming every
    problem of the input at once."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    fields: dict = {}
    note = ""
    if decision == Application.Decision.APPROVE:
        if amount is None or not amount.is_finite() or amount <= 0:
            refuse("decision_amount", _("Bitte geben Sie den Bewilligungsbetrag an."))
        elif not is_cents(amount):
            refuse("decision_amount", cents_message())
        else:
            if amount > locked.requested_amount:
                refuse(
                    "decision_amount",
                    _("Es kann höchstens der beantragte Betrag (%(amount)s) bewilligt werden.")
                    % {"amount": format_euro(locked.requested_amount)},
                )
            cap = locked.programme_year.cap_per_application
            if cap is not None and amount > cap:
                refuse(
                    "decision_amount",
                    _("Je Antrag können höchstens %(cap)s bewilligt werden.")
                    % {"cap": format_euro(cap)},
                )
        if not errors:
            fields = {
                "decision": decision,
                "decision_amount": amount,
                "decision_conditions": conditions.strip()[:5000],
                "decision_reasons": "",
            }
            note = _("Bewilligung über %(amount)s vorgeschlagen") % {"amount": format_euro(amount)}
    elif decision == Application.Decision.REJECT:
        if not reasons.strip():
            refuse("decision_reasons", _("Bitte begründen Sie die Ablehnung."))
        else:
            fields = {
                "decision": decision,
                "decision_amount": None,
                "decision_conditions": "",
                "decision_reasons": reasons.strip()[:5000],
            }
            note = _("Ablehnung vorgeschlagen")
    else:
        refuse("decision", _("Bitte wählen Sie: Bewilligung oder Ablehnung."))
    if errors:
        name, messages = next(iter(errors.items()))
        raise ValidationFailed(messages[0], field=name, errors=errors)
    return fields, note


@records_refusals
def decision_propose_check(
    *,
    application: Application,
    decision: str,
    actor: User,
    amount: Decimal | None = None,
    conditions: str = "",
    reasons: str = "",
) -> DecisionPreview:
    """What decision_propose would write, without writing it: the confirmation step. Raises
    what decision_propose raises (PermissionDenied, ValidationFailed, ConflictError)."""
    _require_staff(actor)
    _refuse_if_biased(application, actor)
    current = (
        Application.objects.select_related("programme_year__programme", "block")
        .filter(pk=application.pk)
        .first()
    )
    if current is None or current.status != Application.Status.SUBMITTED:
        raise InvalidTransition()
    fields, _note = _proposal_fields(
        current, decision=decision, amount=amount, conditions=conditions, reasons=reasons
    )
    value = fields["decision_amount"] or ZERO
    return DecisionPreview(
        decision=decision,
        amount=fields["decision_amount"],
        conditions=fields["decision_conditions"],
        reasons=fields["decision_reasons"],
        pots=pot_effects(current, value),
        binds_money=False,
    )


@records_refusals
@transaction.atomic
def decision_propose(
    *,
    application: Application,
    decision: str,
    actor: User,
    amount: Decimal | None = None,
    conditions: str = "",
    reasons: str = "",
) -> int:
    """Propose approval (an amount up to the requested one, with conditions) or rejection (with
    reasons). A KI lead other than the proposer signs it; every other active KI lead is told
    (in-app and by email, once per proposal). Returns how many leads were told."""
    _require_staff(actor)
    _refuse_if_biased(application, actor)
    locked = _lock(application)
    fields, note = _proposal_fields(
        locked, decision=decision, amount=amount, conditions=conditions, reasons=reasons
    )
    transition(
        locked,
        to=Application.Status.PROPOSED,
        actor=actor,
        note=note,
        proposed_by=actor,
        proposed_at=timezone.now(),
        **fields,
    )
    _sync(application, locked)
    return _tell_leads(locked, proposer=actor)


def _tell_leads(application: Application, *, proposer: User) -> int:
    """Every active KI lead but the proposer gets the proposal to sign."""
    stamp = proposal_stamp(application)
    context = {
        **_mail_context(application),
        "decision": application.decision,
        "amount": (format_euro(application.decision_amount) if application.decision_amount else ""),
        "proposed_by": proposer.name,
        "staff_url": _site(
            reverse("funding:staff_application_detail", args=[application.pk]) + "#entscheidung"
        ),
    }
    leads = ki_leads().exclude(pk=proposer.pk).order_by("pk")
    told = 0
    for lead in leads:
        notify(
            kind="funding.decision_proposed",
            recipient=lead,
            dedupe_key=f"decision-proposed:{application.pk}:{lead.pk}:{stamp}",
            context=context,
        )
        told += 1
    return told


@records_refusals
@transaction.atomic
def decision_send_back(*, application: Application, note: str, actor: User) -> None:
    """A lead (or the proposer) sends a proposal back to review instead of signing it."""
    _require_staff(actor)
    _refuse_if_biased(application, actor)
    locked = _lock(application)
    if locked.status != Application.Status.PROPOSED:
        # SUBMITTED is also reachable from a draft: without this check "sending back" would
        # submit a draft (or a case sent back for changes) past every submission rule.
        raise ConflictError(_("Es liegt kein Entscheidungsvorschlag vor."))
    transition(
        locked,
        to=Application.Status.SUBMITTED,
        actor=actor,
        note=note.strip()[:2000] or _("Vorschlag zurückgegeben"),
        decision="",
        decision_amount=None,
        proposed_by=None,
        proposed_at=None,
    )
    _sync(application, locked)


def _sign_refusal(locked: Application, actor: User) -> None:
    """Why `actor` may not sign `locked` now (raises), or nothing."""
    if locked.status != Application.Status.PROPOSED:
        raise ConflictError(_("Es liegt kein Entscheidungsvorschlag zum Zeichnen vor."))
    if locked.proposed_by_id == actor.pk:
        raise ConflictError(
            _(
                "Vier-Augen-Prinzip: Wer die Entscheidung vorgeschlagen hat, kann sie nicht "
                "selbst zeichnen."
            )
        )
    if (
        locked.decision == Application.Decision.APPROVE
        and locked.programme_year.subject_to_confirmation
    ):
        raise ConflictError(
            _(
                "Der Fördertopf %(year)s ist noch nicht vom Land bestätigt "
                "(vorbehaltlich). Bewilligungen sind erst danach möglich."
            )
            % {"year": locked.programme_year.year}
        )


def _same_proposal(application: Application, proposal: str) -> None:
    """Refuse to act on a proposal other than the one the lead saw (`proposal`: its stamp)."""
    if proposal and proposal != proposal_stamp(application):
        raise ConflictError(
            _(
                "Der Vorschlag wurde inzwischen geändert. Bitte prüfen Sie den aktuellen "
                "Vorschlag, bevor Sie zeichnen."
            )
        )


@records_refusals
def decision_sign_check(
    *, application: Application, actor: User, proposal: str = ""
) -> DecisionPreview:
    """What signing would do, without doing it: the confirmation step of the lead. Raises what
    decision_sign raises (PermissionDenied, ConflictError, CapacityExceeded when a pot has
    less left than the approval)."""
    if not (is_ki_lead(actor) and has_mfa(actor)):
        raise PermissionDenied
    _refuse_if_biased(application, actor)
    current = (
        Application.objects.select_related("programme_year__programme", "block")
        .filter(pk=application.pk)
        .first()
    )
    if current is None:
        raise ConflictError(_("Es liegt kein Entscheidungsvorschlag zum Zeichnen vor."))
    _sign_refusal(current, actor)
    _same_proposal(current, proposal)
    approve = current.decision == Application.Decision.APPROVE
    amount = current.decision_amount if approve else None
    if approve:
        budget_check(current, amount)
    return DecisionPreview(
        decision=current.decision,
        amount=amount,
        conditions=current.decision_conditions,
        reasons=current.decision_reasons,
        pots=pot_effects(current, amount or ZERO),
        binds_money=approve,
        proposal_stamp=proposal_stamp(current),
    )


@records_refusals
@transaction.atomic
def decision_sign(*, application: Application, actor: User, proposal: str = "") -> int:
    """A KI lead signs the proposed decision (never their own proposal).

    Approval: binds the amount in the year's and the block's pot (CapacityExceeded when either
    has less left; nothing changes), sets the proof-of-use deadline. Either way the letter is
    rendered and stored with its hash and sent to the coordinators through the outbox.
    `proposal` (a proposal_stamp the lead saw) refuses to sign a proposal that was changed
    since (ConflictError). Returns how many coordinators are emailed.
    """
    if not (is_ki_lead(actor) and has_mfa(actor)):
        raise PermissionDenied
    _refuse_if_biased(application, actor)
    locked = _lock(application)
    _sign_refusal(locked, actor)
    _same_proposal(locked, proposal)
    now = timezone.now()
    approve = locked.decision == Application.Decision.APPROVE
    if approve:
        amount = locked.decision_amount
        budget_check(locked, amount)  # refuse early, before the slow rendering
        fields = {
            "signed_by": actor,
            "signed_at": now,
            "approved_amount": amount,
            "proof_due_on": locked.programme_year.proof_due_on(locked.ends_on),
        }
    else:
        fields = {"signed_by": actor, "signed_at": now}
    # The letter is rendered while only this case is locked: a render takes seconds, and the
    # pot rows locked below are shared by every signing, payment and new draft of the year.
    for name, value in fields.items():
        setattr(locked, name, value)
    pdf = letters.letter_render(locked)
    if approve:
        budget_commit(locked, amount)
        transition(
            locked,
            to=Application.Status.APPROVED,
            actor=actor,
            note=_("Bewilligung über %(amount)s gezeichnet") % {"amount": format_euro(amount)},
            **fields,
        )
        kind = "funding.application_approved"
    else:
        transition(
            locked,
            to=Application.Status.REJECTED,
            actor=actor,
            note=_("Ablehnung gezeichnet"),
            **fields,
        )
        kind = "funding.application_rejected"
    _sync(application, locked)
    letters.letter_create(application=locked, pdf=pdf)
    coordinators = _coordinators(locked)
    for coordinator in coordinators:
        notify(
            kind=kind,
            recipient=coordinator,
            dedupe_key=f"application-decided:{locked.pk}:{coordinator.pk}",
            context={
                **_mail_context(locked),
                "amount": format_euro(locked.approved_amount) if locked.approved_amount else "",
                "proof_due_on": locked.proof_due_on or "",
            },
        )
    return len(coordinators)
