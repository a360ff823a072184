"""Writes around accounts that the rest of the platform (and the demo seeding) uses."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backend.errors import ValidationFailed

from .models import User


@transaction.atomic
def user_create_verified(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    role: str = User.Role.MEMBER,
    language: str = "de",
    is_staff: bool = False,
) -> User:
    """Create (or update) an active account whose email address is already verified.

    Used for seeded accounts; people signing up go through allauth's verification instead.
    """
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email.lower())
    user.first_name = first_name
    user.last_name = last_name
    user.role = role
    user.language = language
    user.is_staff = is_staff
    user.is_superuser = role == User.Role.ADMIN
    user.is_active = True
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def user_set_totp(*, user: User, secret: str) -> None:
    """Give the account a TOTP device with a known base32 secret, plus recovery codes.
    Replaces an existing TOTP device."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)


@transaction.atomic
def user_set_name(*, user: User, first_name: str, last_name: str) -> User:
    """Change the person's name (both parts, whitespace tidied). Raises ValidationFailed when
    either part is empty: documents and greetings need a real name."""
    first, last = " ".join(first_name.split()), " ".join(last_name.split())
    problems = {}
    if not first:
        problems["first_name"] = [_("Bitte geben Sie Ihren Vornamen an.")]
    if not last:
        problems["last_name"] = [_("Bitte geben Sie Ihren Nachnamen an.")]
    if problems:
        raise ValidationFailed(next(iter(problems.values()))[0], errors=problems)
    User.objects.filter(pk=user.pk).update(first_name=first[:75], last_name=last[:75])
    user.refresh_from_db(fields=["first_name", "last_name", "full_name"])
    return user
