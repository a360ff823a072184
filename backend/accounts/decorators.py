"""Access to KI staff pages: logged in, a staff role, and two-factor authentication set up."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .roles import has_mfa, is_ki_staff


def staff_required(view_func):
    """Anonymous -> login; not staff -> 403; staff without MFA -> MFA setup with a message."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_ki_staff(user):
            raise PermissionDenied
        if not has_mfa(user):
            messages.warning(
                request,
                _(
                    "Für Seiten des KI-Teams ist die Zwei-Faktor-Anmeldung Pflicht. "
                    "Bitte richten Sie sie jetzt ein."
                ),
            )
            return redirect("mfa_activate_totp")
        return view_func(request, *args, **kwargs)

    return wrapper
