"""Proposing and signing a decision, as the KI team and the lead do it on the case page: an
explicit choice (nothing preselected), a confirmation step that shows the amount and what is
left in the building block's and the year's pot before and after, the leads told of a proposal
(in-app and by email, once per proposal), and messages that say only what happened."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from funding.models import Application, DecisionLetter
from funding.services import review
from notifications.models import Notification
from tests.funding.factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    block,
    coordinator_of,
    proposed,
    submitted,
)

from .conftest import action_url, detail_url, page_messages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]

PROPOSAL = {
    "propose-decision": "approve",
    "propose-decision_amount": "1.800,00",
    "propose-decision_conditions": "Teilnahmelisten führen.",
}


@pytest.fixture
def case(db):
    """A submitted case asking 2,000 € from block B (pot 25,000 €, 5,000 € bound already) of
    a year of 100,000 €."""
    year = ProgrammeYearFactory()
    b = block(year, "B")
    b.committed = Decimal("5000.00")
    b.save(update_fields=["committed"])
    year.committed = Decimal("5000.00")
    year.save(update_fields=["committed"])
    return submitted(
        ApplicationFactory(
            programme_year=year,
            block=b,
            requested_amount=Decimal("2000.00"),
            own_contribution=Decimal("0.00"),
            cost_lines=[("fees", "Honorare", "2000")],
        )
    )


def radios(page: str, name: str) -> list[str]:
    """The radio inputs named `name` on the page."""
    return re.findall(rf'<input[^>]*name="{name}"[^>]*>', page, re.S)


def cells(page: str) -> str:
    """The page's text with tags and runs of white space collapsed (to read table rows)."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_nothing_is_preselected_in_the_proposal_form(staff_client, case):
    page = staff_client.get(detail_url(case)).text
    options = radios(page, "propose-decision")
    assert len(options) == 2
    assert not any("checked" in option for option in options)


def test_a_proposal_without_a_choice_is_refused_with_the_input_kept(staff_client, case):
    response = staff_client.post(
        action_url(case, "propose"), {"propose-decision_amount": "1.800,00"}
    )

    assert response.status_code == 400
    assert "Bitte wählen Sie: Bewilligung oder Ablehnung." in response.text
    assert 'value="1.800,00"' in response.text
    case.refresh_from_db()
    assert case.status == Application.Status.SUBMITTED


def test_proposing_shows_amount_and_pots_before_anything_is_saved(staff_client, lead, case):
    response = staff_client.post(action_url(case, "propose"), PROPOSAL)

    assert response.status_code == 200
    text = cells(response.text)
    assert "Entscheidung vorschlagen: bitte bestätigen" in text
    assert "Bewilligungsbetrag 1.800,00 €" in text
    assert "Teilnahmelisten führen." in text
    # Block B: 25,000 pot, 20,000 free, 18,200 after; the year: 95,000 free, 93,200 after.
    assert "Baustein B: Baustein B 25.000,00 € 20.000,00 € − 1.800,00 € 18.200,00 €" in text
    assert "Fördertopf KOMM-AN II" in text
    assert "95.000,00 € − 1.800,00 € 93.200,00 €" in text
    case.refresh_from_db()
    assert case.status == Application.Status.SUBMITTED
    assert not Notification.objects.filter(kind="funding.decision_proposed").exists()

    # "Zurück und ändern": the form again, as typed, still nothing saved.
    back = staff_client.post(action_url(case, "propose"), {**PROPOSAL, "step": "edit"})
    assert back.status_code == 200
    assert 'value="1.800,00"' in back.text
    assert "Teilnahmelisten führen." in back.text
    case.refresh_from_db()
    assert case.status == Application.Status.SUBMITTED

    done = staff_client.post(
        action_url(case, "propose"), {**PROPOSAL, "step": "confirm"}, follow=True
    )
    case.refresh_from_db()
    assert case.status == Application.Status.PROPOSED
    assert case.decision_amount == Decimal("1800.00")
    assert "Die KI-Leitung wurde benachrichtigt" in " ".join(page_messages(done))


def test_a_rejection_shows_that_the_pots_stay_as_they_are(staff_client, case):
    response = staff_client.post(
        action_url(case, "propose"),
        {"propose-decision": "reject", "propose-decision_reasons": "Kein Bezug zum Baustein."},
    )

    text = cells(response.text)
    assert "Noch frei – eine Ablehnung ändert daran nichts" in text
    assert "25.000,00 € 20.000,00 € 0,00 € 20.000,00 €" in text
    assert "Kein Bezug zum Baustein." in text


def test_a_proposal_tells_every_other_lead_once_in_app_and_by_email(
    staff, staff_client, lead, second_lead, case
):
    staff_client.post(action_url(case, "propose"), {**PROPOSAL, "step": "confirm"})

    rows = Notification.objects.filter(kind="funding.decision_proposed").order_by("recipient")
    assert [row.recipient for row in rows] == sorted([lead, second_lead], key=lambda u: u.pk)
    assert all(row.in_app for row in rows)
    context = rows[0].context
    assert context["reference"] == case.reference
    assert context["amount"] == "1.800,00 €"
    assert context["staff_url"].endswith(detail_url(case) + "#entscheidung")

    # Sent back and proposed again: a new proposal, told again; the same one never twice.
    review.decision_send_back(application=case, note="Betrag prüfen", actor=staff)
    staff_client.post(action_url(case, "propose"), {**PROPOSAL, "step": "confirm"})
    assert Notification.objects.filter(kind="funding.decision_proposed").count() == 4


def test_a_lead_who_proposes_is_not_told_of_their_own_proposal(lead, lead_client, case):
    lead_client.post(action_url(case, "propose"), {**PROPOSAL, "step": "confirm"})

    case.refresh_from_db()
    assert case.status == Application.Status.PROPOSED
    assert not Notification.objects.filter(
        kind="funding.decision_proposed", recipient=lead
    ).exists()


def test_the_lead_sees_the_proposal_in_the_in_app_list(staff_client, lead, lead_client, case):
    staff_client.post(action_url(case, "propose"), {**PROPOSAL, "step": "confirm"})

    from django.urls import reverse

    page = lead_client.get(reverse("notifications:inbox")).text
    assert f"Antrag {case.reference}" in page
    assert "Entscheidung zum Zeichnen vorgeschlagen" in page


def test_signing_needs_a_choice_and_a_confirmation_showing_the_pots(lead_client, case):
    proposed(case, amount=Decimal("1800.00"))
    page = lead_client.get(detail_url(case)).text
    options = radios(page, "sign-choice")
    assert len(options) == 2
    assert not any("checked" in option for option in options)

    without_choice = lead_client.post(action_url(case, "sign"), {})
    assert without_choice.status_code == 400
    assert "Bitte wählen Sie: zeichnen oder zur Prüfung zurückgeben." in without_choice.text

    confirm = lead_client.post(action_url(case, "sign"), {"sign-choice": "sign"})
    assert confirm.status_code == 200
    text = cells(confirm.text)
    assert "Entscheidung zeichnen: bitte bestätigen" in text
    assert "Bewilligungsbetrag 1.800,00 €" in text
    assert "20.000,00 € − 1.800,00 € 18.200,00 €" in text
    assert "95.000,00 € − 1.800,00 € 93.200,00 €" in text
    case.refresh_from_db()
    assert case.status == Application.Status.PROPOSED  # nothing signed yet
    assert not DecisionLetter.objects.filter(application=case).exists()

    stamp = re.search(r'name="sign-proposal" value="([^"]+)"', confirm.text).group(1)
    done = lead_client.post(
        action_url(case, "sign"),
        {"sign-choice": "sign", "sign-proposal": stamp, "step": "confirm"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == Application.Status.APPROVED
    block_b = case.block
    block_b.refresh_from_db()
    assert block_b.available == Decimal("18200.00")
    assert page_messages(done) == [
        "Die Entscheidung ist gezeichnet und der Bescheid erstellt. Eine E-Mail an die "
        "Koordination der Organisation liegt im Postausgang."
    ]


def test_a_proposal_changed_after_the_lead_looked_is_not_signed(staff, lead_client, case):
    proposed(case, staff=staff, amount=Decimal("1800.00"))
    confirm = lead_client.post(action_url(case, "sign"), {"sign-choice": "sign"})
    stamp = re.search(r'name="sign-proposal" value="([^"]+)"', confirm.text).group(1)
    # Meanwhile the proposal is sent back and made again with another amount.
    review.decision_send_back(application=case, note="", actor=staff)
    proposed(case, staff=staff, amount=Decimal("2000.00"))

    response = lead_client.post(
        action_url(case, "sign"),
        {"sign-choice": "sign", "sign-proposal": stamp, "step": "confirm"},
        follow=True,
    )

    assert any("inzwischen geändert" in m for m in page_messages(response))
    case.refresh_from_db()
    assert case.status == Application.Status.PROPOSED
    assert case.approved_amount is None


def test_the_lead_can_choose_to_give_the_proposal_back(lead_client, case):
    proposed(case)

    response = lead_client.post(
        action_url(case, "sign"),
        {"sign-choice": "send_back", "sign-note": "Bitte den Kostenplan prüfen."},
        follow=True,
    )

    assert page_messages(response) == ["Der Vorschlag ist zur Prüfung zurückgegeben."]
    case.refresh_from_db()
    assert case.status == Application.Status.SUBMITTED
    assert case.approved_amount is None


def test_a_pot_that_is_too_short_is_named_before_the_lead_confirms(lead_client, case):
    proposed(case, amount=Decimal("1800.00"))
    b = case.block
    b.committed = Decimal("24000.00")
    b.save(update_fields=["committed"])

    response = lead_client.post(action_url(case, "sign"), {"sign-choice": "sign"}, follow=True)

    assert page_messages(response) == ["Im Baustein B sind nur noch 1.000,00 € frei."]
    case.refresh_from_db()
    assert case.status == Application.Status.PROPOSED


def test_messages_do_not_claim_emails_to_a_coordination_that_does_not_exist(
    staff_client, lead_client, case
):
    case.organisation.memberships.all().delete()

    asked = staff_client.post(
        action_url(case, "request-changes"), {"changes-message": "Bitte ergänzen."}, follow=True
    )
    assert page_messages(asked) == [
        "Der Antrag ist zur Überarbeitung zurückgegeben. Die Organisation hat keine aktive "
        "Koordination: Es wurde keine E-Mail verschickt."
    ]
    assert not Notification.objects.filter(kind="funding.changes_requested").exists()


def test_every_coordinator_emailed_is_counted(staff_client, case):
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=case.organisation)
    assert case.organisation.memberships.count() == 2
    coordinator_of(case)

    asked = staff_client.post(
        action_url(case, "request-changes"), {"changes-message": "Bitte ergänzen."}, follow=True
    )
    assert page_messages(asked) == [
        "Der Antrag ist zur Überarbeitung zurückgegeben. E-Mails an 2 Personen der Koordination "
        "liegen im Postausgang."
    ]
    assert Notification.objects.filter(kind="funding.changes_requested").count() == 2
