"""Offers, invitations and their answers: who may, who may not, the emailed answer links,
and the audit trail every change leaves."""

import datetime as dt
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail, signing
from django.core.exceptions import PermissionDenied
from django.urls import resolve
from django.utils import timezone

from backend.errors import ConflictError, ValidationFailed
from backend.models import StatusChange
from notifications.models import Notification
from notifications.services import deliver
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers.models import Assignment, Consent, HelpRequest
from volunteers.services.assignments import (
    ANSWER_SALT,
    assignment_accept,
    assignment_answer_by_link,
    assignment_decline,
    assignment_invite,
    assignment_offer,
    assignment_withdraw,
)
from volunteers.services.consents import consent_give, consent_withdraw
from volunteers.services.help_requests import help_request_create, help_request_open

from .conftest import contactable_volunteer
from .factories import ActivityAreaFactory, FuehrungszeugnisRecordFactory, HelpRequestFactory

pytestmark = pytest.mark.django_db


def history(obj) -> list[tuple[str, str, int | None]]:
    """The audit trail of one object as (from, to, actor id), oldest first."""
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).values_list("from_status", "to_status", "actor_id")
    )


def invitation_links(assignment: Assignment) -> tuple[str, str]:
    """The accept and decline addresses as the invitation email carries them."""
    notification = Notification.objects.get(dedupe_key=f"invitation:{assignment.pk}")
    return notification.context["accept_url"], notification.context["decline_url"]


def token_of(url: str) -> str:
    """What the answer-link view receives when the volunteer clicks the address."""
    match = resolve(urlsplit(url).path)
    assert match.view_name == "volunteers:assignment_answer_link"
    return match.kwargs["token"]


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- Who may be offered and invited ----------------------------------------------------------


def test_volunteer_with_unfinished_onboarding_can_neither_be_invited_nor_offer_help(
    open_request, coordinator
):
    unfinished = contactable_volunteer(profile__onboarding_completed_at=None)
    with pytest.raises(ValidationFailed, match="nicht vollständig"):
        assignment_invite(help_request=open_request, volunteer=unfinished, actor=coordinator)
    with pytest.raises(ValidationFailed, match="nicht vollständig"):
        assignment_offer(help_request=open_request, volunteer=unfinished)
    # Someone who never started being a volunteer (no profile at all) is refused the same way.
    with pytest.raises(ValidationFailed, match="nicht vollständig"):
        assignment_offer(help_request=open_request, volunteer=UserFactory())
    assert not Assignment.objects.exists()
    assert not Notification.objects.exists()


def test_request_needing_a_fuehrungszeugnis_takes_only_volunteers_with_a_valid_one(
    organisation, coordinator
):
    request = HelpRequestFactory(
        organisation=organisation, open=True, helpers_needed=3, requires_fuehrungszeugnis=True
    )
    today = timezone.localdate()
    without = contactable_volunteer()
    five_years_old = contactable_volunteer()
    FuehrungszeugnisRecordFactory(
        volunteer=five_years_old, certificate_date=years_before(today, 5), seen_on=today
    )
    almost_five_years_old = contactable_volunteer()
    FuehrungszeugnisRecordFactory(
        volunteer=almost_five_years_old,
        certificate_date=years_before(today, 5) + dt.timedelta(days=1),
        seen_on=today,
    )
    recent = contactable_volunteer()
    FuehrungszeugnisRecordFactory(volunteer=recent)

    for refused in (without, five_years_old):
        with pytest.raises(ValidationFailed, match="Führungszeugnis"):
            assignment_invite(help_request=request, volunteer=refused, actor=coordinator)
        with pytest.raises(ValidationFailed, match="Führungszeugnis"):
            assignment_offer(help_request=request, volunteer=refused)

    invited = assignment_invite(
        help_request=request, volunteer=almost_five_years_old, actor=coordinator
    )
    offered = assignment_offer(help_request=request, volunteer=recent)
    assert invited.status == Assignment.Status.INVITED
    assert offered.status == Assignment.Status.OFFERED
    assert set(request.assignments.values_list("volunteer", flat=True)) == {
        almost_five_years_old.pk,
        recent.pk,
    }


def test_invitation_needs_the_volunteers_contact_consent(organisation, coordinator):
    volunteer = VolunteerFactory()
    first, second = HelpRequestFactory.create_batch(2, organisation=organisation, open=True)

    with pytest.raises(ValidationFailed, match="nicht angefragt"):
        assignment_invite(help_request=first, volunteer=volunteer, actor=coordinator)

    consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
    invitation = assignment_invite(help_request=first, volunteer=volunteer, actor=coordinator)
    assert invitation.status == Assignment.Status.INVITED

    consent_withdraw(user=volunteer, kind=Consent.Kind.CONTACT)
    with pytest.raises(ValidationFailed, match="nicht angefragt"):
        assignment_invite(help_request=second, volunteer=volunteer, actor=coordinator)
    assert list(Assignment.objects.values_list("help_request", flat=True)) == [first.pk]


def test_volunteer_has_one_active_assignment_per_request(open_request, coordinator, helper):
    invitation = assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)

    with pytest.raises(ConflictError):
        assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)
    with pytest.raises(ConflictError):
        assignment_offer(help_request=open_request, volunteer=helper)
    assert Assignment.objects.filter(help_request=open_request).count() == 1

    # Once answered, the pair may start again (the earlier row stays as history).
    assignment_decline(assignment=invitation, actor=helper)
    again = assignment_offer(help_request=open_request, volunteer=helper)
    assert again.status == Assignment.Status.OFFERED
    assert Assignment.objects.filter(help_request=open_request).count() == 2


def test_coordinator_of_another_organisation_cannot_invite(open_request, other_coordinator, helper):
    with pytest.raises(PermissionDenied):
        assignment_invite(help_request=open_request, volunteer=helper, actor=other_coordinator)
    assert not Assignment.objects.exists()
    assert not Notification.objects.exists()


def test_nobody_is_invited_to_a_request_that_is_not_open(organisation, coordinator, helper):
    for status in ("draft", "filled", "closed", "expired"):
        request = HelpRequestFactory(organisation=organisation, **{status: True})
        with pytest.raises(ConflictError, match="nicht mehr offen"):
            assignment_invite(help_request=request, volunteer=helper, actor=coordinator)
        with pytest.raises(ConflictError, match="nicht mehr offen"):
            assignment_offer(help_request=request, volunteer=helper)
    assert not Assignment.objects.exists()


def test_unverified_organisation_cannot_post_or_publish_help_requests():
    organisation = OrganisationFactory(unverified=True)
    coordinator = MembershipFactory(organisation=organisation).user
    data = {
        "title": "Hausaufgabenhilfe",
        "description": "Zweimal pro Woche nachmittags.",
        "activity_area": ActivityAreaFactory(),
        "town": organisation.town,
        "helpers_needed": 2,
        "open_until": timezone.localdate() + dt.timedelta(days=14),
    }
    with pytest.raises(PermissionDenied):
        help_request_create(organisation=organisation, actor=coordinator, data=data)
    assert not HelpRequest.objects.exists()

    # A draft left from before the verification was withdrawn is not published either.
    draft = HelpRequestFactory(organisation=organisation)
    with pytest.raises(PermissionDenied):
        help_request_open(help_request=draft, actor=coordinator)
    draft.refresh_from_db()
    assert draft.status == HelpRequest.Status.DRAFT


# --- Answers: the other side only ------------------------------------------------------------


def test_invitation_is_answered_by_the_invited_volunteer_only(
    open_request, coordinator, other_coordinator, helper
):
    invitation = assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)
    for someone_else in (coordinator, other_coordinator, VolunteerFactory()):
        with pytest.raises(PermissionDenied):
            assignment_accept(assignment=invitation, actor=someone_else)
        with pytest.raises(PermissionDenied):
            assignment_decline(assignment=invitation, actor=someone_else)
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.INVITED

    assignment_accept(assignment=invitation, actor=helper)
    invitation.refresh_from_db()
    open_request.refresh_from_db()
    assert invitation.status == Assignment.Status.CONFIRMED
    assert invitation.confirmed_at is not None
    assert (open_request.confirmed_count, open_request.status) == (1, HelpRequest.Status.FILLED)
    confirmation = Notification.objects.get(kind="volunteers.assignment_confirmed")
    assert confirmation.recipient == helper


def test_offer_is_answered_by_a_coordinator_of_the_organisation_only(
    organisation, open_request, coordinator, other_coordinator, helper
):
    second_coordinator = MembershipFactory(organisation=organisation).user
    offer = assignment_offer(help_request=open_request, volunteer=helper, message="Ich kann!")
    told = Notification.objects.filter(kind="volunteers.offer_received")
    assert set(told.values_list("recipient", flat=True)) == {coordinator.pk, second_coordinator.pk}

    for someone_else in (helper, other_coordinator):
        with pytest.raises(PermissionDenied):
            assignment_accept(assignment=offer, actor=someone_else)
        with pytest.raises(PermissionDenied):
            assignment_decline(assignment=offer, actor=someone_else)

    assignment_decline(assignment=offer, actor=second_coordinator)
    offer.refresh_from_db()
    open_request.refresh_from_db()
    assert offer.status == Assignment.Status.DECLINED
    assert (open_request.confirmed_count, open_request.status) == (0, HelpRequest.Status.OPEN)
    assert not Notification.objects.filter(kind="volunteers.assignment_confirmed").exists()


# --- The answer links in the invitation email ------------------------------------------------


def test_accept_link_confirms_once_and_a_second_click_is_a_conflict(
    open_request, coordinator, helper
):
    invitation = assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)
    accept_url, decline_url = invitation_links(invitation)

    assignment_answer_by_link(token=token_of(accept_url))
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.CONFIRMED

    with pytest.raises(ConflictError, match="bereits beantwortet"):
        assignment_answer_by_link(token=token_of(accept_url))
    with pytest.raises(ConflictError, match="bereits beantwortet"):
        assignment_answer_by_link(token=token_of(decline_url))
    invitation.refresh_from_db()
    open_request.refresh_from_db()
    assert invitation.status == Assignment.Status.CONFIRMED
    assert open_request.confirmed_count == 1


def test_decline_link_declines_and_leaves_the_place_free(open_request, coordinator, helper):
    invitation = assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)
    _accept_url, decline_url = invitation_links(invitation)

    assignment_answer_by_link(token=token_of(decline_url))
    invitation.refresh_from_db()
    open_request.refresh_from_db()
    assert invitation.status == Assignment.Status.DECLINED
    assert (open_request.confirmed_count, open_request.status) == (0, HelpRequest.Status.OPEN)
    assert history(invitation) == [("invited", "declined", helper.pk)]


def _signed_ago(token: str, seconds: int) -> str:
    """The same link as if the email had been sent `seconds` ago."""

    class SignerInThePast(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds)

    payload = signing.TimestampSigner(salt=ANSWER_SALT).unsign(token)
    return SignerInThePast(salt=ANSWER_SALT).sign(payload)


def test_link_works_until_it_expires_then_says_it_expired(open_request, coordinator, helper):
    invitation = assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)
    accept_url, _decline_url = invitation_links(invitation)
    max_age = settings.ASSIGNMENT_LINK_MAX_AGE_SECONDS
    token = token_of(accept_url)

    with pytest.raises(ValidationFailed, match="abgelaufen") as expired:
        assignment_answer_by_link(token=_signed_ago(token, max_age + 3600))
    assert "Plattform" in expired.value.message  # says where to answer instead
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.INVITED

    assignment_answer_by_link(token=_signed_ago(token, max_age - 3600))
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.CONFIRMED


def test_link_age_limit_comes_from_the_settings(open_request, coordinator, helper, settings):
    invitation = assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)
    accept_url, _decline_url = invitation_links(invitation)
    settings.ASSIGNMENT_LINK_MAX_AGE_SECONDS = -1
    with pytest.raises(ValidationFailed, match="abgelaufen"):
        assignment_answer_by_link(token=token_of(accept_url))
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.INVITED


def test_tampered_link_is_refused_as_invalid(open_request, coordinator, helper):
    invitation = assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)
    accept_url, _decline_url = invitation_links(invitation)
    token = token_of(accept_url)
    flip = {"A": "B"}
    tampered = [
        token[:-1] + flip.get(token[-1], "A"),  # signature
        flip.get(token[0], "A") + token[1:],  # payload
        signing.dumps(signing.loads(token, salt=ANSWER_SALT)),  # signed for another purpose
    ]
    for bad in tampered:
        with pytest.raises(ValidationFailed, match="ungültig"):
            assignment_answer_by_link(token=bad)
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.INVITED


# --- Audit trail -----------------------------------------------------------------------------


def test_every_status_change_records_who_from_and_to(organisation, coordinator):
    request = HelpRequestFactory(organisation=organisation, open=True, helpers_needed=2)
    invited, offering, declining = (contactable_volunteer() for _ in range(3))

    by_link = assignment_invite(help_request=request, volunteer=invited, actor=coordinator)
    assignment_answer_by_link(token=token_of(invitation_links(by_link)[0]))
    offer = assignment_offer(help_request=request, volunteer=offering)
    assignment_accept(assignment=offer, actor=coordinator)
    assignment_withdraw(assignment=by_link, actor=invited, note="Umzug")
    refusal = assignment_invite(help_request=request, volunteer=declining, actor=coordinator)
    assignment_decline(assignment=refusal, actor=declining)

    assert history(by_link) == [
        ("invited", "confirmed", invited.pk),
        ("confirmed", "withdrawn", invited.pk),
    ]
    assert history(offer) == [("offered", "confirmed", coordinator.pk)]
    assert history(refusal) == [("invited", "declined", declining.pk)]
    assert history(request) == [
        ("open", "filled", coordinator.pk),
        ("filled", "open", invited.pk),
    ]
    assert StatusChange.objects.get(object_id=by_link.pk, to_status="withdrawn").note == "Umzug"


# --- The invitation email --------------------------------------------------------------------


def test_invitation_email_carries_working_accept_and_decline_links(
    open_request, coordinator, helper
):
    invitation = assignment_invite(
        help_request=open_request, volunteer=helper, actor=coordinator, message="Passt Dienstag?"
    )
    notification = Notification.objects.get(kind="volunteers.invitation")
    assert notification.recipient == helper
    assert notification.status == Notification.Status.PENDING
    accept_url, decline_url = invitation_links(invitation)
    assert accept_url != decline_url
    for url in (accept_url, decline_url):
        assert url.startswith(settings.SITE_URL + "/")
        token_of(url)  # both resolve to the answer-link page

    assert deliver(notification_id=notification.pk) == "sent"
    [email] = mail.outbox
    assert email.to == [helper.email]
    assert open_request.title in email.subject
    assert accept_url in email.body
    assert decline_url in email.body
    assert "Passt Dienstag?" in email.body
    [(html, _mimetype)] = email.alternatives
    assert accept_url in html

    assignment_answer_by_link(token=token_of(accept_url))
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.CONFIRMED


def test_withdrawing_contact_consent_before_delivery_cancels_the_invitation_email(
    open_request, coordinator, helper
):
    assignment_invite(help_request=open_request, volunteer=helper, actor=coordinator)
    notification = Notification.objects.get(kind="volunteers.invitation")

    consent_withdraw(user=helper, kind=Consent.Kind.CONTACT)

    assert deliver(notification_id=notification.pk) == "cancelled"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.CANCELLED
    assert notification.sent_at is None
    assert mail.outbox == []
