"""Sign-up with mandatory email verification, through the outbox, in German."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from backend.accounts.models import User
from notifications.models import Notification
from notifications.services import deliver

pytestmark = pytest.mark.django_db


def _sign_up(client, email="neu@example.org", password="ein-sicheres-passwort-2026"):
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Nora",
            "last_name": "Neu",
            "email": email,
            "password1": password,
            "password2": password,
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )


def test_signup_sends_verification_through_outbox_and_confirm_enables_login(client):
    response = _sign_up(client)
    assert response.status_code == 302

    notification = Notification.objects.get(to_email="neu@example.org")
    assert notification.kind == "account.email_confirmation_signup"
    assert notification.status == Notification.Status.PENDING
    user = User.objects.get(email="neu@example.org")
    assert (user.first_name, user.last_name, user.full_name) == ("Nora", "Neu", "Nora Neu")
    assert mail.outbox == []  # nothing is sent from the request itself

    assert deliver(notification_id=notification.pk) == "sent"
    [message] = mail.outbox
    assert message.to == ["neu@example.org"]
    html = message.alternatives[0][0]
    link = re.search(r"https?://\S+/konto/confirm-email/[^\s\"<]+", message.body).group(0)
    assert link.rstrip("/").split("/")[-1] in html  # the same link in the HTML part

    # Before confirming, logging in only leads to the "please verify" page.
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "neu@example.org", "password": "ein-sicheres-passwort-2026"},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    path = link.split("://", 1)[1].split("/", 1)[1]
    confirm = client.post("/" + path)
    assert confirm.status_code == 302

    response = client.post(
        reverse("account_login"),
        {"login": "neu@example.org", "password": "ein-sicheres-passwort-2026"},
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="neu@example.org").pk


def test_signup_mail_is_german_for_a_german_visitor(client):
    _sign_up(client, email="sprache@example.org")
    notification = Notification.objects.get(to_email="sprache@example.org")
    assert notification.language == "de"
    deliver(notification_id=notification.pk)
    assert "E-Mail" in mail.outbox[0].subject or "Adresse" in mail.outbox[0].subject


def test_signup_with_an_existing_address_does_not_reveal_the_account(client, volunteer):
    response = _sign_up(client, email=volunteer.email)
    assert response.status_code == 302  # same answer as for a new address
    assert User.objects.filter(email=volunteer.email).count() == 1
    notification = Notification.objects.get(kind="account.account_already_exists")
    assert notification.recipient == volunteer


def test_password_reset_mail_goes_through_outbox(client, volunteer):
    response = client.post(reverse("account_reset_password"), {"email": volunteer.email})
    assert response.status_code == 302
    notification = Notification.objects.get(kind="account.password_reset_key")
    assert notification.recipient == volunteer
    assert deliver(notification_id=notification.pk) == "sent"
    assert "/konto/password/reset/key/" in mail.outbox[0].body


def test_mismatched_passwords_give_a_clear_error_and_create_nothing(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "x@example.org",
            "password1": "ein-sicheres-passwort-2026",
            "password2": "ein-anderes-passwort-2026",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email="x@example.org").exists()
    assert not Notification.objects.exists()


def test_signup_without_a_name_names_both_missing_parts_and_keeps_the_address(client):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "  ",
            "last_name": "",
            "email": "ohne-name@example.org",
            "password1": "ein-sicheres-passwort-2026",
            "password2": "ein-sicheres-passwort-2026",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"first_name", "last_name"}
    assert 'value="ohne-name@example.org"' in response.content.decode()
    assert not User.objects.filter(email="ohne-name@example.org").exists()
