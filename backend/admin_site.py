"""The Django admin: login through allauth (rate limits, MFA) and MFA required to use it."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin

from backend.accounts.roles import has_mfa


def _has_permission(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and has_mfa(user))


def configure_admin_site() -> None:
    admin.site.login = secure_admin_login(admin.site.login)
    admin.site.has_permission = _has_permission
    admin.site.site_header = "KOMM-AN Platform"
