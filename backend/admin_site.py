"""The Django admin: login through allauth (rate limits, MFA) and MFA required to use it."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.shortcuts import redirect

from backend.accounts.roles import has_mfa


def _has_permission(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and has_mfa(user))


def _no_login_form(request, extra_context=None):
    """Django's own admin login form is never shown: it would accept a password without the
    second factor and without allauth's rate limits. secure_admin_login has already sent
    anonymous visitors to allauth's login and refused accounts without admin access."""
    return redirect("admin:index" if has_mfa(request.user) else "mfa_activate_totp")


def configure_admin_site() -> None:
    admin.site.login = secure_admin_login(_no_login_form)
    admin.site.has_permission = _has_permission
    admin.site.site_header = "KOMM-AN Platform"
