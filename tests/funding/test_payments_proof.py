"""Payments (Mittelabruf) and proof of use (Verwendungsnachweis): never more requested or paid
than approved, the proof only after the project with every line's actual amount, and closing
returns what was not used plus the repayment to both pots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from backend.errors import CapacityExceeded, ConflictError, InvalidTransition, ValidationFailed
from funding.models import Application, CostLine, Payment
from funding.services import payments, proof
from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory

from .conftest import figures, history
from .factories import (
    ApplicationFactory,
    approved,
    coordinator_of,
    proposed,
    staff_user,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]

D = Decimal


@pytest.fixture
def case() -> Application:
    """Approved over 800 € (900 requested), two cost lines of 600 € and 400 €."""
    return approved(
        ApplicationFactory(
            cost_lines=[("fees", "Honorar", "600"), ("room", "Miete", "400")],
        ),
        amount=D("800"),
    )


@pytest.fixture
def staff():
    return staff_user()


def request(case: Application, amount: str) -> Payment:
    return payments.payment_request(application=case, amount=D(amount), actor=coordinator_of(case))


def actuals(case: Application, *amounts: str) -> dict[int, Decimal]:
    lines = list(case.cost_lines.order_by("position"))
    return {line.pk: D(amount) for line, amount in zip(lines, amounts, strict=True)}


def submit_proof(case: Application, *amounts: str, today: dt.date | None = None) -> None:
    proof.proof_submit(
        application=case,
        report="Zwölf Treffen.",
        actual_amounts=actuals(case, *amounts),
        actor=coordinator_of(case),
        today=today or case.ends_on,
    )


def test_requests_never_add_up_to_more_than_approved(case, staff):
    first = request(case, "500")
    with pytest.raises(CapacityExceeded) as caught:
        request(case, "300.01")
    assert (caught.value.field, caught.value.message) == (
        "amount",
        "Es können höchstens noch 300,00 € abgerufen werden.",
    )
    second = request(case, "300")
    with pytest.raises(CapacityExceeded):
        request(case, "0.01")

    payments.payment_cancel(payment=second, actor=coordinator_of(case))
    payments.payment_mark_paid(payment=first, actor=staff)
    third = request(case, "300")
    payments.payment_mark_paid(payment=third, actor=staff)
    with pytest.raises(CapacityExceeded):
        request(case, "0.01")

    case.refresh_from_db()
    assert case.paid_amount == D("800.00") == case.approved_amount
    assert figures(case.block) == (D("800.00"), D("800.00"), 0)
    assert figures(case.programme_year) == (D("800.00"), D("800.00"), 0)
    assert list(Payment.objects.values_list("status", flat=True)) == ["paid", "cancelled", "paid"]


@pytest.mark.parametrize("amount", ["0", "-1", None])
def test_a_request_needs_a_positive_amount(case, amount):
    with pytest.raises(ValidationFailed) as caught:
        payments.payment_request(
            application=case,
            amount=D(amount) if amount else None,
            actor=coordinator_of(case),
        )
    assert caught.value.field == "amount"
    assert not Payment.objects.exists()


def test_only_coordinators_request_and_only_for_an_approved_case(staff):
    application = submitted(ApplicationFactory())
    with pytest.raises(ConflictError):
        payments.payment_request(
            application=application, amount=D("1"), actor=coordinator_of(application)
        )
    approved(application)
    for outsider in (staff, MembershipFactory().user):
        with pytest.raises(PermissionDenied):
            payments.payment_request(application=application, amount=D("1"), actor=outsider)
    assert not Payment.objects.exists()


def test_a_payment_is_recorded_by_staff_once_and_told_to_each_coordinator(case, staff):
    second = MembershipFactory(organisation=case.organisation).user
    payment = request(case, "500")
    for outsider in (coordinator_of(case), UserFactory(ki_staff=True)):
        with pytest.raises(PermissionDenied):
            payments.payment_mark_paid(payment=payment, actor=outsider)

    payments.payment_mark_paid(payment=payment, actor=staff)
    with pytest.raises(InvalidTransition):
        payments.payment_mark_paid(payment=payment, actor=staff)
    with pytest.raises(InvalidTransition):
        payments.payment_cancel(payment=payment, actor=staff)

    payment.refresh_from_db()
    assert (payment.status, payment.paid_by, payment.paid_at is not None) == ("paid", staff, True)
    case.refresh_from_db()
    assert case.paid_amount == D("500.00")
    assert figures(case.block)[1] == figures(case.programme_year)[1] == D("500.00")
    told = Notification.objects.filter(kind="funding.payment_made")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [coordinator_of(case).pk, second.pk]
    )


def test_a_cancelled_request_cannot_be_paid(case, staff):
    payment = request(case, "500")
    payments.payment_cancel(payment=payment, actor=staff, note="Bitte erst Belege")
    with pytest.raises(InvalidTransition):
        payments.payment_mark_paid(payment=payment, actor=staff)
    case.refresh_from_db()
    assert case.paid_amount == 0
    assert figures(case.block)[1] == 0


def test_the_database_refuses_more_paid_than_approved(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=case.pk).update(paid_amount=D("800.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=case.pk).update(repaid_amount=D("800.01"))


def test_the_proof_comes_after_the_project_with_every_actual_amount(case):
    coordinator = coordinator_of(case)
    lines = list(case.cost_lines.order_by("position"))

    def refused(actual: dict, *, today=case.ends_on, report="Bericht") -> dict:
        with pytest.raises(ValidationFailed) as caught:
            proof.proof_submit(
                application=case,
                report=report,
                actual_amounts=actual,
                actor=coordinator,
                today=today,
            )
        case.refresh_from_db()
        assert case.status == Application.Status.APPROVED
        assert case.proof_submitted_at is None
        assert list(
            CostLine.objects.filter(application=case).values_list("actual_amount", flat=True)
        ) == [None, None]
        return caught.value.errors

    complete = actuals(case, "550", "250")
    errors = refused(complete, today=case.ends_on - dt.timedelta(days=1))
    assert errors["__all__"] == [
        f"Der Verwendungsnachweis kann ab dem Projektende ({case.ends_on:%d.%m.%Y}) "
        "eingereicht werden."
    ]
    assert list(refused(complete, report="  ")) == ["report"]
    assert list(refused({lines[0].pk: D("550")})) == ["actual_amounts"]
    assert list(refused({**complete, 999999: D("1")})) == ["actual_amounts"]
    negative = refused({lines[0].pk: D("550"), lines[1].pk: D("-0.01")})
    assert negative == {"actual_amounts": ["Tatsächliche Ausgaben können nicht negativ sein."]}
    assert list(refused({lines[0].pk: D("550"), lines[1].pk: None})) == ["actual_amounts"]
    with pytest.raises(PermissionDenied):
        proof.proof_submit(
            application=case,
            report="x",
            actual_amounts=complete,
            actor=staff_user(),
            today=case.ends_on,
        )

    proof.proof_submit(
        application=case,
        report=" Zwölf Treffen. ",
        actual_amounts=complete,
        actor=coordinator,
        today=case.ends_on,
    )
    case.refresh_from_db()
    assert (case.status, case.proof_report) == ("proof_submitted", "Zwölf Treffen.")
    assert list(case.cost_lines.order_by("position").values_list("actual_amount", flat=True)) == [
        D("550.00"),
        D("250.00"),
    ]
    with pytest.raises(ConflictError):
        submit_proof(case, "1", "1")


def test_a_proof_is_only_for_an_approved_case():
    application = submitted(ApplicationFactory())
    with pytest.raises(ConflictError):
        submit_proof(application, "1000")


def test_staff_return_a_proof_with_a_message_and_it_comes_again(case, staff):
    submit_proof(case, "600", "200")
    with pytest.raises(ValidationFailed):
        proof.proof_return(application=case, message=" ", actor=staff)
    with pytest.raises(PermissionDenied):
        proof.proof_return(application=case, message="x", actor=coordinator_of(case))
    proof.proof_return(application=case, message="Belege fehlen", actor=staff)
    case.refresh_from_db()
    assert case.status == Application.Status.APPROVED
    told = Notification.objects.get(kind="funding.proof_returned")
    assert told.context["message"] == "Belege fehlen"
    submit_proof(case, "600", "200")
    assert history(case)[-3:] == [
        ("approved", "proof_submitted"),
        ("proof_submitted", "approved"),
        ("approved", "proof_submitted"),
    ]


@pytest.mark.parametrize(("repayment", "field"), [("500.01", "repayment"), ("-1", "repayment")])
def test_a_repayment_above_what_was_paid_is_refused(case, staff, repayment, field):
    payments.payment_mark_paid(payment=request(case, "500"), actor=staff)
    submit_proof(case, "400", "100")
    with pytest.raises(ValidationFailed) as caught:
        proof.application_close(application=case, actor=staff, repayment=D(repayment))
    assert caught.value.field == field
    case.refresh_from_db()
    assert case.status == Application.Status.PROOF_SUBMITTED
    assert figures(case.block) == (D("800.00"), D("500.00"), 0)


def test_closing_returns_unused_money_and_the_repayment_to_both_pots(case, staff):
    paid = request(case, "500")
    payments.payment_mark_paid(payment=paid, actor=staff)
    submit_proof(case, "400", "100")
    with pytest.raises(ConflictError):
        request(case, "100")  # requests end with the proof
    with pytest.raises(PermissionDenied):
        proof.application_close(application=case, actor=coordinator_of(case))

    proof.application_close(
        application=case, actor=staff, repayment=D("120"), note="Belege 120 € zu hoch"
    )

    case.refresh_from_db()
    assert (case.status, case.repaid_amount) == ("closed", D("120.00"))
    # 300 € approved but never paid, and 120 € paid back, are free again.
    for pot in (case.block, case.programme_year):
        assert figures(pot) == (D("800.00"), D("500.00"), D("420.00"))
        assert pot.available == pot.pot - D("800") + D("420")
    assert history(case)[-1] == ("proof_submitted", "closed")
    with pytest.raises(ConflictError):
        proof.application_close(application=case, actor=staff)
    assert figures(case.block)[2] == D("420.00")


def test_open_requests_are_cancelled_on_close_and_a_payment_during_the_check_counts(case, staff):
    paid_late = request(case, "300")
    still_open = request(case, "200")
    submit_proof(case, "600", "200")
    # The check of the proof takes a while; a request made before it may still be paid.
    payments.payment_mark_paid(payment=paid_late, actor=staff)

    proof.application_close(application=case, actor=staff)

    still_open.refresh_from_db()
    assert still_open.status == Payment.Status.CANCELLED
    assert history(still_open) == [("requested", "cancelled")]
    with pytest.raises(InvalidTransition):
        payments.payment_mark_paid(payment=still_open, actor=staff)
    case.refresh_from_db()
    assert (case.paid_amount, case.repaid_amount) == (D("300.00"), 0)
    assert figures(case.block) == (D("800.00"), D("300.00"), D("500.00"))
    told = Notification.objects.get(kind="funding.application_closed")
    assert told.context["repayment"] == ""


def test_a_case_closed_without_any_payment_gives_everything_back(case, staff):
    submit_proof(case, "0", "0")
    proof.application_close(application=case, actor=staff)
    assert figures(case.block) == (D("800.00"), 0, D("800.00"))
    assert case.block.available == case.block.pot


def test_returning_a_proof_is_only_for_a_submitted_proof(staff):
    """Found by the state machine: APPROVED is also the target of signing, so "returning the
    proof" of a proposal used to approve it without a lead's signature and without money."""
    application = proposed(ApplicationFactory())
    with pytest.raises(ConflictError):
        proof.proof_return(application=application, message="Belege fehlen", actor=staff)
    application.refresh_from_db()
    assert (application.status, application.approved_amount) == ("proposed", None)
    assert figures(application.block) == (0, 0, 0)
    assert not Notification.objects.filter(kind="funding.proof_returned").exists()


@pytest.mark.parametrize("amount", ["0.004", "100.005", "NaN", "Infinity"])
def test_amounts_are_in_cents(case, staff, amount):
    """A third decimal would be rounded away on saving (0.004 € to a refused 0.00 €)."""
    with pytest.raises(ValidationFailed) as caught:
        payments.payment_request(application=case, amount=D(amount), actor=coordinator_of(case))
    assert caught.value.field == "amount"
    assert not Payment.objects.exists()
    lines = list(case.cost_lines.order_by("position"))
    with pytest.raises(ValidationFailed) as caught:
        proof.proof_submit(
            application=case,
            report="Bericht",
            actual_amounts={lines[0].pk: D("1"), lines[1].pk: D(amount)},
            actor=coordinator_of(case),
            today=case.ends_on,
        )
    assert list(caught.value.errors) == ["actual_amounts"]
    submit_proof(case, "1", "1")
    with pytest.raises(ValidationFailed) as caught:
        proof.application_close(application=case, actor=staff, repayment=D(amount))
    assert caught.value.field == "repayment"
    case.refresh_from_db()
    assert case.status == Application.Status.PROOF_SUBMITTED
