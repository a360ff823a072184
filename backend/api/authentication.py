"""API authentication: the browser's session, or a token for scripts.

A KI staff account's token works only once that account has two-factor authentication set up,
so a leaked password alone never opens the staff API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as _TokenAuthentication

from backend.accounts.roles import has_mfa, is_ki_staff


class TokenAuthentication(_TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_ki_staff(user) and not has_mfa(user):
            raise exceptions.AuthenticationFailed(
                _("Tokens von KI-Konten gelten erst nach Einrichtung der Zwei-Faktor-Anmeldung.")
            )
        return user, token
