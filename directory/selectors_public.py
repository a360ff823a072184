"""Further reads of the public directory, built on the visibility rules of selectors.py (only
verified organisations, offers neither hidden nor expired, contact persons with consent, funded
projects that may be published). Each returns a queryset or a small list in a fixed number of
queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from funding.models import Application
from volunteers.languages import LANGUAGE_NAMES, language_name
from volunteers.models import Organisation, Town

from .models import ContactPerson, Offer, OfferLanguage
from .selectors import funded_projects_public, offers_public, organisations_public

# "Current" funded projects: those of this programme year and the one before (a project of
# last year's call usually still runs or has just ended); older ones stay in the files only.
FUNDED_YEARS_SHOWN = 2


@dataclass(frozen=True)
class Facet:
    """A topic or language with the number of public offers it has."""

    value: str
    label: str
    count: int


def _count_subquery(queryset: QuerySet, field: str) -> Coalesce:
    counted = (
        queryset.order_by()
        .filter(**{field: OuterRef("pk")})
        .values(field)
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def towns_with_counts() -> QuerySet[Town]:
    """Every town of the district with `offer_count` and `organisation_count` (public ones),
    one query."""
    offers = Offer.objects.filter(pk__in=offers_public().order_by().values("pk"))
    return Town.objects.annotate(
        offer_count=_count_subquery(offers, "town"),
        organisation_count=_count_subquery(
            Organisation.objects.filter(verified_at__isnull=False), "town"
        ),
    ).order_by("name")


def town_get_public(slug: str) -> Town:
    """Raises Http404 for an unknown slug."""
    town = Town.objects.filter(slug=slug).first()
    if town is None:
        raise Http404
    return town


def kind_label(kind: str) -> str:
    """The German/English name of an offer kind; Http404 for an unknown one."""
    if kind not in Offer.Kind.values:
        raise Http404
    return str(Offer.Kind(kind).label)


def language_label(code: str) -> str:
    """The name of a language code; Http404 for a code the platform does not know."""
    if code not in LANGUAGE_NAMES:
        raise Http404
    return language_name(code)


def topics_public() -> list[Facet]:
    """Every offer kind (in the order of Offer.Kind) with its number of public offers."""
    counts = dict(
        offers_public().order_by().values_list("kind").annotate(n=Count("pk", distinct=True))
    )
    return [Facet(value, str(label), counts.get(value, 0)) for value, label in Offer.Kind.choices]


def languages_public() -> list[Facet]:
    """The languages spoken at public offers, by name, with their number of offers."""
    rows = (
        OfferLanguage.objects.filter(offer__in=offers_public().order_by().values("pk"))
        .values_list("code")
        .annotate(n=Count("offer", distinct=True))
    )
    facets = [Facet(code, language_name(code), n) for code, n in rows if code in LANGUAGE_NAMES]
    return sorted(facets, key=lambda f: f.label)


def offer_get_public(pk: int) -> Offer:
    """A visible offer with organisation, town and languages; Http404 for hidden, expired,
    unverified or unknown ones."""
    offer = offers_public().filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer


def organisation_get_public(pk: int) -> Organisation:
    """A verified organisation; Http404 for unverified or unknown ones."""
    organisation = organisations_public().filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def organisation_contacts_in_town(town: Town) -> QuerySet[ContactPerson]:
    """Contact persons of the verified organisations based in the town."""
    return (
        ContactPerson.objects.filter(
            organisation__town=town, organisation__verified_at__isnull=False
        )
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )


def funded_projects_current(
    *, town: Town | None = None, organisation: Organisation | None = None
) -> QuerySet[Application]:
    """funded_projects_public of the last FUNDED_YEARS_SHOWN programme years."""
    first_year = timezone.localdate().year - FUNDED_YEARS_SHOWN + 1
    return funded_projects_public(town=town, organisation=organisation).filter(
        programme_year__year__gte=first_year
    )
