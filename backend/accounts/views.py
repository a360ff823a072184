"""The account overview ("Mein Konto"): the name (editable) and links to everything else about
the account (email addresses, language, two-factor login, password, notifications, one's data
and its export, deleting the account). The pages behind the links are allauth's and the apps'."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from backend.errors import DomainError
from backend.forms import domain_error_to_form

from .forms import NameForm
from .roles import has_mfa, is_ki_staff, roles_of
from .services import user_set_name


def _next_url(request) -> str:
    """Where to go once the name is saved (the login's destination), if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_overview(request):
    """GET: the overview. POST: change the name (both parts needed); a refused form keeps what
    was typed and names every problem at its field."""
    user = get_user_model().objects.get(pk=request.user.pk)
    next_url = _next_url(request)
    if request.method == "POST":
        form = NameForm(request.POST)
        if form.is_valid():
            try:
                user_set_name(
                    user=user,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
            except DomainError as exc:
                domain_error_to_form(form, exc)
            else:
                messages.success(request, _("Ihr Name ist gespeichert."))
                return redirect(next_url or "account_overview")
    else:
        form = NameForm(initial={"first_name": user.first_name, "last_name": user.last_name})
    roles = roles_of(user)
    return render(
        request,
        "accounts/overview.html",
        {
            "account": user,
            "form": form,
            "next_url": next_url,
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).order_by("-primary", "email")
            ),
            "has_mfa": has_mfa(user),
            "mfa_required": is_ki_staff(user),
            "is_volunteer": "volunteer" in roles,
            "organisations": list(
                user.memberships.select_related("organisation").order_by("organisation__name", "pk")
            ),
            "languages": settings.LANGUAGES,
        },
    )
