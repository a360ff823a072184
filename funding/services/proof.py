"""Verwendungsnachweis: after the project the organisation reports (narrative, actual costs
per line, receipts); staff check it and close the case, possibly with a repayment. Money that
was approved but not paid, and every repayment, goes back to the pot. Reminders are found by a
daily sweep (4 weeks and 1 week before the deadline, weekly after it), never as ETA tasks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backend.conflicts import records_refusals, refuse_if_biased
from backend.errors import ConflictError, ValidationFailed
from backend.status import transition
from notifications.services import dedupe_keys_taken, notify
from volunteers.selectors import coordinators_by_organisation

from ..models import Application, CostLine, Payment
from ..models.programmes import ZERO
from ..permissions import is_applicant, is_funding_staff
from .applications import _coordinators, _mail_context
from .budget import budget_return, cents_message, format_euro, is_cents

if TYPE_CHECKING:
    from backend.accounts.models import User


@transaction.atomic
def proof_submit(
    *,
    application: Application,
    report: str,
    actual_amounts: Mapping[int, Decimal],
    actor: User,
    today: date | None = None,
) -> None:
    """Submit the proof of use: a narrative report and the actual amount of every cost line
    (by line id). Only after the project has ended."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not is_applicant(actor, locked):
        raise PermissionDenied
    if locked.status != Application.Status.APPROVED:
        raise ConflictError(_("Ein Verwendungsnachweis ist nur für bewilligte Anträge möglich."))
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if locked.ends_on and today < locked.ends_on:
        errors.setdefault("__all__", []).append(
            _("Der Verwendungsnachweis kann ab dem Projektende (%(end)s) eingereicht werden.")
            % {"end": date_format(locked.ends_on, "SHORT_DATE_FORMAT")}
        )
    if not report.strip():
        errors.setdefault("report", []).append(_("Bitte schreiben Sie einen kurzen Sachbericht."))
    lines = {line.pk: line for line in locked.cost_lines.all()}
    if set(actual_amounts) != set(lines):
        errors.setdefault("actual_amounts", []).append(
            _("Bitte geben Sie für jede Position des Kostenplans die tatsächlichen Ausgaben an.")
        )
    for value in actual_amounts.values():
        if value is None or not value.is_finite() or value < 0:
            errors.setdefault("actual_amounts", []).append(
                _("Tatsächliche Ausgaben können nicht negativ sein.")
            )
            break
        if not is_cents(value):
            errors.setdefault("actual_amounts", []).append(cents_message())
            break
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    for line_id, value in actual_amounts.items():
        CostLine.objects.filter(pk=line_id, application=locked).update(actual_amount=value)
    transition(
        locked,
        to=Application.Status.PROOF_SUBMITTED,
        actor=actor,
        proof_report=report.strip()[:20000],
        proof_submitted_at=timezone.now(),
    )
    application.status = locked.status


@records_refusals
@transaction.atomic
def proof_return(*, application: Application, message: str, actor: User) -> int:
    """Staff send the proof of use back for corrections (status approved again). Returns how
    many coordinators are emailed. ConflictOfInterest for a member or the registrant of the
    organisation (an audit row, nothing else changes)."""
    if not is_funding_staff(actor):
        raise PermissionDenied
    refuse_if_biased(application, actor=actor, organisation=application.organisation)
    if not message.strip():
        raise ValidationFailed(_("Bitte schreiben Sie, was fehlt."), field="message")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Application.Status.PROOF_SUBMITTED:
        # APPROVED is also the target of signing: without this check a proposal would be
        # "approved" without a lead's signature and without binding money.
        raise ConflictError(_("Es liegt kein Verwendungsnachweis zur Prüfung vor."))
    transition(locked, to=Application.Status.APPROVED, actor=actor, note=message.strip()[:2000])
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    coordinators = _coordinators(locked)
    for coordinator in coordinators:
        notify(
            kind="funding.proof_returned",
            recipient=coordinator,
            dedupe_key=f"proof-returned:{locked.pk}:{coordinator.pk}:{stamp}",
            context={**_mail_context(locked), "message": message.strip()[:5000]},
        )
    application.status = locked.status
    return len(coordinators)


@records_refusals
@transaction.atomic
def application_close(
    *, application: Application, actor: User, repayment: Decimal = ZERO, note: str = ""
) -> None:
    """Staff accept the proof of use and close the case. `repayment` is money the organisation
    must pay back (up to what was paid). Money approved but never paid, and the repayment,
    return to the pot. Open payment requests are cancelled. ConflictOfInterest for a member or
    the registrant of the organisation (an audit row, nothing else changes)."""
    if not is_funding_staff(actor):
        raise PermissionDenied
    refuse_if_biased(application, actor=actor, organisation=application.organisation)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Application.Status.PROOF_SUBMITTED:
        raise ConflictError(_("Abschließen geht erst nach dem Verwendungsnachweis."))
    if repayment is None or not repayment.is_finite() or repayment < 0:
        raise ValidationFailed(_("Die Rückforderung kann nicht negativ sein."), field="repayment")
    if not is_cents(repayment):
        raise ValidationFailed(cents_message(), field="repayment")
    if repayment > locked.paid_amount:
        raise ValidationFailed(
            _("Zurückgefordert werden kann höchstens, was ausgezahlt wurde (%(paid)s).")
            % {"paid": format_euro(locked.paid_amount)},
            field="repayment",
        )
    for payment in locked.payments.filter(status=Payment.Status.REQUESTED):
        transition(payment, to=Payment.Status.CANCELLED, actor=actor, note=_("Fall abgeschlossen"))
    unused = locked.approved_amount - locked.paid_amount
    budget_return(locked, unused + repayment)
    summary = (
        _("Rückforderung %(amount)s") % {"amount": format_euro(repayment)}
        if repayment
        else _("ohne Rückforderung")
    )
    transition(
        locked,
        to=Application.Status.CLOSED,
        actor=actor,
        note=(summary + (f" – {note.strip()}" if note.strip() else ""))[:2000],
        repaid_amount=repayment,
        closing_note=note.strip()[:5000],
    )
    for coordinator in _coordinators(locked):
        notify(
            kind="funding.application_closed",
            recipient=coordinator,
            dedupe_key=f"application-closed:{locked.pk}:{coordinator.pk}",
            context={
                **_mail_context(locked),
                "repayment": format_euro(repayment) if repayment else "",
            },
        )
    application.status = locked.status


def _reminder_key(application: Application, today: date) -> str | None:
    """Which reminder is due today for this case, as its dedupe key (None: none)."""
    due = application.proof_due_on
    days = (due - today).days
    if 7 < days <= 28:
        return f"proof-reminder:{application.pk}:4w"
    if 0 <= days <= 7:
        return f"proof-reminder:{application.pk}:1w"
    if days < 0:
        week = (-days - 1) // 7 + 1  # day 1-7 after the deadline: overdue week 1, ...
        return f"proof-reminder:{application.pk}:overdue-{week}"
    return None


def proof_reminders_send(*, today: date | None = None) -> int:
    """Queue the proof-of-use reminders that are due (idempotent: one row per dedupe key, per
    case, window and coordinator; a coordinator who joined since the last sweep gets the
    reminder of the current window). Returns how many new reminders were queued."""
    today = today or timezone.localdate()
    cases = list(
        Application.objects.filter(
            status=Application.Status.APPROVED,
            proof_due_on__isnull=False,
            proof_due_on__lte=today + timedelta(days=28),
        )
        .select_related("organisation")
        .order_by("proof_due_on", "pk")
    )
    wanted = [
        (key, application)
        for application in cases
        if (key := _reminder_key(application, today)) is not None
    ]
    recipients = coordinators_by_organisation({app.organisation_id for _key, app in wanted})
    due = [
        (f"{key}:{user.pk}", application, user)
        for key, application in wanted
        for user in recipients.get(application.organisation_id, [])
    ]
    taken = dedupe_keys_taken(dedupe_key for dedupe_key, _app, _user in due)
    queued = 0
    for dedupe_key, application, coordinator in due:
        if dedupe_key in taken:
            continue
        notify(
            kind="funding.proof_reminder",
            recipient=coordinator,
            dedupe_key=dedupe_key,
            context={
                **_mail_context(application),
                "proof_due_on": application.proof_due_on,
                "overdue": application.proof_due_on < today,
            },
        )
        queued += 1
    return queued
