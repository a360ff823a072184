"""HTML pages that keep the directory: an organisation's offers and contact persons (its
coordinators, KI staff with two-factor), the removal link of a contact person (no login), and
the KI's pages for all offers, the town administrations' contact persons and the municipal
accounts.

Access follows directory.permissions: 404 for what the user may not see, 403 for a
coordinator of an organisation the KI has not verified yet. Objects named in a URL below an
organisation are looked up inside it, so a foreign id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backend.accounts.decorators import staff_required
from backend.errors import DomainError
from backend.forms import domain_error_to_form, domain_error_to_message
from volunteers.models import Organisation
from volunteers.permissions import is_member_of

from .forms import (
    ContactPersonForm,
    MunicipalAccessForm,
    OfferFilterForm,
    OfferForm,
    OfferHideForm,
    TownContactPersonForm,
)
from .models import HIDE_AFTER, REMIND_AFTER, ContactPerson, MunicipalAccess, Offer, OfferLanguage
from .permissions import can_manage_offers_of, offer_get_for_edit
from .services import contacts as contact_services
from .services import municipal as municipal_services
from .services import offers as offer_services

PAGE_SIZE = 25


# --- Helpers --------------------------------------------------------------------------------


def _next_or(request, fallback: str) -> str:
    """Where to go after an action: the page it came from (`next`, own site only)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _organisation_for_directory(user, pk: int) -> Organisation:
    """The organisation, for those who keep its directory entries: its coordinators (once
    the KI verified it) and KI staff with two-factor. A coordinator of an unverified
    organisation gets 403 (the page could say why), everybody else 404."""
    organisation = Organisation.objects.select_related("town").filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if can_manage_offers_of(user, organisation):
        return organisation
    if is_member_of(user, organisation):
        raise PermissionDenied
    raise Http404


def _with_languages(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    return offers.select_related("organisation", "town").prefetch_related(
        Prefetch("languages", queryset=OfferLanguage.objects.order_by("code"))
    )


def _offer_states(offers, now=None) -> None:
    """Annotate each offer with `state` (public, stale, expired, hidden) for the badge."""
    now = now or timezone.now()
    for offer in offers:
        if offer.hidden_at is not None:
            offer.state = "hidden"
        elif offer.confirmed_at < now - HIDE_AFTER:
            offer.state = "expired"
        elif offer.confirmed_at < now - REMIND_AFTER:
            offer.state = "stale"
        else:
            offer.state = "public"
        offer.hidden_on = timezone.localtime(offer.confirmed_at + HIDE_AFTER).date()


def _organisation_page(organisation: Organisation) -> str:
    return reverse("directory:organisation_directory", args=[organisation.pk])


# --- An organisation's entries (coordinators, KI staff) -------------------------------------


@login_required
@require_safe
def organisation_directory(request, pk: int):
    organisation = _organisation_for_directory(request.user, pk)
    offers = list(_with_languages(organisation.offers.order_by("title", "pk")))
    _offer_states(offers)
    return render(
        request,
        "directory/manage/organisation.html",
        {
            "organisation": organisation,
            "offers": offers,
            "contact_persons": organisation.contact_persons.order_by("name", "pk"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def offer_create(request, pk: int):
    organisation = _organisation_for_directory(request.user, pk)
    form = OfferForm(request.POST or None, initial={"town": organisation.town_id})
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_services.offer_create(
                actor=request.user,
                organisation=organisation,
                town=form.cleaned_data["town"],
                data=form.service_data(),
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Das Angebot „%(title)s“ steht jetzt im Verzeichnis.") % {"title": offer.title},
            )
            return redirect(_organisation_page(organisation))
    return render(
        request,
        "directory/manage/offer_form.html",
        {"organisation": organisation, "offer": None, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def offer_edit(request, pk: int):
    """The page the reminder email links to; saving counts as confirming the offer."""
    offer = offer_get_for_edit(request.user, pk)
    form = OfferForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        try:
            offer_services.offer_update(
                actor=request.user,
                offer=offer,
                town=form.cleaned_data["town"],
                data=form.service_data(),
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect(_next_or(request, _organisation_page(offer.organisation)))
    _offer_states([offer])
    return render(
        request,
        "directory/manage/offer_form.html",
        {
            "organisation": offer.organisation,
            "offer": offer,
            "form": form,
            "next": _next_or(request, ""),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def offer_confirm(request, pk: int):
    """One click: "Angebot ist aktuell"."""
    offer = offer_get_for_edit(request.user, pk)
    offer_services.offer_confirm(actor=request.user, offer=offer)
    messages.success(
        request,
        _("Danke! „%(title)s“ ist als aktuell bestätigt.") % {"title": offer.title},
    )
    return redirect(_next_or(request, _organisation_page(offer.organisation)))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def offer_delete(request, pk: int):
    """GET asks, POST deletes."""
    offer = offer_get_for_edit(request.user, pk)
    if request.method == "POST":
        offer_services.offer_delete(actor=request.user, offer=offer)
        messages.success(
            request, _("Das Angebot „%(title)s“ ist gelöscht.") % {"title": offer.title}
        )
        return redirect(_organisation_page(offer.organisation))
    return render(
        request,
        "directory/manage/offer_delete.html",
        {"organisation": offer.organisation, "offer": offer},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contact_person_create(request, pk: int):
    organisation = _organisation_for_directory(request.user, pk)
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = contact_services.contact_person_create(
                actor=request.user, organisation=organisation, data=form.service_data()
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(name)s steht jetzt im Verzeichnis und bekommt eine E-Mail mit dem Link "
                    "zum Entfernen."
                )
                % {"name": person.name},
            )
            return redirect(_organisation_page(organisation))
    return render(
        request,
        "directory/manage/contact_form.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def contact_person_delete(request, pk: int, person_pk: int):
    organisation = _organisation_for_directory(request.user, pk)
    person = get_object_or_404(ContactPerson, pk=person_pk, organisation=organisation)
    contact_services.contact_person_delete(actor=request.user, person=person)
    messages.success(
        request, _("%(name)s ist aus dem Verzeichnis entfernt.") % {"name": person.name}
    )
    return redirect(_organisation_page(organisation))


# --- The removal link of a contact person (no login) ----------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def contact_remove(request, token: str):
    """GET shows whose entry goes, the button POSTs. An unknown, tampered or already used
    link is a 404 page that says so."""
    template = "directory/manage/contact_remove.html"
    person = contact_services.contact_person_for_token(token)
    if person is None:
        return render(request, template, {"invalid": True}, status=404)
    person = ContactPerson.objects.select_related("organisation", "town").get(pk=person.pk)
    if request.method == "POST":
        contact_services.contact_person_remove(person=person)
        return render(request, template, {"removed": True, "person": person})
    return render(request, template, {"person": person})


# --- KI staff: every offer ------------------------------------------------------------------


def _offers_for_staff(*, town: str = "", kind: str = "", state: str = "") -> QuerySet[Offer]:
    now = timezone.now()
    offers = Offer.objects.all()
    if town:
        offers = offers.filter(town__slug=town)
    if kind:
        offers = offers.filter(kind=kind)
    visible = offers.filter(hidden_at__isnull=True)
    if state == "hidden":
        offers = offers.filter(hidden_at__isnull=False)
    elif state == "expired":
        offers = visible.filter(confirmed_at__lt=now - HIDE_AFTER)
    elif state == "stale":
        offers = visible.filter(
            confirmed_at__lt=now - REMIND_AFTER, confirmed_at__gte=now - HIDE_AFTER
        )
    elif state == "public":
        offers = visible.filter(confirmed_at__gte=now - REMIND_AFTER)
    return _with_languages(offers).order_by("town__name", "title", "pk")


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@never_cache
@staff_required
def staff_offer_list(request):
    form = OfferFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    page = Paginator(_offers_for_staff(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    _offer_states(page)
    for offer in page:
        # One reason field per row, each with its own id.
        offer.hide_form = OfferHideForm(auto_id=f"hide-{offer.pk}-%s")
    return render(
        request,
        "directory/manage/staff_offers.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "here": request.get_full_path(),
        },
    )


@require_POST
@staff_required
def staff_offer_hide(request, pk: int):
    offer = get_object_or_404(Offer, pk=pk)
    form = OfferHideForm(request.POST)
    form.is_valid()
    try:
        offer_services.offer_hide(
            actor=request.user, offer=offer, reason=form.cleaned_data.get("reason") or ""
        )
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(
            request,
            _("„%(title)s“ ist ausgeblendet. Die Organisation sieht den Grund.")
            % {"title": offer.title},
        )
    return redirect(_next_or(request, _staff_offers_url()))


@require_POST
@staff_required
def staff_offer_unhide(request, pk: int):
    offer = get_object_or_404(Offer, pk=pk)
    offer_services.offer_unhide(actor=request.user, offer=offer)
    messages.success(request, _("„%(title)s“ wird wieder angezeigt.") % {"title": offer.title})
    return redirect(_next_or(request, _staff_offers_url()))


def _staff_offers_url() -> str:
    return reverse("directory:staff_offer_list")


# --- KI staff: contact persons of the town administrations ----------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_contact_list(request):
    form = TownContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = contact_services.contact_person_create(
                actor=request.user, town=form.cleaned_data["town"], data=form.service_data()
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(name)s steht jetzt im Verzeichnis und bekommt eine E-Mail mit dem Link "
                    "zum Entfernen."
                )
                % {"name": person.name},
            )
            return redirect("directory:staff_contact_list")
    persons = ContactPerson.objects.filter(town__isnull=False).select_related("town")
    return render(
        request,
        "directory/manage/staff_contacts.html",
        {"form": form, "persons": persons.order_by("town__name", "name", "pk")},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required
def staff_contact_delete(request, pk: int):
    person = get_object_or_404(ContactPerson, pk=pk, town__isnull=False)
    contact_services.contact_person_delete(actor=request.user, person=person)
    messages.success(
        request, _("%(name)s ist aus dem Verzeichnis entfernt.") % {"name": person.name}
    )
    return redirect("directory:staff_contact_list")


# --- KI staff: accounts of the town administrations -----------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_municipal_list(request):
    form = MunicipalAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = municipal_services.municipal_access_grant(
                actor=request.user,
                email=form.cleaned_data["email"],
                town=form.cleaned_data["town"],
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(email)s sieht jetzt die Zahlen von %(town)s.")
                % {"email": access.user.email, "town": access.town.name},
            )
            return redirect("directory:staff_municipal_list")
    accesses = MunicipalAccess.objects.select_related("user", "town", "granted_by").order_by(
        "town__name", "user__email"
    )
    return render(
        request,
        "directory/manage/staff_municipal.html",
        {"form": form, "accesses": accesses},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required
def staff_municipal_revoke(request, pk: int):
    access = get_object_or_404(MunicipalAccess.objects.select_related("user", "town"), pk=pk)
    municipal_services.municipal_access_revoke(actor=request.user, access=access)
    messages.success(
        request,
        _("%(email)s sieht die Zahlen von %(town)s nicht mehr.")
        % {"email": access.user.email, "town": access.town.name},
    )
    return redirect("directory:staff_municipal_list")
