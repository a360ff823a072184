"""Conflicts of interest (issue 19 "Trust"): nobody decides about their own matter. Each rule is
refused in the service with a message naming it (409 in the API, a message on the page),
nothing changes, and the refusal is one audit row (StatusChange "refused") that stays although
the service's transaction was rolled back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from backend.conflicts import REFUSED, ConflictOfInterest
from backend.models import StatusChange
from notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory, VolunteerFactory
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory, HoursEntryFactory
from tests.volunteers_api.helpers import client_for
from volunteers.models import Assignment, HoursEntry
from volunteers.services.assignments import assignment_accept
from volunteers.services.hours import hours_confirm, hours_confirm_many, hours_reject

pytestmark = pytest.mark.django_db


def refusals(subject) -> list[StatusChange]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(subject)),
            object_id=subject.pk,
            to_status=REFUSED,
        )
    )


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Hours and offers: nobody answers for themselves -----------------------------------------


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def coordinator(organisation):
    """A coordinator of the organisation who also volunteers for it."""
    user = VolunteerFactory()
    MembershipFactory(organisation=organisation, user=user)
    return user


@pytest.fixture
def colleague(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def help_request(organisation, colleague):
    return HelpRequestFactory(
        organisation=organisation,
        created_by=colleague,
        open=True,
        opened_at=timezone.now() - dt.timedelta(days=30),
        helpers_needed=3,
    )


@pytest.fixture
def own_entry(help_request, coordinator):
    """Hours the coordinator logged as a volunteer on their own organisation's request."""
    assignment = AssignmentFactory(
        help_request=help_request,
        volunteer=coordinator,
        confirmed=True,
        confirmed_at=timezone.now() - dt.timedelta(days=20),
    )
    return HoursEntryFactory(assignment=assignment, date=timezone.localdate(), hours=3)


def assert_own_hours_refused(entry: HoursEntry, coordinator) -> None:
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.SUBMITTED
    assert entry.reviewed_by is None
    assert not Notification.objects.filter(
        kind="volunteers.hours_confirmed", recipient=coordinator
    ).exists()
    [row] = refusals(entry)
    assert row.actor == coordinator
    assert row.from_status == HoursEntry.Status.SUBMITTED
    assert row.note.startswith("own_hours: Interessenkonflikt")


@pytest.mark.parametrize("service", [hours_confirm, hours_reject])
def test_a_coordinator_cannot_confirm_or_reject_their_own_hours(service, own_entry, coordinator):
    with pytest.raises(ConflictOfInterest) as refused:
        service(entry=own_entry, actor=coordinator)
    assert refused.value.status_code == 409
    assert "Interessenkonflikt: Eigene Stunden" in refused.value.message
    assert_own_hours_refused(own_entry, coordinator)


def test_a_colleague_confirms_the_coordinators_hours(own_entry, colleague):
    hours_confirm(entry=own_entry, actor=colleague)
    own_entry.refresh_from_db()
    assert own_entry.status == HoursEntry.Status.CONFIRMED
    assert own_entry.reviewed_by == colleague
    assert not refusals(own_entry)


def test_confirm_all_skips_and_names_the_coordinators_own_hours(
    own_entry, help_request, coordinator
):
    helper = VolunteerFactory()
    other = HoursEntryFactory(
        assignment=AssignmentFactory(help_request=help_request, volunteer=helper, confirmed=True),
        date=timezone.localdate(),
        hours=2,
    )
    result = hours_confirm_many(entries=[own_entry, other], actor=coordinator)
    assert result.confirmed == [other]
    [(skipped, reason)] = result.refused
    assert skipped == own_entry
    assert "Interessenkonflikt: Eigene Stunden" in reason
    other.refresh_from_db()
    assert other.status == HoursEntry.Status.CONFIRMED
    assert_own_hours_refused(own_entry, coordinator)


def test_the_manage_page_refuses_own_hours_with_the_rule(client, own_entry, coordinator):
    client.force_login(coordinator)
    help_request = own_entry.assignment.help_request
    url = reverse("volunteers:help_request_hours_confirm", args=[help_request.pk, own_entry.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert any("Interessenkonflikt: Eigene Stunden" in m for m in page_messages(response))
    assert_own_hours_refused(own_entry, coordinator)


def test_confirm_all_on_the_page_names_the_skipped_own_hours(client, own_entry, coordinator):
    client.force_login(coordinator)
    help_request = own_entry.assignment.help_request
    url = reverse("volunteers:help_request_hours_confirm_all", args=[help_request.pk])
    response = client.post(url, {"entries": [own_entry.pk]}, follow=True)
    shown = page_messages(response)
    assert any(
        m.startswith("Nicht bestätigt: ") and "Interessenkonflikt: Eigene Stunden" in m
        for m in shown
    ), shown
    assert_own_hours_refused(own_entry, coordinator)


def test_the_api_refuses_own_hours_with_409(own_entry, coordinator):
    response = client_for(coordinator).post(f"/api/v1/hours/{own_entry.pk}/confirm/")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["type"] == "conflict"
    assert body["detail"].startswith("Interessenkonflikt: Eigene Stunden")
    assert_own_hours_refused(own_entry, coordinator)


@pytest.fixture
def own_offer(help_request, coordinator):
    return AssignmentFactory(help_request=help_request, volunteer=coordinator, offered=True)


def assert_own_offer_refused(offer: Assignment, coordinator) -> None:
    offer.refresh_from_db()
    assert offer.status == Assignment.Status.OFFERED
    assert offer.confirmed_at is None
    offer.help_request.refresh_from_db()
    assert offer.help_request.confirmed_count == 0
    assert not Notification.objects.filter(kind="volunteers.assignment_confirmed").exists()
    [row] = refusals(offer)
    assert row.actor == coordinator
    assert row.note.startswith("own_offer: Interessenkonflikt")


def test_a_coordinator_cannot_accept_their_own_offer(own_offer, coordinator, colleague):
    with pytest.raises(ConflictOfInterest) as refused:
        assignment_accept(assignment=own_offer, actor=coordinator)
    assert "Interessenkonflikt: Ihr eigenes Hilfsangebot" in refused.value.message
    assert_own_offer_refused(own_offer, coordinator)

    assignment_accept(assignment=own_offer, actor=colleague)
    own_offer.refresh_from_db()
    assert own_offer.status == Assignment.Status.CONFIRMED


def test_the_manage_page_refuses_accepting_ones_own_offer(client, own_offer, coordinator):
    client.force_login(coordinator)
    url = reverse(
        "volunteers:help_request_assignment_accept",
        args=[own_offer.help_request_id, own_offer.pk],
    )
    response = client.post(url, follow=True)
    assert any("Interessenkonflikt: Ihr eigenes Hilfsangebot" in m for m in page_messages(response))
    assert_own_offer_refused(own_offer, coordinator)


def test_the_api_refuses_accepting_ones_own_offer_with_409(own_offer, coordinator):
    response = client_for(coordinator).post(f"/api/v1/assignments/{own_offer.pk}/accept/")
    assert response.status_code == 409, response.content
    assert response.json()["detail"].startswith("Interessenkonflikt: Ihr eigenes Hilfsangebot")
    assert_own_offer_refused(own_offer, coordinator)


# --- KI staff and their own organisation ------------------------------------------------------


def assert_biased_refusal(exc_info, name: str) -> None:
    assert exc_info.value.status_code == 409
    assert exc_info.value.message.startswith("Interessenkonflikt: Sie ")
    assert f"„{name}“" in exc_info.value.message


def one_refusal(subject, actor) -> StatusChange:
    [row] = refusals(subject)
    assert row.actor == actor
    assert row.note.startswith("own_organisation: Interessenkonflikt")
    return row


@pytest.fixture
def pending_organisation():
    return OrganisationFactory(unverified=True, name="Nachbarschaftshilfe Sendenhorst")


@pytest.mark.parametrize("tie", ["member", "registrant"])
@pytest.mark.parametrize("decision", ["verify", "reject"])
def test_staff_cannot_check_an_organisation_they_belong_to(
    tie, decision, pending_organisation, staff_with_mfa
):
    from volunteers.services.staff import organisation_reject, organisation_verify

    if tie == "member":
        MembershipFactory(organisation=pending_organisation, user=staff_with_mfa)
    else:
        pending_organisation.registered_by = staff_with_mfa
        pending_organisation.save(update_fields=["registered_by"])
    with pytest.raises(ConflictOfInterest) as refused:
        if decision == "verify":
            organisation_verify(organisation=pending_organisation, actor=staff_with_mfa)
        else:
            organisation_reject(
                organisation=pending_organisation, reason="Unklar", actor=staff_with_mfa
            )
    assert_biased_refusal(refused, pending_organisation.name)
    expected = "Mitglied von" if tie == "member" else "selbst registriert"
    assert expected in refused.value.message
    pending_organisation.refresh_from_db()
    assert pending_organisation.verified_at is None
    assert pending_organisation.rejected_at is None
    assert not Notification.objects.exists()
    one_refusal(pending_organisation, staff_with_mfa)


def test_a_colleague_without_ties_verifies_the_organisation(pending_organisation, staff_with_mfa):
    from tests.funding.factories import staff_user
    from volunteers.services.staff import organisation_verify

    MembershipFactory(organisation=pending_organisation, user=staff_with_mfa)
    colleague = staff_user()
    organisation_verify(organisation=pending_organisation, actor=colleague)
    pending_organisation.refresh_from_db()
    assert pending_organisation.verified_by == colleague
    assert not refusals(pending_organisation)


def test_the_staff_page_refuses_to_verify_ones_own_organisation(
    client, pending_organisation, staff_with_mfa
):
    MembershipFactory(organisation=pending_organisation, user=staff_with_mfa)
    client.force_login(staff_with_mfa)
    url = reverse("volunteers:staff_organisation_verify", args=[pending_organisation.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    shown = page_messages(response)
    assert any(m.startswith("Interessenkonflikt: Sie sind Mitglied von") for m in shown), shown
    pending_organisation.refresh_from_db()
    assert pending_organisation.verified_at is None
    one_refusal(pending_organisation, staff_with_mfa)


def test_the_staff_api_refuses_to_verify_ones_own_organisation_with_409(
    pending_organisation, staff_with_mfa
):
    pending_organisation.registered_by = staff_with_mfa
    pending_organisation.save(update_fields=["registered_by"])
    response = client_for(staff_with_mfa).post(
        f"/api/v1/staff/organisations/{pending_organisation.pk}/verify/"
    )
    assert response.status_code == 409, response.content
    assert response.json()["detail"].startswith("Interessenkonflikt: Sie haben")
    pending_organisation.refresh_from_db()
    assert pending_organisation.verified_at is None
    one_refusal(pending_organisation, staff_with_mfa)


# --- Funding: review, decision, payments, proof ------------------------------------------------


@pytest.fixture
def funding_case(fast_letters):
    """A submitted application and a KI staff member and a KI lead who are both members of
    the applying organisation."""
    from tests.funding.factories import ApplicationFactory, lead_user, staff_user, submitted

    application = submitted(ApplicationFactory())
    staff = staff_user()
    lead = lead_user()
    for user in (staff, lead):
        MembershipFactory(organisation=application.organisation, user=user)
    return application, staff, lead


@pytest.fixture
def fast_letters(monkeypatch):
    from funding.services import letters
    from tests.funding.conftest import fake_letter_render

    monkeypatch.setattr(letters, "letter_render", fake_letter_render)


def test_staff_cannot_review_or_propose_for_their_own_organisation(funding_case):
    from decimal import Decimal

    from funding.models import Application
    from funding.services import review

    application, staff, _lead = funding_case
    steps = [
        lambda: review.note_add(application=application, text="Passt", actor=staff),
        lambda: review.checklist_update(
            application=application, checked={"costs_plausible"}, actor=staff
        ),
        lambda: review.application_request_changes(
            application=application, message="Bitte ergänzen", actor=staff
        ),
        lambda: review.decision_propose_check(
            application=application, decision="approve", amount=Decimal("500"), actor=staff
        ),
        lambda: review.decision_propose(
            application=application, decision="approve", amount=Decimal("500"), actor=staff
        ),
    ]
    for step in steps:
        with pytest.raises(ConflictOfInterest) as refused:
            step()
        assert_biased_refusal(refused, application.organisation.name)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.proposed_by is None
    assert not any((application.checklist or {}).values())
    assert not application.internal_notes.exists()
    assert len(refusals(application)) == len(steps)
    assert not Notification.objects.filter(kind__startswith="funding.decision").exists()


def test_a_lead_who_is_a_member_cannot_sign_or_send_back(funding_case):
    from funding.models import Application
    from funding.services import review
    from tests.funding.factories import proposed

    application, _staff, lead = funding_case
    proposed(application)  # by a staff member without ties
    for step in (review.decision_sign_check, review.decision_sign):
        with pytest.raises(ConflictOfInterest):
            step(application=application, actor=lead)
    with pytest.raises(ConflictOfInterest):
        review.decision_send_back(application=application, note="", actor=lead)
    application.refresh_from_db()
    assert application.status == Application.Status.PROPOSED
    assert application.signed_by is None
    assert application.approved_amount in (None, 0)
    from funding.models import DecisionLetter

    assert not DecisionLetter.objects.filter(application=application).exists()
    assert len(refusals(application)) == 3


def test_staff_cannot_pay_or_close_for_their_own_organisation(funding_case):
    from decimal import Decimal

    from funding.models import Application, Payment
    from funding.services import payments, proof
    from tests.funding.factories import approved, coordinator_of

    application, staff, _lead = funding_case
    approved(application)
    payment = payments.payment_request(
        application=application, amount=Decimal("100"), actor=coordinator_of(application)
    )
    with pytest.raises(ConflictOfInterest):
        payments.payment_mark_paid(payment=payment, actor=staff)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUESTED
    application.refresh_from_db()
    assert application.paid_amount == 0
    one_refusal(payment, staff)

    Application.objects.filter(pk=application.pk).update(status=Application.Status.PROOF_SUBMITTED)
    application.refresh_from_db()
    with pytest.raises(ConflictOfInterest):
        proof.proof_return(application=application, message="Belege fehlen", actor=staff)
    with pytest.raises(ConflictOfInterest):
        proof.application_close(application=application, actor=staff)
    application.refresh_from_db()
    assert application.status == Application.Status.PROOF_SUBMITTED
    assert len(refusals(application)) == 2


def test_the_staff_page_refuses_review_steps_for_ones_own_organisation(client, funding_case):
    from funding.models import Application

    application, staff, _lead = funding_case
    client.force_login(staff)
    url = reverse("funding:staff_application_action", args=[application.pk, "request-changes"])
    response = client.post(url, {"changes-message": "Bitte ergänzen"}, follow=True)
    assert "Interessenkonflikt: Sie sind Mitglied von" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    one_refusal(application, staff)


def test_the_funding_api_refuses_a_proposal_for_ones_own_organisation_with_409(funding_case):
    from funding.models import Application

    application, staff, _lead = funding_case
    response = client_for(staff).post(
        f"/api/v1/funding/applications/{application.pk}/propose/",
        {"decision": "approve", "amount": "500.00", "conditions": "", "reasons": ""},
        format="json",
    )
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["type"] == "conflict"
    assert body["detail"].startswith("Interessenkonflikt: Sie sind Mitglied von")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    one_refusal(application, staff)


def test_the_applicant_does_not_see_refused_steps_in_the_history(funding_case):
    from funding.selectors import application_history
    from funding.services import review

    application, staff, _lead = funding_case
    with pytest.raises(ConflictOfInterest):
        review.note_add(application=application, text="Passt", actor=staff)
    assert REFUSED in [row.to_status for row in application_history(application)]
    shown = application_history(application, for_applicant=True)
    assert REFUSED not in [row.to_status for row in shown]


# --- Hours only from the confirmation and the request's start on -------------------------------


@pytest.fixture
def helper_assignment(help_request):
    """Confirmed ten days ago on a request open for thirty days."""
    return AssignmentFactory(
        help_request=help_request,
        volunteer=VolunteerFactory(),
        confirmed=True,
        confirmed_at=timezone.now() - dt.timedelta(days=10),
    )


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def test_hours_before_the_confirmation_are_refused_with_its_date(helper_assignment):
    from backend.errors import ValidationFailed
    from volunteers.services.hours import hours_log

    volunteer = helper_assignment.volunteer
    with pytest.raises(ValidationFailed) as refused:
        hours_log(assignment=helper_assignment, actor=volunteer, date=days_ago(11), hours=2)
    assert refused.value.field == "date"
    confirmed_on = days_ago(10).strftime("%d.%m.%Y")
    assert refused.value.message == (
        f"Stunden vor der Zusage für diesen Einsatz ({confirmed_on}) können nicht eingetragen "
        "werden."
    )
    assert not HoursEntry.objects.exists()
    entry = hours_log(assignment=helper_assignment, actor=volunteer, date=days_ago(10), hours=2)
    assert entry.date == days_ago(10)


def test_hours_before_the_appointment_are_refused_and_named_with_bad_hours(helper_assignment):
    from backend.errors import ValidationFailed
    from volunteers.services.hours import hours_log

    request = helper_assignment.help_request
    request.starts_at = timezone.now() - dt.timedelta(days=3)
    request.save(update_fields=["starts_at"])
    with pytest.raises(ValidationFailed) as refused:
        hours_log(
            assignment=helper_assignment,
            actor=helper_assignment.volunteer,
            date=days_ago(5),
            hours=30,
        )
    assert set(refused.value.errors) == {"date", "hours"}
    [message] = refused.value.errors["date"]
    assert message.startswith("Stunden vor dem Beginn des Hilfegesuchs (")
    assert days_ago(3).strftime("%d.%m.%Y") in message
    assert not HoursEntry.objects.exists()


def test_the_hours_form_names_the_confirmation_date(client, helper_assignment):
    volunteer = helper_assignment.volunteer
    client.force_login(volunteer)
    url = reverse("volunteers:hours_create", args=[helper_assignment.pk])
    response = client.post(url, {"date": days_ago(12).isoformat(), "hours": "2"}, follow=True)
    assert "Stunden vor der Zusage für diesen Einsatz" in response.content.decode()
    assert not HoursEntry.objects.exists()
