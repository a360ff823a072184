"""Documents of one's own: the Ehrenamtsnachweis (PDF), the data export (JSON) and the
deletion of the account. Every page works on the logged-in account only; there is no URL for
someone else's documents."""

from __future__ import annotations

import json

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from .services.certificates import (
    CertificateRefused,
    certificate_filename,
    certificate_for,
    certificate_problems_of,
)
from .services.gdpr import account_delete, person_export
from .services.hours import ehrenamtskarte_status


def pdf_attachment(content: bytes, *, filename: str) -> HttpResponse:
    return _download(content, content_type="application/pdf", filename=filename)


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """An attachment that no browser or proxy keeps a copy of."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    return response


def _me(request):
    """The logged-in account as a model instance (request.user is a lazy wrapper)."""
    return get_user_model().objects.get(pk=request.user.pk)


@login_required
@require_safe
def ehrenamtsnachweis(request):
    """The Ehrenamtsnachweis as PDF: served as stored while its data is unchanged. Refused
    (no name, no confirmed hours): the documents page with every reason, status 409."""
    user = _me(request)
    try:
        certificate = certificate_for(volunteer=user)
    except CertificateRefused as exc:
        return _my_data_page(request, user, problems=exc.errors, status=409)
    return pdf_attachment(bytes(certificate.pdf), filename=certificate_filename(certificate))


@login_required
@require_safe
def my_data(request):
    """What the platform stores, how to download it and how to delete the account."""
    user = _me(request)
    is_volunteer = hasattr(user, "volunteer_profile")
    problems = certificate_problems_of(volunteer=user) if is_volunteer else {}
    return _my_data_page(request, user, problems=problems)


def _my_data_page(request, user, *, problems: dict[str, list[str]], status: int = 200):
    """The documents page; `problems` say what keeps the Ehrenamtsnachweis from being issued
    (shown instead of its download button)."""
    return render(
        request,
        "volunteers/documents/my_data.html",
        {
            "is_volunteer": hasattr(user, "volunteer_profile"),
            "ehrenamtskarte": ehrenamtskarte_status(volunteer=user),
            "nachweis_problems": [m for messages in problems.values() for m in messages],
            "name_missing": "name" in problems,
        },
        status=status,
    )


@login_required
@require_safe
def my_data_export(request):
    """All of the person's data as one JSON file."""
    data = person_export(user=_me(request))
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    filename = f"meine-daten-{timezone.localdate().isoformat()}.json"
    return _download(
        content.encode(), content_type="application/json; charset=utf-8", filename=filename
    )


class AccountDeleteForm(forms.Form):
    """Deleting the account asks for the password again."""

    password = forms.CharField(
        label=gettext_lazy("Ihr Passwort"),
        help_text=gettext_lazy("Zur Bestätigung, dass Sie es sind."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort ist nicht richtig."))
        return password


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete_view(request):
    """GET: what deleting means, and the password field. POST: delete, log out, go home."""
    user = _me(request)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST":
        # Guessing the password here is limited like allauth's re-authentication.
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            return ratelimit.respond_429(request)
        if form.is_valid():
            account_delete(user=user, actor=user)
            logout(request)
            messages.success(
                request,
                _(
                    "Ihr Konto und Ihre persönlichen Daten wurden gelöscht. Vielen Dank für "
                    "Ihr Engagement!"
                ),
            )
            return redirect("home")
    return render(
        request,
        "volunteers/documents/account_delete.html",
        {"form": form, "is_volunteer": hasattr(user, "volunteer_profile")},
    )
