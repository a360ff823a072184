"""After approval: payment requests (Mittelabruf) and the proof of use through the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from funding.models import Application, CostLine, Payment
from funding.services import payments as payment_services
from funding.services import proof as proof_services
from tests.funding.factories import approved, coordinator_of, staff_user

from .helpers import text, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(draft):
    return approved(draft)


def ended(application: Application) -> Application:
    """The project period lies in the past (the proof of use is possible)."""
    today = timezone.localdate()
    Application.objects.filter(pk=application.pk).update(
        starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=1)
    )
    application.refresh_from_db()
    return application


def test_requesting_part_of_the_money_shows_what_is_left(coordinator_client, case):
    page = text(coordinator_client.get(url("application_detail", case)))
    assert "Sie können noch 900,00 € abrufen" in page

    response = coordinator_client.post(
        url("payment_request", case), {"amount": "400,50", "note": "Honorare Frühjahr"}, follow=True
    )

    payment = Payment.objects.get()
    assert (payment.amount, payment.note, payment.status) == (
        Decimal("400.50"),
        "Honorare Frühjahr",
        Payment.Status.REQUESTED,
    )
    page = text(response)
    assert "Der Mittelabruf über 400,50 € ist beim KI eingegangen." in page
    assert "Sie können noch 499,50 € abrufen" in page
    assert "angefordert" in page and "Honorare Frühjahr" in page


def test_more_than_is_left_is_refused_at_the_field(coordinator_client, case):
    coordinator_client.post(url("payment_request", case), {"amount": "800"})

    response = coordinator_client.post(url("payment_request", case), {"amount": "100,01"})

    assert response.status_code == 409
    assert "Es können höchstens noch 100,00 € abgerufen werden." in " ".join(
        response.context["payment_form"].errors["amount"]
    )
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("800.00")]


@pytest.mark.parametrize(("typed", "status"), [("-5", 400), ("abc", 400), ("0", 422)])
def test_a_bad_payment_amount_is_refused(coordinator_client, case, typed, status):
    response = coordinator_client.post(url("payment_request", case), {"amount": typed})
    assert response.status_code == status
    assert response.context["payment_form"].errors["amount"]
    # The page is long: a notice at the top leads to the form with the error.
    assert 'href="#mittel-abrufen"' in text(response)
    assert not Payment.objects.exists()


def test_no_payment_before_approval(coordinator_client, draft):
    response = coordinator_client.post(url("payment_request", draft), {"amount": "10"}, follow=True)
    assert "nur für bewilligte Anträge" in text(response)
    assert not Payment.objects.exists()


def test_an_open_request_can_be_cancelled_and_frees_the_money(coordinator_client, case):
    coordinator_client.post(url("payment_request", case), {"amount": "900"})
    payment = Payment.objects.get()

    response = coordinator_client.post(url("payment_cancel", payment), follow=True)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert "Sie können noch 900,00 € abrufen" in text(response)


def test_another_organisation_cannot_cancel_a_payment(client, case, other_coordinator):
    payment = payment_services.payment_request(
        application=case, amount=Decimal("100"), actor=coordinator_of(case)
    )
    client.force_login(other_coordinator)

    assert client.post(url("payment_cancel", payment)).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUESTED


def test_the_proof_of_use_waits_for_the_project_end(coordinator_client, case):
    page = text(coordinator_client.get(url("application_detail", case)))
    assert "können Sie ab dem Projektende" in page
    assert "Verwendungsnachweis einreichen" not in page


def test_submitting_the_proof_of_use(coordinator_client, case):
    ended(case)
    line = case.cost_lines.get()
    page = text(coordinator_client.get(url("application_detail", case)))
    assert "Verwendungsnachweis einreichen" in page
    assert f'name="actual_{line.pk}"' in page

    response = coordinator_client.post(
        url("proof_submit", case),
        {"report": "Zwölf Treffen mit je 15 Personen.", f"actual_{line.pk}": "950,00"},
        follow=True,
    )

    case.refresh_from_db()
    line.refresh_from_db()
    assert case.status == Application.Status.PROOF_SUBMITTED
    assert line.actual_amount == Decimal("950.00")
    page = text(response)
    assert "Der Verwendungsnachweis ist eingereicht." in page
    assert "Zwölf Treffen mit je 15 Personen." in page
    assert "950,00 €" in page


def test_a_proof_without_report_or_with_a_negative_amount_changes_nothing(coordinator_client, case):
    ended(case)
    line = case.cost_lines.get()

    response = coordinator_client.post(
        url("proof_submit", case), {"report": "", f"actual_{line.pk}": "-3"}
    )

    assert response.status_code == 400
    form = response.context["proof_form"]
    assert "report" in form.errors
    assert "Der Betrag darf nicht negativ sein." in " ".join(form.errors[f"actual_{line.pk}"])
    case.refresh_from_db()
    assert case.status == Application.Status.APPROVED
    assert CostLine.objects.get(pk=line.pk).actual_amount is None


def test_a_returned_proof_shows_the_message(coordinator_client, case):
    ended(case)
    line = case.cost_lines.get()
    proof_services.proof_submit(
        application=case,
        report="Bericht",
        actual_amounts={line.pk: Decimal("900")},
        actor=coordinator_of(case),
    )
    proof_services.proof_return(
        application=case, message="Bitte Belege für März nachreichen.", actor=staff_user()
    )

    page = text(coordinator_client.get(url("application_detail", case)))

    assert "Der Verwendungsnachweis ist zurückgegeben" in page
    assert "Bitte Belege für März nachreichen." in page
    assert "Verwendungsnachweis einreichen" in page


def test_a_proof_before_the_project_end_is_refused_with_the_date(coordinator_client, case):
    line = case.cost_lines.get()

    response = coordinator_client.post(
        url("proof_submit", case), {"report": "Zu früh.", f"actual_{line.pk}": "900"}
    )

    assert response.status_code == 422
    assert (
        f"Der Verwendungsnachweis kann ab dem Projektende ({case.ends_on:%d.%m.%Y}) "
        "eingereicht werden." in text(response)
    )
    case.refresh_from_db()
    assert case.status == Application.Status.APPROVED
