"""Teilnahmebescheinigungen on the web: the public verification page (which checks
Ehrenamtsnachweise too), a volunteer's own certificates, and the staff pages (issue for a
training with the job's progress, revoke).

The verification page is public and shows only what the certificate states (name, what, when,
hours, issuer) and whether it is valid; of a revocation only that and when, never the reason
(volunteers/services/verification.py). Input that is no code at all is told why; a well-formed
unknown code gets a plain 404 whatever it looks like, and lookups are rate-limited per IP
address, so the page cannot be used to find codes. A volunteer reaches only their own
certificates: any other id is a 404.
"""

from __future__ import annotations

from allauth.core.internal import ratelimit as allauth_ratelimit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backend.accounts.decorators import staff_required
from backend.errors import DomainError
from backend.forms import domain_error_to_form, domain_error_to_message

from .models import CertificateJob, Training, TrainingCertificate
from .services.training_certificates import (
    REVOKE_REASON_MAX,
    attendees_without_certificate,
    attendees_without_name,
    certificate_filename,
    certificate_job_latest,
    certificate_job_start,
    certificate_pdf,
    certificate_revoke,
    certificates_for_training,
    certificates_of_volunteer,
)
from .services.trainings import training_attendees
from .services.verification import CodeMalformed, code_parse, verification_lookup
from .views_documents import pdf_attachment

# Lookups per client address. allauth's limiter (already used for logins) keeps the counters
# in the cache and knows the trusted proxies; its public helper skips GET requests, so the
# internal one is called with limit_get. Override with settings.CERTIFICATE_VERIFY_RATE_LIMIT.
VERIFY_RATE_DEFAULT = "30/m/ip"
VERIFY_RATE_ACTION = "certificate_verify"
# How often the staff page asks for the job's progress while it runs (htmx polling).
JOB_POLL = "every 2s"


def _verify_allowed(request: HttpRequest) -> bool:
    rate = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", VERIFY_RATE_DEFAULT)
    usage = allauth_ratelimit.consume(
        request,
        app="volunteers",
        action=VERIFY_RATE_ACTION,
        config={VERIFY_RATE_ACTION: rate},
        limit_get=True,
    )
    return usage is not None


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "volunteers/certificates/verify_429.html", status=429)
    response["Retry-After"] = "60"
    return response


def _public(response: HttpResponse) -> HttpResponse:
    """Revocation must show at once, and a holder's name must not end up in search engines."""
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Prüfcode"),
        help_text=gettext_lazy(
            "Sie finden ihn unten auf der Teilnahmebescheinigung (zum Beispiel K7QM-4TXR-9HCW) "
            "oder dem Ehrenamtsnachweis (zum Beispiel EN-7K3P-Q9XW). Groß- und "
            "Kleinschreibung, Leerzeichen und Bindestriche spielen keine Rolle."
        ),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        try:
            return code_parse(self.cleaned_data["code"]).code
        except CodeMalformed as exc:
            raise forms.ValidationError(exc.message) from exc


@require_safe
def certificate_verify_form(request: HttpRequest) -> HttpResponse:
    """The form for a code (GET, works without JavaScript); a well-formed code goes to the page
    of that code, which does the lookup. Anything else stays in the field with the reason."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("volunteers:certificate_verify", form.cleaned_data["code"])
    return _public(render(request, "volunteers/certificates/verify_form.html", {"form": form}))


@require_safe
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """What a certificate (Teilnahmebescheinigung or Ehrenamtsnachweis) says and whether it is
    valid. Not a code at all: the form with the reason (404). A well-formed code nobody issued:
    404 with the same words for every such code. Revoked: that and when, never the reason."""
    if not _verify_allowed(request):
        return _too_many(request)
    try:
        parsed = code_parse(code)
    except CodeMalformed:
        form = VerifyForm({"code": code})
        form.is_valid()  # puts the reason on the field
        response = render(
            request, "volunteers/certificates/verify_form.html", {"form": form}, status=404
        )
        return _public(response)
    if parsed.code != code:
        return redirect("volunteers:certificate_verify", parsed.code)
    verification = verification_lookup(parsed)
    if verification is None:
        response = render(
            request,
            "volunteers/certificates/verify_not_found.html",
            {"form": VerifyForm(), "code": parsed.code},
            status=404,
        )
        return _public(response)
    return _public(
        render(
            request,
            "volunteers/certificates/verify.html",
            {
                "verification": verification,
                "issuer": settings.KI_NAME,
                "issuer_address": settings.KI_ADDRESS,
            },
        )
    )


# --- Volunteers -------------------------------------------------------------------------------


@login_required
@require_safe
def my_certificates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "volunteers/certificates/my_certificates.html",
        {"certificates": certificates_of_volunteer(request.user)},
    )


@login_required
@require_safe
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """One's own, valid certificate as a PDF attachment (never cached). Anybody else's id, or
    a revoked certificate, is a 404."""
    certificate = get_object_or_404(
        TrainingCertificate.objects.defer("pdf"),
        pk=pk,
        registration__volunteer=request.user,
        revoked_at__isnull=True,
    )
    return pdf_attachment(
        certificate_pdf(certificate=certificate), filename=certificate_filename(certificate)
    )


# --- KI staff ---------------------------------------------------------------------------------


def _job_context(job: CertificateJob | None) -> dict:
    running = job is not None and job.status in {
        CertificateJob.Status.QUEUED,
        CertificateJob.Status.RUNNING,
    }
    return {"job": job, "job_running": running, "job_poll": JOB_POLL}


@require_safe
@never_cache
@staff_required
def staff_training_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """A training's certificates with their status, the button that issues the missing
    ones, and the progress of the latest job."""
    training = get_object_or_404(Training, pk=pk)
    certificates = list(certificates_for_training(training))
    return render(
        request,
        "volunteers/certificates/staff_training.html",
        {
            "training": training,
            "certificates": certificates,
            "certificate_count": len(certificates),
            "attendee_count": training_attendees(training).count(),
            "missing_count": attendees_without_certificate(training).count(),
            "nameless_count": attendees_without_name(training).count(),
            "revoked_count": sum(1 for c in certificates if c.revoked_at),
            **_job_context(certificate_job_latest(training)),
        },
    )


@require_POST
@staff_required
def staff_certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(Training, pk=pk)
    try:
        certificate_job_start(training=training, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(
            request,
            _(
                "Die Bescheinigungen werden jetzt erstellt und verschickt. Den Fortschritt "
                "sehen Sie unten."
            ),
        )
    return redirect("volunteers:staff_training_certificates", training.pk)


@require_safe
@never_cache
@staff_required
def staff_certificate_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress as a fragment (what htmx polls); without htmx, the training's
    certificate page."""
    job = get_object_or_404(CertificateJob, pk=pk)
    if request.headers.get("HX-Request") != "true":
        return redirect("volunteers:staff_training_certificates", job.training_id)
    return render(
        request,
        "volunteers/certificates/_job_progress.html",
        {"training": job.training, **_job_context(job)},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Grund des Widerrufs"),
        help_text=gettext_lazy(
            "Nur für das KI-Team sichtbar; die öffentliche Prüfseite zeigt nur, dass und wann "
            "widerrufen wurde. Bitte keine Gesundheits- oder anderen sensiblen Angaben."
        ),
        max_length=REVOKE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        TrainingCertificate.objects.defer("pdf").select_related("registration__training"),
        pk=pk,
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate_revoke(
                certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Die Bescheinigung %(code)s ist widerrufen.") % {"code": certificate.code},
            )
            return redirect(
                "volunteers:staff_training_certificates", certificate.registration.training_id
            )
    return render(
        request,
        "volunteers/certificates/staff_revoke.html",
        {"certificate": certificate, "training": certificate.registration.training, "form": form},
        status=400 if form.errors else 200,
    )
