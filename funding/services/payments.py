"""Mittelabruf: the organisation asks for part of the approved money; KI staff record the
payment. Requested (open) and paid parts together never exceed the approved amount; the check
runs under the application's row lock, the CheckConstraint on paid_amount is the backstop."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.conflicts import records_refusals, refuse_if_biased
from backend.errors import CapacityExceeded, ConflictError, InvalidTransition, ValidationFailed
from backend.status import transition
from notifications.services import notify

from ..models import Application, Payment
from ..models.programmes import ZERO
from ..permissions import is_applicant, is_funding_staff
from .applications import _coordinators, _mail_context
from .budget import budget_pay, cents_message, format_euro, is_cents

if TYPE_CHECKING:
    from backend.accounts.models import User


def payments_open_total(application: Application) -> Decimal:
    """Requested parts that are not paid or cancelled yet."""
    return (
        application.payments.filter(status=Payment.Status.REQUESTED).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )


@transaction.atomic
def payment_request(
    *, application: Application, amount: Decimal, actor: User, note: str = ""
) -> Payment:
    """The applicant asks for `amount` of the approved money. Raises ValidationFailed for a
    non-positive amount, CapacityExceeded when more than the rest would be asked for."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not is_applicant(actor, locked):
        raise PermissionDenied
    if locked.status != Application.Status.APPROVED:
        raise ConflictError(_("Mittel können nur für bewilligte Anträge abgerufen werden."))
    if amount is None or not amount.is_finite() or amount <= 0:
        raise ValidationFailed(_("Bitte geben Sie einen Betrag über 0 € an."), field="amount")
    if not is_cents(amount):
        raise ValidationFailed(cents_message(), field="amount")
    left = locked.approved_amount - locked.paid_amount - payments_open_total(locked)
    if amount > left:
        raise CapacityExceeded(
            _("Es können höchstens noch %(left)s abgerufen werden.")
            % {"left": format_euro(max(left, ZERO))},
            field="amount",
        )
    return Payment.objects.create(
        application=locked, amount=amount, requested_by=actor, note=note.strip()[:300]
    )


@records_refusals
@transaction.atomic
def payment_mark_paid(*, payment: Payment, actor: User) -> Payment:
    """Staff record a requested payment as paid; it counts against the pots' paid figures.
    Nobody records a payment to an organisation they are a member of or registered
    (ConflictOfInterest; an audit row on the payment, nothing else changes)."""
    if not is_funding_staff(actor):
        raise PermissionDenied
    refuse_if_biased(payment, actor=actor, organisation=payment.application.organisation)
    application = Application.objects.select_for_update().get(pk=payment.application_id)
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != Payment.Status.REQUESTED:
        # Paid or cancelled already (a double click, two staff at once): say so, rather than
        # that the approval is used up by this very payment.
        raise InvalidTransition()
    if locked.amount > application.approved_amount - application.paid_amount:
        raise CapacityExceeded(_("Mehr als bewilligt kann nicht ausgezahlt werden."))
    now = timezone.now()
    transition(locked, to=Payment.Status.PAID, actor=actor, paid_by=actor, paid_at=now)
    Application.objects.filter(pk=application.pk).update(
        paid_amount=F("paid_amount") + locked.amount
    )
    budget_pay(application, locked.amount)
    for coordinator in _coordinators(application):
        notify(
            kind="funding.payment_made",
            recipient=coordinator,
            dedupe_key=f"payment-paid:{locked.pk}:{coordinator.pk}",
            context={**_mail_context(application), "amount": format_euro(locked.amount)},
        )
    payment.status = locked.status
    return locked


@transaction.atomic
def payment_cancel(*, payment: Payment, actor: User, note: str = "") -> Payment:
    """A requested payment is withdrawn (by the applicant) or refused (by staff)."""
    application = Application.objects.select_for_update().get(pk=payment.application_id)
    if not (is_funding_staff(actor) or is_applicant(actor, application)):
        raise PermissionDenied
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    transition(locked, to=Payment.Status.CANCELLED, actor=actor, note=note.strip()[:2000])
    payment.status = locked.status
    return locked
