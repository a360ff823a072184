"""The whole case through the services, once: draft -> submit -> changes -> resubmit ->
propose -> sign (letter, money bound) -> pay -> proof -> close with a repayment."""

from decimal import Decimal

import pytest

from backend.models import StatusChange
from funding.models import Application, Payment
from funding.services import payments, proof, review
from funding.services.applications import application_submit
from notifications.models import Notification
from tests.funding.factories import (
    ApplicationFactory,
    coordinator_of,
    lead_user,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_a_case_from_draft_to_closed_keeps_the_pots_right():
    application = ApplicationFactory()
    coordinator = coordinator_of(application)
    staff, lead = staff_user(), lead_user()

    application_submit(application=application, actor=coordinator)
    review.application_request_changes(
        application=application, message="Bitte Zielgruppe genauer.", actor=staff
    )
    application_submit(application=application, actor=coordinator)
    review.decision_propose(
        application=application, decision="approve", amount=Decimal("800"), actor=staff
    )
    review.decision_sign(application=application, actor=lead)

    application.refresh_from_db()
    year, block = application.programme_year, application.block
    year.refresh_from_db()
    block.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.approved_amount == Decimal("800.00")
    assert year.committed == block.committed == Decimal("800.00")
    assert bytes(application.letter.pdf).startswith(b"%PDF-")
    assert Notification.objects.filter(kind="funding.application_approved").count() == 1

    payment = payments.payment_request(
        application=application, amount=Decimal("500"), actor=coordinator
    )
    payments.payment_mark_paid(payment=payment, actor=staff)
    application.refresh_from_db()
    assert application.paid_amount == Decimal("500.00")

    proof.proof_submit(
        application=application,
        report="Zwölf Treffen mit je 15 Personen.",
        actual_amounts={line.pk: Decimal("450") for line in application.cost_lines.all()},
        actor=coordinator,
        today=application.ends_on,
    )
    proof.application_close(application=application, actor=staff, repayment=Decimal("50"))

    year.refresh_from_db()
    # 300 never paid + 50 repaid come back to the pot.
    assert year.returned == Decimal("350.00")
    assert year.available == Decimal("100000.00") - Decimal("800") + Decimal("350")
    assert Payment.objects.get().status == Payment.Status.PAID
    steps = list(
        StatusChange.objects.filter(object_id=application.pk).values_list(
            "from_status", "to_status"
        )
    )
    assert ("proposed", "approved") in steps and steps[-1] == ("proof_submitted", "closed")
