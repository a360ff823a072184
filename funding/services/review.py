"""The KI's side of a case: checklist, internal notes, asking for changes, proposing a decision
and signing it with four eyes.

Signing is where money is bound: the application row is locked, then the pots (budget.py); an
approval that does not fit the pot is refused and nothing changes. The letter is rendered in the
same transaction, so a signed decision always has its letter, and the e-mails to the
coordinators are outbox rows of that transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.roles import has_mfa, is_ki_lead
from backend.errors import ConflictError, ValidationFailed
from backend.status import transition
from notifications.services import notify

from ..models import Application, InternalNote
from ..permissions import is_funding_staff
from . import letters
from .applications import _coordinators, _mail_context
from .budget import budget_check, budget_commit, cents_message, format_euro, is_cents

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


def _sync(application: Application, locked: Application) -> None:
    """Copy the locked row's state back to the caller's instance."""
    for field in locked._meta.concrete_fields:
        setattr(application, field.attname, getattr(locked, field.attname))


@transaction.atomic
def note_add(*, application: Application, text: str, actor: User) -> InternalNote:
    """An internal note on the case (staff only, never shown to the applicant)."""
    _require_staff(actor)
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Die Notiz ist leer."), field="text")
    return InternalNote.objects.create(application=application, author=actor, text=text[:5000])


@transaction.atomic
def checklist_update(*, application: Application, checked: set[str], actor: User) -> None:
    """Record which checklist items the reviewer confirmed."""
    _require_staff(actor)
    unknown = set(checked) - set(CHECKLIST)
    if unknown:
        raise ValidationFailed(_("Unbekannter Prüfpunkt."), field="checklist")
    locked = _lock(application)
    if locked.status not in Application.IN_REVIEW:
        raise ConflictError(_("Die Prüfliste kann nur während der Prüfung geändert werden."))
    locked.checklist = {key: key in checked for key in CHECKLIST}
    locked.save(update_fields=["checklist"])
    application.checklist = locked.checklist


@transaction.atomic
def application_request_changes(*, application: Application, message: str, actor: User) -> None:
    """Send the application back to the applicant with a message; they edit and resubmit.
    The message is in the history and in the e-mail."""
    _require_staff(actor)
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
    for coordinator in _coordinators(locked):
        notify(
            kind="funding.changes_requested",
            recipient=coordinator,
            dedupe_key=f"application-changes:{locked.pk}:{coordinator.pk}:{stamp}",
            context={**_mail_context(locked), "message": message[:5000]},
        )


@transaction.atomic
def decision_propose(
    *,
    application: Application,
    decision: str,
    actor: User,
    amount: Decimal | None = None,
    conditions: str = "",
    reasons: str = "",
) -> None:
    """Propose approval (an amount up to the requested one, with conditions) or rejection (with
    reasons). A KI lead other than the proposer signs it."""
    _require_staff(actor)
    locked = _lock(application)
    if decision == Application.Decision.APPROVE:
        if amount is None or not amount.is_finite() or amount <= 0:
            raise ValidationFailed(
                _("Bitte geben Sie den Bewilligungsbetrag an."), field="decision_amount"
            )
        if not is_cents(amount):
            raise ValidationFailed(cents_message(), field="decision_amount")
        if amount > locked.requested_amount:
            raise ValidationFailed(
                _("Es kann höchstens der beantragte Betrag (%(amount)s) bewilligt werden.")
                % {"amount": format_euro(locked.requested_amount)},
                field="decision_amount",
            )
        cap = locked.programme_year.cap_per_application
        if cap is not None and amount > cap:
            raise ValidationFailed(
                _("Je Antrag können höchstens %(cap)s bewilligt werden.")
                % {"cap": format_euro(cap)},
                field="decision_amount",
            )
        fields = {
            "decision": decision,
            "decision_amount": amount,
            "decision_conditions": conditions.strip()[:5000],
            "decision_reasons": "",
        }
        note = _("Bewilligung über %(amount)s vorgeschlagen") % {"amount": format_euro(amount)}
    elif decision == Application.Decision.REJECT:
        if not reasons.strip():
            raise ValidationFailed(
                _("Bitte begründen Sie die Ablehnung."), field="decision_reasons"
            )
        fields = {
            "decision": decision,
            "decision_amount": None,
            "decision_conditions": "",
            "decision_reasons": reasons.strip()[:5000],
        }
        note = _("Ablehnung vorgeschlagen")
    else:
        raise ValidationFailed(_("Unbekannte Entscheidung."), field="decision")
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


@transaction.atomic
def decision_send_back(*, application: Application, note: str, actor: User) -> None:
    """A lead (or the proposer) sends a proposal back to review instead of signing it."""
    _require_staff(actor)
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


@transaction.atomic
def decision_sign(*, application: Application, actor: User) -> None:
    """A KI lead signs the proposed decision (never their own proposal).

    Approval: binds the amount in the year's and the block's pot (CapacityExceeded when either
    has less left; nothing changes), sets the proof-of-use deadline. Either way the letter is
    rendered and stored with its hash and sent to the coordinators through the outbox.
    """
    if not (is_ki_lead(actor) and has_mfa(actor)):
        raise PermissionDenied
    locked = _lock(application)
    if locked.status != Application.Status.PROPOSED:
        raise ConflictError(_("Es liegt kein Entscheidungsvorschlag zum Zeichnen vor."))
    if locked.proposed_by_id == actor.pk:
        raise ConflictError(
            _(
                "Vier-Augen-Prinzip: Wer die Entscheidung vorgeschlagen hat, kann sie nicht "
                "selbst zeichnen."
            )
        )
    now = timezone.now()
    approve = locked.decision == Application.Decision.APPROVE
    if approve:
        if locked.programme_year.subject_to_confirmation:
            raise ConflictError(
                _(
                    "Der Fördertopf %(year)s ist noch nicht vom Land bestätigt "
                    "(vorbehaltlich). Bewilligungen sind erst danach möglich."
                )
                % {"year": locked.programme_year.year}
            )
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
    for coordinator in _coordinators(locked):
        notify(
            kind=kind,
            recipient=coordinator,
            dedupe_key=f"application-decided:{locked.pk}:{coordinator.pk}",
            context={
                **_mail_context(locked),
                "amount": format_euro(locked.approved_amount) if locked.approved_amount else "",
                "proof_due_on": (
                    locked.proof_due_on.strftime("%d.%m.%Y") if locked.proof_due_on else ""
                ),
            },
        )
