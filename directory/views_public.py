"""The public directory "Integration von Ahlen bis Warendorf": pages without login, and the
calendar file of a town's weekly offers. Parse input, call selectors, render."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .forms import DirectorySearchForm
from .ics import ICS_CONTENT_TYPE, town_offers_ics, town_offers_ics_filename
from .selectors import contact_persons_public, offers_public, organisations_public
from .selectors_public import (
    funded_projects_current,
    kind_label,
    language_label,
    languages_public,
    offer_get_public,
    organisation_contacts_in_town,
    organisation_get_public,
    topics_public,
    town_get_public,
    towns_with_counts,
)

PAGE_SIZE = 25
# Parameters of the search page that are not a choice of the visitor.
PAGE_PARAMETERS = ("page", "organisations_page")


def _page(request: HttpRequest, rows, param: str = "page") -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


def _without(request: HttpRequest, *names: str) -> str:
    """The search page's URL with the current choices but those named (and the page)."""
    params = request.GET.copy()
    for name in (*names, *PAGE_PARAMETERS):
        params.pop(name, None)
    query = params.urlencode()
    return reverse("directory:search") + (f"?{query}" if query else "")


def _narrowing_form(**fixed: str) -> DirectorySearchForm:
    """The search form of a town, topic or language page: that choice made, the others open."""
    return DirectorySearchForm(initial=fixed)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Entry page: search, every town, every topic, the languages spoken at offers."""
    return render(
        request,
        "directory/public/index.html",
        {
            "towns": towns_with_counts(),
            "topics": topics_public(),
            "languages": languages_public(),
            "form": DirectorySearchForm(),
        },
    )


@require_safe
def town(request: HttpRequest, slug: str) -> HttpResponse:
    place = town_get_public(slug)
    return render(
        request,
        "directory/public/town.html",
        {
            "town": place,
            "page": _page(request, offers_public(town=place)),
            "organisations": organisations_public(town=place),
            "town_contacts": contact_persons_public(town=place),
            "organisation_contacts": organisation_contacts_in_town(place),
            "funded_projects": funded_projects_current(town=place),
            "form": _narrowing_form(town=place.slug),
        },
    )


@require_safe
def town_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The town's weekly offers as a calendar to subscribe to (public data only)."""
    place = town_get_public(slug)
    response = HttpResponse(town_offers_ics(place), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{town_offers_ics_filename(place)}"'
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_safe
def topic(request: HttpRequest, kind: str) -> HttpResponse:
    label = kind_label(kind)
    return render(
        request,
        "directory/public/topic.html",
        {
            "kind": kind,
            "label": label,
            "page": _page(request, offers_public(kind=kind)),
            "form": _narrowing_form(kind=kind),
        },
    )


@require_safe
def language(request: HttpRequest, code: str) -> HttpResponse:
    label = language_label(code)
    return render(
        request,
        "directory/public/language.html",
        {
            "code": code,
            "label": label,
            "page": _page(request, offers_public(language=code)),
            "form": _narrowing_form(language=code),
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Offers by any combination of words, town, topic and language; the choices are in the
    query string (a link can be shared) and each can be removed. Organisations by words."""
    form = DirectorySearchForm(request.GET)
    context: dict = {"form": form}
    if not form.is_valid():
        context["problem"] = _("Bitte prüfen Sie Ihre Angaben im Suchformular.")
        return render(request, "directory/public/search.html", context)
    data = form.cleaned_data
    chosen = [
        {"label": label, "value": value, "remove_url": _without(request, name)}
        for name, label, value in form.chosen()
    ]
    if not chosen:
        context["problem"] = _(
            "Bitte geben Sie einen Suchbegriff ein, zum Beispiel „Sprachcafé“, oder wählen Sie "
            "einen Ort, ein Thema oder eine Sprache."
        )
        return render(request, "directory/public/search.html", context)
    context.update(
        chosen=chosen,
        summary=", ".join(row["value"] for row in chosen),
        remove_all_url=reverse("directory:search"),
        query=data["q"],
        town=data["town"],
        page=_page(
            request,
            offers_public(
                town=data["town"],
                kind=data["kind"],
                language=data["language"],
                query=data["q"],
            ),
        ),
    )
    if data["q"]:
        context["organisation_page"] = _page(
            request,
            organisations_public(town=data["town"], query=data["q"]),
            "organisations_page",
        )
    return render(request, "directory/public/search.html", context)


@require_safe
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    found = organisation_get_public(pk)
    return render(
        request,
        "directory/public/organisation.html",
        {
            "organisation": found,
            "page": _page(request, offers_public().filter(organisation=found)),
            "contacts": contact_persons_public(organisation=found),
            "funded_projects": funded_projects_current(organisation=found),
        },
    )


@require_safe
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    found = offer_get_public(pk)
    return render(
        request,
        "directory/public/offer.html",
        {"offer": found, "languages": found.languages.all()},
    )
