"""allauth customisation: every account email goes through the notifications outbox."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from notifications.services import notify

# Values of allauth's email context that are plain enough to keep in the outbox as JSON.
_PLAIN_TYPES = (str, int, float, bool, type(None))
# Values of allauth's context that a user typed: never stored with an account email.
_CHOSEN_BY_USERS = frozenset({"username", "user_display"})


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Write the email into the outbox instead of sending it from the request.

        The kind is derived from allauth's template name ("account/email/password_reset_key"
        becomes "account.password_reset_key"); the outbox renders it in the recipient's
        language when it is delivered.
        """
        from .models import User

        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        plain = {
            k: v
            for k, v in context.items()
            if isinstance(v, _PLAIN_TYPES) and k not in _CHOSEN_BY_USERS
        }
        plain["email"] = email
        kind = "account." + template_prefix.rsplit("/", 1)[-1]
        # Each call is its own purpose: a second reset request or a resent verification is a
        # second email, so the key is unique per call.
        notify(
            kind=kind,
            recipient=user,
            to_email=email,
            language=(user.language if user else translation.get_language()) or "de",
            context=plain,
            dedupe_key=f"{kind}:{uuid.uuid4().hex}",
        )

    def save_user(self, request, user, form, commit=True):
        user.language = (translation.get_language() or "de")[:2]
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request) -> str:
        """Each role lands where its work is; volunteers who have not finished onboarding
        continue where they stopped (backend/accounts/landing.py)."""
        from .landing import landing_url

        return landing_url(request.user)

    def get_signup_redirect_url(self, request) -> str:
        from volunteers.services.profiles import profile_onboarding_url

        return profile_onboarding_url(request.user) or super().get_signup_redirect_url(request)
