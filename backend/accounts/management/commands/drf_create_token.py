"""DRF's drf_create_token, with the platform's rule: no token for a KI staff account that has no
two-factor authentication set up (such a token would not work anyway)."""

from django.core.management.base import CommandError
from rest_framework.authtoken.management.commands.drf_create_token import (
    Command as DRFCreateTokenCommand,
)
from rest_framework.authtoken.management.commands.drf_create_token import UserModel

from backend.accounts.roles import has_mfa, is_ki_staff


class Command(DRFCreateTokenCommand):
    help = "Create an API token for the account with this email address."

    def create_user_token(self, username, reset_token):
        user = UserModel._default_manager.filter(email__iexact=username).first()
        if user is None:
            raise UserModel.DoesNotExist
        if is_ki_staff(user) and not has_mfa(user):
            raise CommandError(
                f"{user.email} is a KI staff account without two-factor authentication; "
                "set up TOTP first."
            )
        return super().create_user_token(user.email, reset_token)
