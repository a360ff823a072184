"""Emails to an address the platform has not verified carry no text that another user chose:
a display name, an inviter's name, an organisation's name the KI has not verified, a name or
function typed for a directory contact. Each kind is rendered with a malicious text and read
back (subject, plain text and HTML)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from directory.services.contacts import contact_person_create
from notifications import catalogue
from notifications.models import Notification
from notifications.services import deliver
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, VolunteerFactory
from volunteers.services.organisations import coordinator_invite

pytestmark = pytest.mark.django_db

FIRST = "Bitte überweisen Sie 500 €"
LAST = "an DE02 1001 0010 0123 4567 89 http://evil.example"
EVIL = f"{FIRST} {LAST}"
NEEDLES = ("überweisen", "500 €", "evil.example", "DE02")


def delivered(kind: str) -> mail.EmailMessage:
    notification = Notification.objects.filter(kind=kind).latest("pk")
    assert deliver(notification_id=notification.pk) == "sent"
    return mail.outbox[-1]


def assert_clean(message) -> None:
    html = message.alternatives[0][0] if message.alternatives else ""
    for part, text in (("subject", message.subject), ("text", message.body), ("html", html)):
        for needle in NEEDLES:
            assert needle not in text, f"{needle!r} in the {part}"


def test_the_kinds_to_unverified_addresses_are_marked():
    marked = {kind.code for kind in catalogue.KINDS if kind.unverified_address}
    assert {
        "account.email_confirmation",
        "account.email_confirmation_signup",
        "account.password_reset_key",
        "account.account_already_exists",
        "volunteers.coordinator_invitation",
        "directory.contact_published",
    } <= marked


def test_signup_confirmation_carries_no_display_name(client):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": FIRST,
            "last_name": LAST,
            "email": "opfer@example.org",
            "password1": "ein-sicheres-passwort-2026",
            "password2": "ein-sicheres-passwort-2026",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 302
    message = delivered("account.email_confirmation_signup")
    assert message.to == ["opfer@example.org"]
    assert "Guten Tag," in message.body
    assert_clean(message)


def test_confirming_a_new_address_carries_no_display_name(client):
    user = VolunteerFactory(first_name=FIRST, last_name=LAST)
    client.force_login(user)
    response = client.post(
        reverse("account_email"), {"email": "zweite@example.org", "action_add": ""}
    )
    assert response.status_code in (200, 302)
    assert not EmailAddress.objects.get(email="zweite@example.org").verified
    message = delivered("account.email_confirmation")
    assert message.to == ["zweite@example.org"]
    assert_clean(message)


def test_password_reset_and_account_exists_carry_no_display_name(client):
    user = VolunteerFactory(first_name=FIRST, last_name=LAST)
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert_clean(delivered("account.password_reset_key"))
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Nora",
            "last_name": "Neu",
            "email": user.email,
            "password1": "ein-sicheres-passwort-2026",
            "password2": "ein-sicheres-passwort-2026",
        },
    )
    assert_clean(delivered("account.account_already_exists"))


@pytest.mark.parametrize("verified", [True, False])
def test_coordinator_invitation_names_neither_the_inviter_nor_an_unchecked_organisation(
    verified,
):
    organisation = OrganisationFactory(
        name="Tafel Ahlen" if verified else EVIL, unverified=not verified
    )
    inviter = MembershipFactory(
        organisation=organisation, user__first_name=FIRST, user__last_name=LAST
    ).user

    coordinator_invite(organisation=organisation, email="neu@example.org", actor=inviter)

    message = delivered("volunteers.coordinator_invitation")
    assert message.to == ["neu@example.org"]
    assert_clean(message)
    assert "Sie wurden eingeladen" in message.body
    # A name the KI has checked may stand in it.
    assert ("Tafel Ahlen" in message.subject) is verified


def test_directory_contact_email_has_no_typed_name_or_function():
    organisation = OrganisationFactory(name="Tafel Ahlen")
    coordinator = MembershipFactory(
        organisation=organisation, user__first_name=FIRST, user__last_name=LAST
    ).user

    contact_person_create(
        actor=coordinator,
        organisation=organisation,
        data={"name": EVIL, "function": EVIL, "email": "kontakt@example.org", "consent": True},
    )

    message = delivered("directory.contact_published")
    assert message.to == ["kontakt@example.org"]
    assert_clean(message)
    assert "Tafel Ahlen" in message.body  # verified by the KI


def test_unverified_organisation_is_not_named_to_a_directory_contact(staff_with_mfa):
    organisation = OrganisationFactory(name=EVIL, unverified=True)
    contact_person_create(
        actor=staff_with_mfa,
        organisation=organisation,
        data={"name": EVIL, "function": EVIL, "email": "kontakt@example.org", "consent": True},
    )
    assert_clean(delivered("directory.contact_published"))


def test_directory_contact_of_a_town_names_the_town_administration(staff_with_mfa):
    town = TownFactory(name="Ahlen")
    contact_person_create(
        actor=staff_with_mfa,
        town=town,
        data={"name": EVIL, "function": EVIL, "email": "amt@example.org", "consent": True},
    )
    message = delivered("directory.contact_published")
    assert_clean(message)
    assert "Ahlen" in message.body
