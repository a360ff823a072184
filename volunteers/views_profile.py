"""The volunteer's own pages: onboarding in five steps, the profile, the consents.

There is no URL for someone else's profile: every view works on request.user. Views parse the
form, call the service of the step (volunteers/services/profiles.py) and render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backend.accounts.services import user_set_name
from backend.errors import DomainError
from backend.forms import domain_error_to_message

from .forms_profile import (
    ActivitiesForm,
    AvailabilityForm,
    ContactForm,
    LanguagesForm,
    LocationForm,
    ProfileForm,
)
from .models import DAY_PARTS, WEEKDAYS, Consent, VolunteerProfile
from .services.certificates import completed_trainings
from .services.consents import CONSENT_TEXTS, consent_give, consent_text_version, consent_withdraw
from .services.profiles import (
    STEP_CONTACT,
    STEP_LANGUAGES,
    STEP_TITLES,
    TOTAL_STEPS,
    can_have_volunteer_profile,
    fuehrungszeugnis_state,
    profile_complete,
    profile_current_step,
    profile_missing_step,
    profile_save_activities,
    profile_save_availability,
    profile_save_contact,
    profile_save_languages,
    profile_save_location,
    profile_start,
)


@dataclass(frozen=True)
class Step:
    number: int
    section: str  # German slug of the section on the profile page
    form_class: type[ProfileForm]
    fields_template: str
    intro: str
    save: Callable[[VolunteerProfile, dict], object]

    @property
    def title(self) -> str:
        return str(STEP_TITLES[self.number])


STEPS = {
    step.number: step
    for step in (
        Step(
            1,
            "wohnort",
            LocationForm,
            "volunteers/profile/fields_location.html",
            gettext_lazy("Wir schlagen Ihnen Hilfegesuche in Ihrer Nähe vor."),
            lambda p, d: _save_location(p, d),
        ),
        Step(
            2,
            "sprachen",
            LanguagesForm,
            "volunteers/profile/fields_languages.html",
            gettext_lazy(
                "Welche Sprachen sprechen Sie, und wie gut? Auch Deutsch gehört dazu. "
                "Viele Hilfegesuche brauchen Menschen, die übersetzen können."
            ),
            lambda p, d: profile_save_languages(profile=p, languages=d["languages"]),
        ),
        Step(
            3,
            "taetigkeiten",
            ActivitiesForm,
            "volunteers/profile/fields_activities.html",
            gettext_lazy("Sie können das später jederzeit ändern."),
            lambda p, d: profile_save_activities(profile=p, activity_areas=d["activity_areas"]),
        ),
        Step(
            4,
            "zeit",
            AvailabilityForm,
            "volunteers/profile/fields_availability.html",
            gettext_lazy("So fragen Sie Initiativen nur zu Zeiten und an Orten an, die passen."),
            lambda p, d: profile_save_availability(
                profile=p, slots=d["slots"], travel_radius_km=d["travel_radius_km"]
            ),
        ),
        Step(
            5,
            "kontakt",
            ContactForm,
            "volunteers/profile/fields_contact.html",
            gettext_lazy(
                "Ihre Einwilligungen sind freiwillig. Sie können sie jederzeit mit einem Klick "
                "widerrufen. Ohne die Einwilligung „Kontakt für Hilfegesuche“ können Initiativen "
                "Sie nicht anfragen; Sie können sich aber selbst für Hilfegesuche melden."
            ),
            lambda p, d: profile_save_contact(profile=p, phone=d["phone"], consents=d["consents"]),
        ),
    )
}
SECTIONS = {step.section: step for step in STEPS.values()}


def _save_location(profile: VolunteerProfile, data: dict) -> None:
    """Step 1, and the name when the form asked it (accounts made before names were asked)."""
    if "first_name" in data:
        user_set_name(user=profile.user, first_name=data["first_name"], last_name=data["last_name"])
    profile_save_location(profile=profile, town=data["town"], postal_code=data["postal_code"])


def _title(step: Step, form: ProfileForm) -> str:
    if getattr(form, "asks_name", False):
        return _("Name und Wohnort")
    return step.title


def _member_only(request) -> None:
    """PermissionDenied for accounts that cannot be volunteers (KI staff)."""
    if not can_have_volunteer_profile(request.user):
        raise PermissionDenied


def _own_profile(request) -> VolunteerProfile | None:
    """The requesting account's profile; PermissionDenied for accounts that cannot have one."""
    _member_only(request)
    return VolunteerProfile.objects.select_related("town", "user").filter(user=request.user).first()


def _bound_form(request, step: Step, profile: VolunteerProfile | None) -> ProfileForm:
    if step.number == STEP_LANGUAGES and "add_row" in request.POST:
        return LanguagesForm.with_added_row(request.POST, profile=profile)
    return step.form_class(request.POST, profile=profile, account=request.user)


def _save(request, step: Step, form: ProfileForm, profile: VolunteerProfile | None):
    """Save a valid form through its service; a DomainError lands at its field, nothing
    (not even the new profile) stays written. Returns the profile, or None on error."""
    try:
        with transaction.atomic():
            profile = profile or profile_start(user=_account(request))
            step.save(profile, form.cleaned_data)
    except DomainError as exc:
        form.add_domain_error(exc)
        return None
    return profile


def _adding_row(request, step: Step) -> bool:
    return request.method == "POST" and step.number == STEP_LANGUAGES and "add_row" in request.POST


@login_required
@require_safe
def onboarding_resume(request):
    """Where the onboarding continues (the profile, once it is complete)."""
    profile = _own_profile(request)
    if profile is not None and profile.is_complete:
        return redirect("volunteers:profile")
    return redirect("volunteers:onboarding", step=profile_current_step(profile))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def onboarding(request, step: int):
    spec = STEPS.get(step)
    if spec is None:
        raise Http404
    profile = _own_profile(request)
    if profile is not None and profile.is_complete:
        return redirect("volunteers:profile")
    current = profile_current_step(profile)
    if step > current:
        return redirect("volunteers:onboarding", step=current)
    if request.method == "POST":
        form = _bound_form(request, spec, profile)
        if not _adding_row(request, spec) and form.is_valid():
            saved = _save(request, spec, form, profile)
            if saved is not None:
                if step < TOTAL_STEPS:
                    return redirect("volunteers:onboarding", step=step + 1)
                return _finish(request, saved)
    else:
        form = spec.form_class(profile=profile, account=request.user)
    return render(
        request,
        "volunteers/profile/step.html",
        {
            "step": spec,
            "step_title": _title(spec, form),
            "form": form,
            "mode": "onboarding",
            "total": TOTAL_STEPS,
            "previous": step - 1 if step > 1 else None,
            "is_last": step == TOTAL_STEPS,
        },
    )


def _finish(request, profile: VolunteerProfile):
    try:
        profile_complete(profile=profile)
    except DomainError as exc:
        domain_error_to_message(request, exc)
        missing = profile_missing_step(profile) or STEP_CONTACT
        return redirect("volunteers:onboarding", step=missing)
    messages.success(
        request,
        _("Ihre Anmeldung ist abgeschlossen. Vielen Dank, dass Sie helfen möchten!"),
    )
    # Onboarding ends where a volunteer's work is: requests that fit, invitations, hours.
    return redirect("volunteers:dashboard")


@login_required
@require_safe
def profile(request):
    _member_only(request)
    own = (
        VolunteerProfile.objects.select_related("town")
        .prefetch_related("languages", "activity_areas")
        .filter(user=request.user)
        .first()
    )
    if own is None:
        return redirect("volunteers:onboarding", step=1)
    active = {c.kind: c for c in Consent.objects.in_force().filter(user=request.user)}
    fz_state, fz_date = fuehrungszeugnis_state(request.user)
    grid = [
        (weekday, [own.available(day, part) for part in range(len(DAY_PARTS))])
        for day, weekday in enumerate(WEEKDAYS)
    ]
    return render(
        request,
        "volunteers/profile/profile.html",
        {
            "profile": own,
            "languages": list(own.languages.all()),
            "activity_areas": list(own.activity_areas.all()),
            "grid": grid,
            "day_parts": DAY_PARTS,
            "has_availability": bool(own.availability),
            "consents": [(kind, active.get(kind.value)) for kind in Consent.Kind],
            "fz_state": fz_state,
            "fz_date": fz_date,
            "sections": {step.number: step for step in STEPS.values()},
            "current_step": profile_current_step(own),
            "total": TOTAL_STEPS,
            "trainings": completed_trainings(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request, section: str):
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404
    own = _own_profile(request)
    if own is None:
        return redirect("volunteers:onboarding", step=1)
    if request.method == "POST":
        form = _bound_form(request, spec, own)
        saved = (
            not _adding_row(request, spec)
            and form.is_valid()
            and _save(request, spec, form, own) is not None
        )
        if saved:
            messages.success(request, _("Gespeichert: %(section)s") % {"section": spec.title})
            return redirect(reverse("volunteers:profile") + f"#{spec.section}")
    else:
        form = spec.form_class(profile=own, account=request.user)
    return render(
        request,
        "volunteers/profile/step.html",
        {
            "step": spec,
            "step_title": _title(spec, form),
            "form": form,
            "mode": "edit",
            "total": TOTAL_STEPS,
        },
    )


@login_required
@require_safe
def consents(request):
    """The consent ledger of the requesting account, per kind, newest first."""
    _member_only(request)
    rows = list(Consent.objects.filter(user=request.user).order_by("-given_at", "-id"))
    kinds = []
    for kind in Consent.Kind:
        history = [row for row in rows if row.kind == kind.value]
        open_row = next((row for row in history if row.withdrawn_at is None), None)
        version = consent_text_version(kind)
        # Given to an earlier material version of the text: no longer counts, asked again.
        # An editorial change of the wording keeps the consent in force.
        outdated = open_row is not None and not open_row.in_force
        kinds.append(
            {
                "kind": kind,
                "text": CONSENT_TEXTS[kind],
                "version": version,
                "active": None if outdated else open_row,
                "outdated": outdated,
                "history": history,
            }
        )
    has_profile = VolunteerProfile.objects.filter(user=request.user).exists()
    return render(
        request, "volunteers/profile/consents.html", {"kinds": kinds, "has_profile": has_profile}
    )


def _account(request):
    """The account as a model instance, not the request's lazy wrapper (services may lock
    its row through type(user))."""
    return get_user_model().objects.get(pk=request.user.pk)


def _consent_kind(request, kind: str) -> str:
    _member_only(request)
    if kind not in Consent.Kind.values:
        raise Http404
    return kind


@require_POST
@login_required
def consent_withdraw_view(request, kind: str):
    """One click: the consent ends now; emails that need it are no longer sent."""
    kind = _consent_kind(request, kind)
    if consent_withdraw(user=_account(request), kind=kind):
        messages.success(
            request,
            _("Einwilligung widerrufen: %(kind)s") % {"kind": Consent.Kind(kind).label},
        )
    return redirect(reverse("volunteers:consents") + f"#einwilligung-{kind}")


@require_POST
@login_required
def consent_give_view(request, kind: str):
    kind = _consent_kind(request, kind)
    consent_give(user=_account(request), kind=kind)
    messages.success(
        request, _("Einwilligung erteilt: %(kind)s") % {"kind": Consent.Kind(kind).label}
    )
    return redirect(reverse("volunteers:consents") + f"#einwilligung-{kind}")
