"""Registering an organisation and inviting further coordinators, through the pages as a
person uses them (and the services where a page cannot reach a case)."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied
from django.urls import resolve, reverse

from backend.errors import ValidationFailed
from notifications.models import Notification
from notifications.services import deliver
from tests.factories import MembershipFactory, UserFactory, VolunteerFactory
from volunteers.models import CoordinatorInvitation, Membership, Organisation
from volunteers.services.organisations import (
    INVITATION_SALT,
    coordinator_invitation_from_token,
    coordinator_invite,
)

pytestmark = pytest.mark.django_db

REGISTER = reverse("volunteers:organisation_register")


def registration(town, **overrides):
    return {
        "name": "Willkommensinitiative Sendenhorst",
        "kind": "initiative",
        "town": town.pk,
        "address": "Kirchstraße 1",
        "contact_email": "Kontakt@Willkommen.example",
        "description": "Deutschcafé und Begleitung",
        **overrides,
    }


# --- Registration ---------------------------------------------------------------------------


def test_registration_creates_a_pending_organisation_with_the_registrant_as_coordinator(
    client, ahlen
):
    person = UserFactory(full_name="Rita Registriert")
    client.force_login(person)
    response = client.post(REGISTER, registration(ahlen))
    organisation = Organisation.objects.get(name="Willkommensinitiative Sendenhorst")
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:organisation_detail", args=[organisation.pk])
    assert organisation.verified_at is None
    assert organisation.contact_email == "kontakt@willkommen.example"
    assert list(organisation.memberships.values_list("user", flat=True)) == [person.pk]
    page = client.get(response["Location"])
    assert "wartet auf Prüfung" in page.content.decode()


def test_every_active_ki_staff_member_and_lead_is_emailed_nobody_else(client, ahlen):
    staff = UserFactory(ki_staff=True)
    lead = UserFactory(ki_lead=True, language="en")
    UserFactory(ki_staff=True, is_active=False)
    UserFactory(admin=True)
    VolunteerFactory()
    client.force_login(UserFactory(full_name="Rita Registriert"))
    client.post(REGISTER, registration(ahlen))

    told = Notification.objects.filter(kind="volunteers.organisation_registered")
    assert sorted(told.values_list("recipient", flat=True)) == sorted([staff.pk, lead.pk])
    for notification in told:
        assert deliver(notification_id=notification.pk) == "sent"
    by_address = {message.to[0]: message for message in mail.outbox}
    german, english = by_address[staff.email], by_address[lead.email]
    assert "Willkommensinitiative Sendenhorst" in german.subject
    assert "Rita Registriert" in german.body and "Initiative" in german.body
    assert "Ahlen" in german.body
    assert english.alternatives, "multipart: text and HTML"


def test_registration_with_missing_or_bad_fields_says_which_and_creates_nothing(client, ahlen):
    client.force_login(UserFactory())
    response = client.post(
        REGISTER, registration(ahlen, name="", kind="sekte", contact_email="keine-adresse")
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "kind", "contact_email"}
    assert not Organisation.objects.exists()
    assert not Notification.objects.exists()


def test_the_same_name_in_the_same_town_is_refused_at_the_name(client, ahlen, organisation):
    client.force_login(UserFactory())
    response = client.post(REGISTER, registration(ahlen, name=organisation.name))
    assert response.status_code == 200
    assert "gibt es in Ahlen schon" in str(response.context["form"].errors["name"])
    assert Organisation.objects.filter(name=organisation.name).count() == 1
    assert not Notification.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client, ahlen):
    response = client.post(REGISTER, registration(ahlen))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Organisation.objects.exists()


def test_my_organisations_shows_state_and_requests_by_status(
    coordinator_client, organisation, pending_organisation, open_request, draft_request
):
    from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory

    HelpRequestFactory(organisation=organisation, title="Alt und zu", closed=True)
    AssignmentFactory(help_request=open_request, offered=True)
    page = coordinator_client.get(reverse("volunteers:organisation_list")).content.decode()
    assert "Flüchtlingshilfe Ahlen" in page and "Helferkreis Telgte" in page
    assert page.count("wartet auf Prüfung durch das KI") == 1
    assert page.count("geprüft<") == 1
    # Open before draft before closed.
    assert (
        page.index(open_request.title) < page.index(draft_request.title) < page.index("Alt und zu")
    )
    assert "1 Angebot" in page
    # A pending organisation offers no "new request" button.
    assert reverse("volunteers:help_request_create", args=[pending_organisation.pk]) not in page


def test_someone_without_organisation_is_offered_the_registration(client):
    client.force_login(VolunteerFactory())
    page = client.get(reverse("volunteers:organisation_list")).content.decode()
    assert "noch keine Organisation" in page
    assert REGISTER in page


# --- Inviting coordinators ------------------------------------------------------------------


def invite(client, organisation, email):
    return client.post(
        reverse("volunteers:organisation_detail", args=[organisation.pk]), {"email": email}
    )


def emailed_link(email: str) -> str:
    """Deliver the invitation and return the path of the link in its text part."""
    notification = Notification.objects.get(
        kind="volunteers.coordinator_invitation", to_email=email
    )
    assert deliver(notification_id=notification.pk) == "sent"
    [message] = [m for m in mail.outbox if m.to == [email]]
    url = re.search(r"https?://\S+/organisation/einladung/\S+/", message.body).group(0)
    assert url in message.alternatives[0][0], "the HTML part carries the same link"
    return urlsplit(url).path


def test_invitation_is_emailed_with_a_link_and_accepting_with_the_invited_account_joins(
    coordinator_client, client, organisation, coordinator
):
    response = invite(coordinator_client, organisation, "Neu.Koordination@Example.org")
    assert response.status_code == 302
    invitation = CoordinatorInvitation.objects.get(organisation=organisation)
    assert invitation.email == "neu.koordination@example.org"
    assert invitation.invited_by == coordinator
    path = emailed_link("neu.koordination@example.org")
    assert resolve(path).view_name == "volunteers:coordinator_invitation_accept"
    assert (
        "neu.koordination@example.org"
        in coordinator_client.get(response["Location"]).content.decode()
    )

    invited = UserFactory(email="neu.koordination@example.org")
    client.force_login(invited)
    shown = client.get(path)
    assert shown.status_code == 200
    assert organisation.name in shown.content.decode()
    assert not Membership.objects.filter(user=invited).exists(), "GET changes nothing"

    accepted = client.post(path)
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("volunteers:organisation_detail", args=[organisation.pk])
    assert Membership.objects.filter(user=invited, organisation=organisation).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(accepted["Location"]).status_code == 200


def test_another_account_cannot_accept_and_learns_nothing_about_the_invitation(
    coordinator_client, client, organisation
):
    invite(coordinator_client, organisation, "eingeladen@example.org")
    path = emailed_link("eingeladen@example.org")
    stranger = UserFactory(email="jemand.anders@example.org")
    client.force_login(stranger)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403
        text = response.content.decode()
        assert "andere E-Mail-Adresse" in text
        assert organisation.name not in text
    assert not Membership.objects.filter(user=stranger).exists()
    assert CoordinatorInvitation.objects.get().accepted_at is None


def test_an_unverified_address_of_the_same_spelling_is_not_enough(
    coordinator_client, client, organisation
):
    invite(coordinator_client, organisation, "eingeladen@example.org")
    path = emailed_link("eingeladen@example.org")
    unverified = UserFactory(email="eingeladen@example.org", verified=False)
    client.force_login(unverified)
    assert client.post(path).status_code == 403
    assert not Membership.objects.filter(user=unverified).exists()


def test_a_used_invitation_cannot_be_used_again(coordinator_client, client, organisation):
    invite(coordinator_client, organisation, "eingeladen@example.org")
    path = emailed_link("eingeladen@example.org")
    invited = UserFactory(email="eingeladen@example.org")
    client.force_login(invited)
    assert client.post(path).status_code == 302
    again = client.post(path)
    assert again.status_code == 409
    assert "bereits angenommen" in again.content.decode()
    assert "bereits angenommen" in client.get(path).content.decode()
    assert Membership.objects.filter(user=invited).count() == 1


def test_a_second_open_invitation_to_the_same_address_is_refused(coordinator_client, organisation):
    invite(coordinator_client, organisation, "eingeladen@example.org")
    response = invite(coordinator_client, organisation, "EINGELADEN@example.org")
    assert response.status_code == 400
    assert "schon eine Einladung unterwegs" in str(response.context["form"].errors["email"])
    assert CoordinatorInvitation.objects.count() == 1
    assert Notification.objects.filter(kind="volunteers.coordinator_invitation").count() == 1


def test_someone_who_already_coordinates_is_not_invited(coordinator_client, organisation):
    colleague = MembershipFactory(organisation=organisation).user
    response = invite(coordinator_client, organisation, colleague.email)
    assert response.status_code == 400
    assert "koordiniert diese Organisation schon" in response.content.decode()
    assert not CoordinatorInvitation.objects.exists()


def test_a_bad_email_address_is_refused_at_the_field(coordinator_client, organisation):
    response = invite(coordinator_client, organisation, "keine adresse")
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not CoordinatorInvitation.objects.exists()


def test_coordinators_of_another_organisation_cannot_invite_to_it(
    client, organisation, other_coordinator
):
    client.force_login(other_coordinator)
    assert invite(client, organisation, "x@example.org").status_code == 404
    assert not CoordinatorInvitation.objects.exists()
    with pytest.raises(PermissionDenied):
        coordinator_invite(
            organisation=organisation, email="x@example.org", actor=other_coordinator
        )


def test_forged_and_expired_links_are_refused(client, organisation, coordinator, settings):
    invitation = CoordinatorInvitation.objects.create(
        organisation=organisation, email="eingeladen@example.org", invited_by=coordinator
    )
    client.force_login(UserFactory(email="eingeladen@example.org"))
    forged = signing.dumps({"i": invitation.pk, "e": "eingeladen@example.org"}, salt="anderes-salz")
    response = client.get(reverse("volunteers:coordinator_invitation_accept", args=[forged]))
    assert response.status_code == 400
    assert "ungültig" in response.content.decode()

    token = signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)
    settings.COORDINATOR_INVITATION_MAX_AGE_SECONDS = -1
    response = client.post(reverse("volunteers:coordinator_invitation_accept", args=[token]))
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    assert not Membership.objects.filter(user__email="eingeladen@example.org").exists()


def test_a_link_for_an_address_that_was_changed_in_the_row_is_invalid(organisation, coordinator):
    invitation = CoordinatorInvitation.objects.create(
        organisation=organisation, email="eingeladen@example.org", invited_by=coordinator
    )
    token = signing.dumps({"i": invitation.pk, "e": "andere@example.org"}, salt=INVITATION_SALT)
    with pytest.raises(ValidationFailed, match="ungültig"):
        coordinator_invitation_from_token(token)
