"""Review and decision: four eyes, roles and two-factor authentication, the limits of a
proposal, the e-mails of a decision, and a signing that fails leaving no trace."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from backend.errors import CapacityExceeded, ConflictError, ValidationFailed
from funding.models import Application, DecisionLetter, InternalNote
from funding.permissions import can_sign_application
from funding.services import review
from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory

from .conftest import figures, history
from .factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    coordinator_of,
    lead_user,
    proposed,
    staff_user,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]


def untouched(application: Application, status: str) -> None:
    """A refused decision step left the case, the pots, the letters and the outbox alone."""
    application.refresh_from_db()
    assert application.status == status
    assert application.signed_by_id is None and application.approved_amount is None
    assert not DecisionLetter.objects.filter(application=application).exists()
    assert figures(application.programme_year) == (0, 0, 0)
    assert figures(application.block) == (0, 0, 0)
    assert not Notification.objects.filter(kind__startswith="funding.application_a").exists()
    assert not Notification.objects.filter(kind="funding.application_rejected").exists()


def test_the_proposer_cannot_sign_even_as_a_lead():
    lead = lead_user()
    application = proposed(ApplicationFactory(), staff=lead)
    assert not can_sign_application(lead, application)

    with pytest.raises(ConflictError) as caught:
        review.decision_sign(application=application, actor=lead)

    assert "Vier-Augen-Prinzip" in caught.value.message
    untouched(application, Application.Status.PROPOSED)
    other = lead_user()
    assert can_sign_application(other, application)
    review.decision_sign(application=application, actor=other)
    application.refresh_from_db()
    assert (application.proposed_by, application.signed_by) == (lead, other)


@pytest.mark.parametrize(
    "signer",
    [
        lambda: staff_user(),  # KI staff, not a lead
        lambda: UserFactory(ki_lead=True),  # a lead without two-factor authentication
        lambda: UserFactory(admin=True),  # administrators are not leads
    ],
    ids=["staff", "lead-without-mfa", "admin"],
)
def test_only_a_lead_with_two_factor_authentication_signs(signer):
    application = proposed(ApplicationFactory())
    user = signer()
    assert not can_sign_application(user, application)
    with pytest.raises(PermissionDenied):
        review.decision_sign(application=application, actor=user)
    untouched(application, Application.Status.PROPOSED)


def test_a_coordinator_or_staff_without_mfa_cannot_review_or_propose():
    application = submitted(ApplicationFactory())
    for user in (coordinator_of(application), UserFactory(ki_staff=True)):
        with pytest.raises(PermissionDenied):
            review.decision_propose(
                application=application, decision="approve", amount=Decimal("500"), actor=user
            )
        with pytest.raises(PermissionDenied):
            review.application_request_changes(application=application, message="x", actor=user)
        with pytest.raises(PermissionDenied):
            review.note_add(application=application, text="x", actor=user)
    untouched(application, Application.Status.SUBMITTED)
    assert history(application) == [("draft", "submitted")]


def test_an_approval_in_a_year_not_yet_confirmed_cannot_be_signed():
    year = ProgrammeYearFactory(subject_to_confirmation=True)
    application = proposed(ApplicationFactory(programme_year=year))

    with pytest.raises(ConflictError) as caught:
        review.decision_sign(application=application, actor=lead_user())

    assert "vorbehaltlich" in caught.value.message
    untouched(application, Application.Status.PROPOSED)

    # Once the state has confirmed the pot, the same proposal is signed.
    year.subject_to_confirmation = False
    year.save(update_fields=["subject_to_confirmation"])
    review.decision_sign(application=application, actor=lead_user())
    assert figures(year) == (Decimal("900.00"), 0, 0)


def test_a_rejection_in_a_year_not_yet_confirmed_can_be_signed():
    year = ProgrammeYearFactory(subject_to_confirmation=True)
    application = submitted(ApplicationFactory(programme_year=year))
    review.decision_propose(
        application=application, decision="reject", reasons="Kein Bezug", actor=staff_user()
    )
    review.decision_sign(application=application, actor=lead_user())
    assert application.status == Application.Status.REJECTED


@pytest.mark.parametrize(
    ("amount", "cap", "message"),
    [
        ("900.01", None, "Es kann höchstens der beantragte Betrag (900,00 €) bewilligt werden."),
        ("850", "800", "Je Antrag können höchstens 800,00 € bewilligt werden."),
        ("0", None, "Bitte geben Sie den Bewilligungsbetrag an."),
        ("-5", None, "Bitte geben Sie den Bewilligungsbetrag an."),
        (None, None, "Bitte geben Sie den Bewilligungsbetrag an."),
    ],
)
def test_an_approval_above_the_request_or_the_cap_is_not_proposed(amount, cap, message):
    year = ProgrammeYearFactory()
    application = submitted(
        ApplicationFactory(programme_year=year, requested_amount=Decimal("900"))
    )
    # A cap set (or lowered) after the application came in still holds for the approval.
    year.cap_per_application = Decimal(cap) if cap else None
    year.save(update_fields=["cap_per_application"])
    with pytest.raises(ValidationFailed) as caught:
        review.decision_propose(
            application=application,
            decision="approve",
            amount=Decimal(amount) if amount else None,
            actor=staff_user(),
        )
    assert (caught.value.field, caught.value.message) == ("decision_amount", message)
    untouched(application, Application.Status.SUBMITTED)
    assert history(application) == [("draft", "submitted")]


def test_an_approval_of_less_than_requested_binds_only_that():
    application = approved(ApplicationFactory(), amount=Decimal("650"))
    assert application.approved_amount == Decimal("650.00")
    assert figures(application.block) == (Decimal("650.00"), 0, 0)
    assert figures(application.programme_year) == (Decimal("650.00"), 0, 0)
    assert application.proof_due_on == application.programme_year.proof_due_on(application.ends_on)


@pytest.mark.parametrize("reasons", ["", "   \n"])
def test_a_rejection_needs_reasons(reasons):
    application = submitted(ApplicationFactory())
    with pytest.raises(ValidationFailed) as caught:
        review.decision_propose(
            application=application, decision="reject", reasons=reasons, actor=staff_user()
        )
    assert caught.value.field == "decision_reasons"
    untouched(application, Application.Status.SUBMITTED)


def test_an_unknown_decision_is_refused():
    application = submitted(ApplicationFactory())
    with pytest.raises(ValidationFailed) as caught:
        review.decision_propose(application=application, decision="maybe", actor=staff_user())
    assert caught.value.field == "decision"
    untouched(application, Application.Status.SUBMITTED)


def test_a_signed_rejection_binds_no_money_and_has_its_letter():
    application = submitted(ApplicationFactory())
    review.decision_propose(
        application=application,
        decision="reject",
        reasons="Die Maßnahme hat schon begonnen.",
        actor=staff_user(),
    )
    review.decision_sign(application=application, actor=lead_user())
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.approved_amount is None and application.proof_due_on is None
    assert application.letter.kind == DecisionLetter.Kind.REJECTION
    assert figures(application.block) == (0, 0, 0)
    told = Notification.objects.get(kind="funding.application_rejected")
    assert told.recipient == coordinator_of(application)


def test_a_decision_is_signed_once_and_only_when_proposed():
    application = submitted(ApplicationFactory())
    with pytest.raises(ConflictError):
        review.decision_sign(application=application, actor=lead_user())
    proposed(application)
    review.decision_sign(application=application, actor=lead_user())
    with pytest.raises(ConflictError):
        review.decision_sign(application=application, actor=lead_user())
    assert figures(application.block) == (Decimal("900.00"), 0, 0)
    assert DecisionLetter.objects.filter(application=application).count() == 1


def test_the_database_refuses_a_signer_who_proposed():
    """The four-eyes CHECK constraint, for a code path that forgot the rule."""
    staff = staff_user()
    application = proposed(ApplicationFactory(), staff=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(signed_by=staff, status="approved")


def test_a_proposal_sent_back_is_proposed_again_and_then_signed():
    staff = staff_user()
    application = proposed(ApplicationFactory(), staff=staff)
    review.decision_send_back(application=application, note="Betrag prüfen", actor=lead_user())
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert (application.decision, application.decision_amount, application.proposed_by) == (
        "",
        None,
        None,
    )
    with pytest.raises(ConflictError):
        review.decision_send_back(application=application, note="", actor=lead_user())
    # The former proposer's colleague proposes; the former proposer, now not the proposer,
    # may not sign either: only leads sign.
    review.decision_propose(
        application=application, decision="approve", amount=Decimal("700"), actor=lead_user()
    )
    review.decision_sign(application=application, actor=lead_user())
    assert history(application) == [
        ("draft", "submitted"),
        ("submitted", "proposed"),
        ("proposed", "submitted"),
        ("submitted", "proposed"),
        ("proposed", "approved"),
    ]


def test_asking_for_changes_needs_a_message_and_queues_it_once_per_coordinator():
    application = submitted(ApplicationFactory())
    second = MembershipFactory(organisation=application.organisation).user
    staff = staff_user()
    with pytest.raises(ValidationFailed) as caught:
        review.application_request_changes(application=application, message=" ", actor=staff)
    assert caught.value.field == "message"
    assert not Notification.objects.filter(kind="funding.changes_requested").exists()

    review.application_request_changes(
        application=application, message="Bitte die Zielgruppe genauer.", actor=staff
    )

    application.refresh_from_db()
    assert application.status == Application.Status.CHANGES_REQUESTED
    assert application.change_request == "Bitte die Zielgruppe genauer."
    told = Notification.objects.filter(kind="funding.changes_requested")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [coordinator_of(application).pk, second.pk]
    )
    assert {n.context["message"] for n in told} == {"Bitte die Zielgruppe genauer."}
    assert history(application)[-1] == ("submitted", "changes_requested")


def test_signing_queues_one_email_per_active_coordinator():
    application = ApplicationFactory()
    second = MembershipFactory(organisation=application.organisation).user
    MembershipFactory(organisation=application.organisation, user=UserFactory(is_active=False))
    approved(application, amount=Decimal("800"))

    told = Notification.objects.filter(kind="funding.application_approved")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [coordinator_of(application).pk, second.pk]
    )
    assert [(n.context["amount"], n.context["proof_due_on"]) for n in told] == [
        ("800,00 €", {"$date": application.proof_due_on.isoformat()})
    ] * 2


def test_a_signing_refused_for_lack_of_money_queues_nothing_and_stores_no_letter():
    year = ProgrammeYearFactory(blocks={"A": Decimal("1000")})
    first = submitted(ApplicationFactory(programme_year=year))
    second = submitted(ApplicationFactory(programme_year=year))
    proposed(first)
    proposed(second)
    review.decision_sign(application=first, actor=lead_user())

    with pytest.raises(CapacityExceeded) as caught:
        review.decision_sign(application=second, actor=lead_user())

    assert (caught.value.field, caught.value.message) == (
        "decision_amount",
        "Im Baustein A sind nur noch 100,00 € frei.",
    )
    second.refresh_from_db()
    assert second.status == Application.Status.PROPOSED and second.signed_by is None
    assert not DecisionLetter.objects.filter(application=second).exists()
    assert not Notification.objects.filter(
        kind="funding.application_approved", recipient=coordinator_of(second)
    ).exists()
    assert history(second)[-1] == ("submitted", "proposed")
    assert figures(year) == (Decimal("900.00"), 0, 0)


def test_a_signing_refused_because_the_year_is_short_names_the_year():
    year = ProgrammeYearFactory()
    application = proposed(ApplicationFactory(programme_year=year))
    year.pot = Decimal("899.99")
    year.save(update_fields=["pot"])
    with pytest.raises(CapacityExceeded) as caught:
        review.decision_sign(application=application, actor=lead_user())
    assert caught.value.message == f"Im Fördertopf {year.year} sind nur noch 899,99 € frei."
    untouched(application, Application.Status.PROPOSED)


def test_notes_and_checklist_are_staff_only_and_checked():
    application = submitted(ApplicationFactory())
    staff = staff_user()
    with pytest.raises(ValidationFailed):
        review.note_add(application=application, text="  ", actor=staff)
    note = review.note_add(application=application, text=" Rückruf am Montag ", actor=staff)
    assert InternalNote.objects.get().text == "Rückruf am Montag" == note.text

    with pytest.raises(ValidationFailed):
        review.checklist_update(application=application, checked={"bribe_paid"}, actor=staff)
    review.checklist_update(application=application, checked={"fits_block"}, actor=staff)
    application.refresh_from_db()
    assert application.checklist["fits_block"] is True
    assert application.checklist["costs_plausible"] is False
    with pytest.raises(PermissionDenied):
        review.checklist_update(
            application=application, checked=set(), actor=coordinator_of(application)
        )
    approved(application)
    with pytest.raises(ConflictError):
        review.checklist_update(application=application, checked=set(), actor=staff)


@pytest.mark.parametrize("status", ["draft", "changes_requested", "submitted"])
def test_sending_back_is_only_for_a_proposal(status):
    """Found by the state machine: SUBMITTED is reachable from a draft in TRANSITIONS, so
    "sending back" a draft used to submit it past every submission rule."""
    application = ApplicationFactory(
        status=status, requested_amount=Decimal("999999"), description=""
    )
    with pytest.raises(ConflictError):
        review.decision_send_back(application=application, note="", actor=lead_user())
    application.refresh_from_db()
    assert application.status == status
    assert history(application) == []


def test_an_amount_with_more_than_cents_is_not_proposed():
    application = submitted(ApplicationFactory())
    with pytest.raises(ValidationFailed) as caught:
        review.decision_propose(
            application=application, decision="approve", amount=Decimal("0.004"), actor=staff_user()
        )
    assert caught.value.field == "decision_amount"
    assert "zwei Nachkommastellen" in caught.value.message
    untouched(application, Application.Status.SUBMITTED)
