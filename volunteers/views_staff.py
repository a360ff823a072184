"""HTML pages of the KI staff (/verwaltung/...): organisations to check (verify, or reject with a
reason), volunteers and their Führungszeugnis check, the overview per town. Every page needs KI
staff with two-factor authentication (staff_required); opening a volunteer's page is written to
the audit trail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from backend.accounts.decorators import staff_required
from backend.errors import DomainError
from backend.forms import domain_error_to_form, domain_error_to_message

from .forms_staff import (
    FuehrungszeugnisForm,
    OrganisationFilterForm,
    OrganisationRejectForm,
    OverviewYearForm,
    VolunteerSearchForm,
)
from .models import Organisation
from .selectors_staff import (
    availability_grid,
    fuehrungszeugnis_status,
    organisation_get_for_staff,
    organisation_history,
    organisation_list_for_staff,
    organisation_pending_count,
    town_overview,
    volunteer_facts_for_staff,
    volunteer_get_for_staff,
    volunteer_search_for_staff,
)
from .services.staff import (
    fuehrungszeugnis_record,
    organisation_reject,
    organisation_verify,
    volunteer_access_log,
)

PAGE_SIZE = 20


def _filters(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}


def _query_without_page(request) -> str:
    """The current filters as a query string, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@never_cache
@staff_required
def organisation_list(request):
    form = OrganisationFilterForm(request.GET or None)
    rows = organisation_list_for_staff(**_filters(form))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/staff/organisation_list.html",
        {
            "form": form,
            "page": page,
            "pending_count": organisation_pending_count(),
            "query": _query_without_page(request),
        },
    )


def _organisation_page(request, organisation, *, reject_form=None, status: int = 200):
    return render(
        request,
        "volunteers/staff/organisation_detail.html",
        {
            "organisation": organisation,
            "history": organisation_history(organisation),
            "reject_form": reject_form or OrganisationRejectForm(),
            "coordinators": [m.user for m in organisation.memberships.all()],
        },
        status=status,
    )


@require_safe
@never_cache
@staff_required
def organisation_detail(request, pk: int):
    """Everything the KI checks before deciding: the organisation's details, who registered
    it, its coordinators, the history; and the two decisions (verify, reject with a reason)."""
    organisation = organisation_get_for_staff(organisation_id=pk)
    return _organisation_page(request, organisation)


def _emailed(people, *, none: str, one: str, many: str) -> str:
    """What was put into the outbox, as it is (names for one, a count for several)."""
    if not people:
        return none
    if len(people) == 1:
        return one % {"name": people[0].get_full_name()}
    return many % {"count": len(people)}


@require_POST
@never_cache
@staff_required
def organisation_verify_view(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        organisation_verify(organisation=organisation, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
        return redirect("volunteers:staff_organisation_list")
    told = _emailed(
        organisation.emailed,
        none=_("Sie hat keine aktive Koordination: Es wurde keine E-Mail verschickt."),
        one=_("Eine E-Mail an %(name)s (Koordination) liegt im Postausgang."),
        many=_("E-Mails an %(count)s Personen der Koordination liegen im Postausgang."),
    )
    messages.success(
        request,
        " ".join([_("„%(name)s“ ist jetzt geprüft.") % {"name": organisation.name}, told]),
    )
    return redirect("volunteers:staff_organisation_list")


@require_POST
@never_cache
@staff_required
def organisation_reject_view(request, pk: int):
    organisation = organisation_get_for_staff(organisation_id=pk)
    form = OrganisationRejectForm(request.POST)
    if form.is_valid():
        try:
            organisation_reject(
                organisation=organisation,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            if exc.field:
                domain_error_to_form(form, exc)
            else:
                domain_error_to_message(request, exc)
                return redirect("volunteers:staff_organisation_list")
        else:
            told = _emailed(
                organisation.emailed,
                none=_(
                    "Niemand, der sie registriert hat oder koordiniert, hat noch ein aktives "
                    "Konto: Es wurde keine E-Mail verschickt."
                ),
                one=_("Eine E-Mail mit dem Grund an %(name)s liegt im Postausgang."),
                many=_("E-Mails mit dem Grund an %(count)s Personen liegen im Postausgang."),
            )
            messages.success(
                request,
                " ".join(
                    [
                        _("Die Registrierung von „%(name)s“ ist abgelehnt.")
                        % {"name": organisation.name},
                        told,
                    ]
                ),
            )
            return redirect("volunteers:staff_organisation_list")
    return _organisation_page(request, organisation, reject_form=form, status=400)


@require_safe
@never_cache
@staff_required
def volunteer_list(request):
    form = VolunteerSearchForm(request.GET or None)
    rows = volunteer_search_for_staff(**_filters(form))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for profile in page:
        profile.fz = fuehrungszeugnis_status(profile, today=today)
    return render(
        request,
        "volunteers/staff/volunteer_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def _render_volunteer(request, *, profile, form: FuehrungszeugnisForm):
    """The volunteer's page; every rendering shows personal data and is logged."""
    volunteer_access_log(
        volunteer=profile.user, actor=request.user, purpose="volunteers:staff_volunteer_detail"
    )
    today = timezone.localdate()
    return render(
        request,
        "volunteers/staff/volunteer_detail.html",
        {
            "profile": profile,
            "volunteer": profile.user,
            "record": getattr(profile.user, "fuehrungszeugnis", None),
            "fz": fuehrungszeugnis_status(profile, today=today),
            "facts": volunteer_facts_for_staff(profile=profile, year=today.year),
            "availability": availability_grid(profile),
            "form": form,
            "year": today.year,
        },
    )


@require_safe
@never_cache
@staff_required
def volunteer_detail(request, pk: int):
    profile = volunteer_get_for_staff(user_id=pk)
    return _render_volunteer(request, profile=profile, form=FuehrungszeugnisForm())


@require_POST
@never_cache
@staff_required
def fuehrungszeugnis_record_view(request, pk: int):
    profile = volunteer_get_for_staff(user_id=pk)
    form = FuehrungszeugnisForm(request.POST)
    if form.is_valid():
        try:
            fuehrungszeugnis_record(volunteer=profile.user, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Die Einsicht in das Führungszeugnis ist gespeichert."))
            return redirect("volunteers:staff_volunteer_detail", pk=pk)
    return _render_volunteer(request, profile=profile, form=form)


@require_safe
@never_cache
@staff_required
def overview(request):
    form = OverviewYearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else None
    return render(
        request,
        "volunteers/staff/overview.html",
        {"form": form, "overview": town_overview(year=year)},
    )
