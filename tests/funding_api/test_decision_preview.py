"""The confirmation steps over the API: what a proposal or a signature would do to the pots,
before anything is saved; signing exactly the proposal that was previewed; the leads told of a
proposal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funding.models import Application
from funding.services import review
from notifications.models import Notification
from tests.funding.factories import ApplicationFactory, proposed, submitted

from .helpers import BASE, assert_error, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]


@pytest.fixture
def fast_letters(monkeypatch):
    from tests.funding.conftest import fake_letter_render

    monkeypatch.setattr(review.letters, "letter_render", fake_letter_render)


def case_url(pk, action: str) -> str:
    return f"{BASE}/applications/{pk}/{action}/"


@pytest.fixture
def case(w):
    """A submitted case of X asking 900 € from block A (25,000 €) of a 100,000 € year."""
    return submitted(
        ApplicationFactory(organisation=w.org_x, programme_year=w.year, block=w.block_a)
    )


def pots(body) -> dict:
    return {pot["kind"]: pot for pot in body["pots"]}


def test_a_proposal_preview_shows_the_pots_and_saves_nothing(w, case):
    response = client_for(w.staff).post(
        case_url(case.pk, "propose-preview"),
        {"decision": "approve", "amount": "800.00", "conditions": "Belege aufbewahren."},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["decision"], body["amount"], body["binds_money"]) == ("approve", "800.00", False)
    block = pots(body)["block"]
    assert (block["available_before"], block["amount"], block["available_after"]) == (
        "25000.00",
        "800.00",
        "24200.00",
    )
    assert pots(body)["year"]["available_after"] == "99200.00"
    case.refresh_from_db()
    assert case.status == Application.Status.SUBMITTED
    assert not Notification.objects.filter(kind="funding.decision_proposed").exists()


def test_a_proposal_preview_refuses_what_propose_refuses(w, case):
    response = client_for(w.staff).post(
        case_url(case.pk, "propose-preview"),
        {"decision": "approve", "amount": "950.00"},
        format="json",
    )

    assert_error(response, 422, "validation_error", "amount")


def test_the_applicant_gets_no_preview(w, case):
    response = client_for(w.coordinator_x).post(
        case_url(case.pk, "propose-preview"), {"decision": "reject"}, format="json"
    )
    assert response.status_code == 403


def test_proposing_over_the_api_tells_the_leads(w, case):
    response = client_for(w.staff).post(
        case_url(case.pk, "propose"), {"decision": "approve", "amount": "800.00"}, format="json"
    )

    assert response.status_code == 200, response.content
    told = set(
        Notification.objects.filter(kind="funding.decision_proposed").values_list(
            "recipient", flat=True
        )
    )
    assert told == {w.lead.pk, w.lead_2.pk}


def test_sign_preview_then_sign_exactly_that_proposal(w, case):
    proposed(case, staff=w.staff, amount=Decimal("800.00"))
    lead = client_for(w.lead)

    preview = lead.get(case_url(case.pk, "sign-preview"))
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert (body["amount"], body["binds_money"], body["fits"]) == ("800.00", True, True)
    assert pots(body)["block"]["available_after"] == "24200.00"
    stamp = body["proposal_stamp"]
    case.refresh_from_db()
    assert case.status == Application.Status.PROPOSED

    # The proposal changes meanwhile: the previewed one is not there any more.
    review.decision_send_back(application=case, note="", actor=w.staff)
    proposed(case, staff=w.staff, amount=Decimal("900.00"))
    stale = lead.post(case_url(case.pk, "sign"), {"proposal": stamp}, format="json")
    assert_error(stale, 409, "conflict")
    case.refresh_from_db()
    assert case.status == Application.Status.PROPOSED

    fresh = lead.get(case_url(case.pk, "sign-preview")).json()["proposal_stamp"]
    signed = lead.post(case_url(case.pk, "sign"), {"proposal": fresh}, format="json")
    assert signed.status_code == 200, signed.content
    case.refresh_from_db()
    assert case.approved_amount == Decimal("900.00")


def test_only_a_lead_gets_the_sign_preview(w, case):
    proposed(case, staff=w.lead)

    assert client_for(w.staff).get(case_url(case.pk, "sign-preview")).status_code == 403
    own = client_for(w.lead).get(case_url(case.pk, "sign-preview"))
    assert_error(own, 409, "conflict")  # four eyes: the proposer
