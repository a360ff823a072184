"""HTML pages of the coordinator side: register an organisation, invite coordinators, write and
publish help requests, find and invite volunteers, answer offers, confirm hours.

Every page is for an organisation's coordinators only (selectors_coordination's access
functions: 404 for everybody else, 403 for KI staff with two-factor). Objects named in a URL
or a form below a help request are looked up inside that request, so a foreign id is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backend.errors import DomainError
from backend.forms import domain_error_to_form, domain_error_to_message

from .forms_organisations import (
    CoordinatorInviteForm,
    HelpRequestForm,
    OrganisationContactForm,
    OrganisationForm,
    VolunteerSearchForm,
)
from .matching import suggest_volunteers
from .matching.funnel import search_funnel, volunteer_funnel
from .models import Assignment, HelpRequest, HoursEntry
from .selectors_coordination import (
    help_request_get_for_coordination,
    help_request_helpers,
    help_request_hours,
    help_request_pending_hours,
    organisation_coordinators,
    organisation_get_for_coordination,
    organisation_list_for_coordinator,
    organisation_open_invitations,
    volunteer_get_for_invite,
    volunteer_search,
    volunteer_search_steps,
)
from .services import assignments as assignment_services
from .services import help_requests as help_request_services
from .services import hours as hours_services
from .services import organisations as organisation_services
from .services.assignments import MAX_INVITATIONS_AT_ONCE as MAX_AT_ONCE

SEARCH_PARAMS = ("town", "language", "activity", "page")
SUGGESTIONS = 10  # suggestions shown on a request's management page
EDITABLE_STATUSES = (HelpRequest.Status.DRAFT, HelpRequest.Status.OPEN, HelpRequest.Status.FILLED)


# --- Organisations --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_register(request):
    form = OrganisationForm(request.POST or None, initial={"contact_email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_services.organisation_register(
                actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Danke! Ihre Organisation ist registriert. Das Kommunale "
                    "Integrationszentrum prüft die Angaben; danach können Sie Hilfegesuche "
                    "veröffentlichen."
                ),
            )
            return redirect("volunteers:organisation_detail", pk=organisation.pk)
    return render(request, "volunteers/organisations/register.html", {"form": form})


@login_required
@require_safe
def organisation_list(request):
    organisations = organisation_list_for_coordinator(user=request.user)
    return render(request, "volunteers/organisations/list.html", {"organisations": organisations})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_detail(request, pk: int):
    organisation = organisation_get_for_coordination(user=request.user, organisation_id=pk)
    form = CoordinatorInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = organisation_services.coordinator_invite(
                organisation=organisation, email=form.cleaned_data["email"], actor=request.user
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Die Einladung an %(email)s ist unterwegs.") % {"email": invitation.email},
            )
            return redirect("volunteers:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "volunteers/organisations/detail.html",
        {
            "organisation": organisation,
            "coordinators": organisation_coordinators(organisation=organisation),
            "invitations": organisation_open_invitations(organisation=organisation),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_contact(request, pk: int):
    """Change the contact email and phone confirmed helpers see. A refused change shows the
    form again as typed, every problem at its field."""
    organisation = organisation_get_for_coordination(user=request.user, organisation_id=pk)
    form = OrganisationContactForm(
        request.POST or None,
        initial={
            "contact_email": organisation.contact_email,
            "contact_phone": organisation.contact_phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation_services.organisation_update_contact(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Die Kontaktdaten sind gespeichert."))
            return redirect("volunteers:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "volunteers/organisations/contact.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def coordinator_invitation_accept(request, token: str):
    """The link from the invitation email. GET shows the question, the button POSTs."""
    template = "volunteers/organisations/invitation.html"
    try:
        invitation = organisation_services.coordinator_invitation_from_token(token)
    except DomainError as exc:
        return render(request, template, {"error": exc.message}, status=400)
    if not organisation_services.invitation_is_for(invitation, request.user):
        # Nothing about the invitation (organisation, address) is shown to another account.
        error = _(
            "Diese Einladung gilt für eine andere E-Mail-Adresse. Bitte melden Sie sich mit "
            "dem Konto an, an dessen Adresse die Einladung ging."
        )
        return render(request, template, {"error": error}, status=403)
    context = {"invitation": invitation, "organisation": invitation.organisation}
    if request.method == "POST":
        try:
            organisation_services.coordinator_invitation_accept(
                invitation=invitation, actor=request.user
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, template, context, status=409)
        messages.success(
            request,
            _("Willkommen! Sie koordinieren jetzt %(organisation)s mit.")
            % {"organisation": invitation.organisation.name},
        )
        return redirect("volunteers:organisation_detail", pk=invitation.organisation_id)
    if invitation.accepted_at is not None:
        context["error"] = _("Diese Einladung wurde bereits angenommen.")
    return render(request, template, context)


# --- Writing and publishing help requests ---------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def help_request_create(request, pk: int):
    organisation = organisation_get_for_coordination(user=request.user, organisation_id=pk)
    template = "volunteers/organisations/help_request_form.html"
    context = {"organisation": organisation, "help_request": None}
    if not organisation.is_verified:
        # The service refuses too; the page says why instead of offering a form.
        return render(request, template, context, status=403 if request.method == "POST" else 200)
    form = HelpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            help_request = help_request_services.help_request_create(
                organisation=organisation,
                actor=request.user,
                data=form.service_data(),
                languages=form.cleaned_data["languages"],
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Der Entwurf ist gespeichert. Veröffentlichen Sie das Hilfegesuch, wenn "
                    "alles stimmt."
                ),
            )
            return redirect("volunteers:help_request_edit", pk=help_request.pk)
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def help_request_edit(request, pk: int):
    help_request = help_request_get_for_coordination(user=request.user, request_id=pk)
    form = HelpRequestForm(request.POST or None, help_request=help_request)
    if request.method == "POST" and form.is_valid():
        try:
            help_request_services.help_request_update(
                help_request=help_request,
                actor=request.user,
                data=form.service_data(),
                languages=form.cleaned_data["languages"],
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("volunteers:help_request_edit", pk=help_request.pk)
    return render(
        request,
        "volunteers/organisations/help_request_form.html",
        {
            "organisation": help_request.organisation,
            "help_request": help_request,
            "form": form,
            "editable": help_request.status in EDITABLE_STATUSES,
        },
        status=400 if form.errors else 200,
    )


STATUS_ACTIONS = {
    "open": (
        help_request_services.help_request_open,
        gettext_lazy(
            "Das Hilfegesuch ist veröffentlicht. Sie können jetzt Ehrenamtliche einladen."
        ),
    ),
    "close": (
        help_request_services.help_request_close,
        gettext_lazy("Das Hilfegesuch ist geschlossen."),
    ),
}


@require_POST
@login_required
def help_request_status(request, pk: int, action: str):
    help_request = help_request_get_for_coordination(user=request.user, request_id=pk)
    service, success = STATUS_ACTIONS[action]
    try:
        service(help_request=help_request, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(request, success)
    return redirect("volunteers:help_request_edit", pk=help_request.pk)


# --- Helpers: search, invite, answer, hours -------------------------------------------------


def _search_form(request, help_request: HelpRequest) -> VolunteerSearchForm:
    """The filters as submitted; before the first search, the request's own town, activity
    area and first language."""
    if any(name in request.GET for name in ("town", "language", "activity")):
        return VolunteerSearchForm(request.GET)
    first_language = help_request.languages.order_by("pk").values_list("code", flat=True).first()
    return VolunteerSearchForm(
        {
            "town": help_request.town.slug,
            "activity": help_request.activity_area.slug,
            "language": first_language or "",
        }
    )


def _back_to_manage(help_request: HelpRequest, params=None, anchor: str = "") -> str:
    """The management page again, with the search it was left with (known keys only)."""
    url = reverse("volunteers:help_request_manage", args=[help_request.pk])
    kept = {k: params[k][:40] for k in SEARCH_PARAMS if params and params.get(k)}
    if kept:
        url += "?" + urlencode(kept)
    return url + (f"#{anchor}" if anchor else "")


@login_required
@require_safe
def help_request_manage(request, pk: int):
    help_request = help_request_get_for_coordination(user=request.user, request_id=pk)
    form = _search_form(request, help_request)
    form.is_valid()
    filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(volunteer_search(help_request=help_request, **filters), 20).get_page(
        request.GET.get("page")
    )
    search = {name: form.data.get(name, "") for name in ("town", "language", "activity")}
    can_invite = help_request.status == HelpRequest.Status.OPEN
    suggestions = suggest_volunteers(help_request, limit=SUGGESTIONS) if can_invite else []
    hours = help_request_hours(help_request=help_request)
    return render(
        request,
        "volunteers/organisations/manage.html",
        {
            "help_request": help_request,
            "organisation": help_request.organisation,
            "form": form,
            "page": page,
            "search": search,
            "search_query": urlencode(search),
            "helpers": help_request_helpers(help_request=help_request),
            "hours": hours,
            "pending_hours": [h for h in hours if h.status == HoursEntry.Status.SUBMITTED],
            "can_invite": can_invite,
            "suggestions": suggestions,
            # Nobody found: which hard filter left nobody (one query each, only then).
            "funnel": volunteer_funnel(help_request) if can_invite and not suggestions else None,
            "search_funnel": search_funnel(
                volunteer_search_steps(help_request=help_request, **filters),
                help_request,
                labels=form.step_labels(),
            )
            if page.paginator.count == 0
            else None,
        },
    )


@require_POST
@login_required
def help_request_invite(request, pk: int):
    help_request = help_request_get_for_coordination(user=request.user, request_id=pk)
    raw_id = request.POST.get("volunteer", "")
    volunteer = volunteer_get_for_invite(user_id=int(raw_id)) if raw_id.isdigit() else None
    if volunteer is None:
        messages.error(request, _("Diese Person kann nicht eingeladen werden."))
    else:
        try:
            assignment_services.assignment_invite(
                help_request=help_request,
                volunteer=volunteer,
                actor=request.user,
                message=request.POST.get("message", "").strip()[:500],
            )
        except DomainError as exc:
            domain_error_to_message(request, exc)
        else:
            messages.success(
                request,
                _("Die Einladung an %(name)s ist verschickt.")
                % {"name": volunteer.get_short_name()},
            )
    return redirect(_back_to_manage(help_request, request.POST, anchor="suche"))


@require_POST
@login_required
def help_request_invite_suggested(request, pk: int):
    """Invite the suggestions ticked on the management page, each on its own: whoever cannot
    be invited (any more) is named with the reason, the others are invited."""
    help_request = help_request_get_for_coordination(user=request.user, request_id=pk)
    ids = [int(v) for v in request.POST.getlist("volunteers") if v.isdigit()][:MAX_AT_ONCE]
    if not ids:
        messages.error(request, _("Bitte wählen Sie mindestens eine Person aus."))
        return redirect(_back_to_manage(help_request, anchor="vorschlaege"))
    found = (volunteer_get_for_invite(user_id=i) for i in dict.fromkeys(ids))
    volunteers = [volunteer for volunteer in found if volunteer is not None]
    try:
        result = assignment_services.assignments_invite_many(
            help_request=help_request,
            volunteers=volunteers,
            actor=request.user,
            message=request.POST.get("message", "").strip()[:500],
        )
    except DomainError as exc:
        domain_error_to_message(request, exc)
        return redirect(_back_to_manage(help_request, anchor="vorschlaege"))
    if result.invited:
        names = ", ".join(a.volunteer.get_short_name() for a in result.invited)
        messages.success(request, _("Eingeladen: %(names)s.") % {"names": names})
    for volunteer, reason in result.refused:
        messages.error(
            request,
            _("%(name)s wurde nicht eingeladen: %(reason)s")
            % {"name": volunteer.get_short_name(), "reason": reason},
        )
    if len(volunteers) < len(ids):
        messages.error(request, _("Nicht alle ausgewählten Personen können eingeladen werden."))
    return redirect(_back_to_manage(help_request, anchor="vorschlaege"))


ASSIGNMENT_ACTIONS = {
    "accept": (assignment_services.assignment_accept, gettext_lazy("Angebot angenommen. Danke!")),
    "decline": (assignment_services.assignment_decline, gettext_lazy("Angebot abgelehnt.")),
    "withdraw": (assignment_services.assignment_withdraw, gettext_lazy("Zurückgezogen.")),
}


@require_POST
@login_required
def help_request_assignment(request, pk: int, assignment_pk: int, action: str):
    help_request = help_request_get_for_coordination(user=request.user, request_id=pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("volunteer", "help_request__organisation"),
        pk=assignment_pk,
        help_request=help_request,
    )
    service, success = ASSIGNMENT_ACTIONS[action]
    was = assignment.status
    try:
        service(assignment=assignment, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        if action == "withdraw":
            success = (
                _("Die Einladung ist zurückgezogen.")
                if was == Assignment.Status.INVITED
                else _("Der Einsatz ist beendet.")
            )
        messages.success(request, success)
    return redirect(_back_to_manage(help_request, anchor="helfende"))


HOURS_ACTIONS = {
    "confirm": (hours_services.hours_confirm, gettext_lazy("Stunden bestätigt.")),
    "reject": (hours_services.hours_reject, gettext_lazy("Stunden abgelehnt.")),
}


@require_POST
@login_required
def help_request_hours_confirm_all(request, pk: int):
    """ "Alle bestätigen": the pending hours the page listed (their ids come with the form, so
    hours logged since are not confirmed unseen), each through hours_confirm. The page then
    says how many were confirmed and, for each one that was not, why."""
    help_request = help_request_get_for_coordination(user=request.user, request_id=pk)
    ids = list(dict.fromkeys(int(v) for v in request.POST.getlist("entries") if v.isdigit()))
    if not ids:
        messages.error(request, _("Es waren keine offenen Stunden aufgeführt."))
        return redirect(_back_to_manage(help_request, anchor="stunden"))
    entries = help_request_pending_hours(help_request=help_request, ids=ids)
    result = hours_services.hours_confirm_many(entries=entries, actor=request.user)
    if result.confirmed:
        messages.success(
            request,
            ngettext("%(n)d Eintrag bestätigt.", "%(n)d Einträge bestätigt.", len(result.confirmed))
            % {"n": len(result.confirmed)},
        )
    for entry, reason in result.refused:
        messages.error(
            request,
            _("Nicht bestätigt: %(name)s, %(date)s, %(hours)s Stunden – %(reason)s")
            % {
                "name": entry.assignment.volunteer.get_full_name(),
                "date": date_format(entry.date, "SHORT_DATE_FORMAT"),
                "hours": number_format(entry.hours),
                "reason": reason,
            },
        )
    missing = len(ids) - len(entries)
    if missing:
        messages.error(
            request,
            ngettext(
                "%(n)d aufgeführter Eintrag gehört nicht (mehr) zu diesem Hilfegesuch und wurde "
                "nicht bestätigt.",
                "%(n)d aufgeführte Einträge gehören nicht (mehr) zu diesem Hilfegesuch und "
                "wurden nicht bestätigt.",
                missing,
            )
            % {"n": missing},
        )
    return redirect(_back_to_manage(help_request, anchor="stunden"))


@require_POST
@login_required
def help_request_hours_review(request, pk: int, entry_pk: int, action: str):
    help_request = help_request_get_for_coordination(user=request.user, request_id=pk)
    entry = get_object_or_404(
        HoursEntry.objects.select_related(
            "assignment__volunteer", "assignment__help_request__organisation"
        ),
        pk=entry_pk,
        assignment__help_request=help_request,
    )
    service, success = HOURS_ACTIONS[action]
    try:
        service(entry=entry, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(request, success)
    return redirect(_back_to_manage(help_request, anchor="stunden"))
