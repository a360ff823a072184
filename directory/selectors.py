"""What the public directory shows. Only verified organisations, offers not hidden by the KI
and confirmed within HIDE_AFTER, contact persons with recorded consent, and funded projects
whose decision is signed and whose organisation agreed to publication."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from funding.models import Application
from volunteers.models import Organisation, Town

from .models import HIDE_AFTER, ContactPerson, Offer, OfferLanguage
from .search import fold_rows, kinds_matching, languages_matching, names_matching, search_words

FUNDED_STATUSES = (
    Application.Status.APPROVED,
    Application.Status.PROOF_SUBMITTED,
    Application.Status.CLOSED,
)


def offers_public(
    *, town: Town | None = None, kind: str = "", language: str = "", query: str = ""
) -> QuerySet[Offer]:
    """Public offers, narrowed by any combination of town, kind, language and search words
    (every word must match: search.py); a fixed number of queries."""
    offers = Offer.objects.filter(
        organisation__verified_at__isnull=False,
        hidden_at__isnull=True,
        confirmed_at__gte=timezone.now() - HIDE_AFTER,
    )
    if town is not None:
        offers = offers.filter(town=town)
    if kind:
        offers = offers.filter(kind=kind)
    if language:
        # (offer, code) is unique: the join cannot repeat an offer.
        offers = offers.filter(languages__code=language)
    words = search_words(query)
    if words:
        offers = offers.filter(_offers_matching(words))
    return (
        offers.select_related("organisation", "town")
        .prefetch_related(Prefetch("languages", queryset=OfferLanguage.objects.order_by("code")))
        .order_by("town__name", "title", "pk")
    )


def _town_rows() -> list[tuple[int, str]]:
    return fold_rows(Town.objects.values_list("pk", "name"))


def _offers_matching(words: list[tuple[str, ...]]) -> Q:
    """Every word in the offer's own text, kind, town, organisation or languages. Town and
    organisation names are matched in Python (one query each, folded like the words)."""
    towns = _town_rows()
    organisations = fold_rows(
        Organisation.objects.filter(verified_at__isnull=False).values_list("pk", "name")
    )
    condition = Q()
    for word in words:
        match = Q()
        for form in word:
            match |= Q(search_text__contains=form)
        if kinds := kinds_matching(word):
            match |= Q(kind__in=kinds)
        if codes := languages_matching(word):
            match |= Q(pk__in=OfferLanguage.objects.filter(code__in=codes).values("offer_id"))
        if town_ids := names_matching(towns, word):
            match |= Q(town_id__in=town_ids)
        if organisation_ids := names_matching(organisations, word):
            match |= Q(organisation_id__in=organisation_ids)
        condition &= match
    return condition


def organisations_public(*, town: Town | None = None, query: str = "") -> QuerySet[Organisation]:
    """Verified organisations; with a query, those whose name, description or town has every
    word (folded like the offers' search)."""
    organisations = Organisation.objects.filter(verified_at__isnull=False)
    if town is not None:
        organisations = organisations.filter(town=town)
    words = search_words(query)
    if words:
        towns = _town_rows()
        texts = fold_rows(organisations.values_list("pk", "name", "description"))
        for word in words:
            organisations = organisations.filter(
                Q(pk__in=names_matching(texts, word)) | Q(town_id__in=names_matching(towns, word))
            )
    return organisations.select_related("town").order_by("name")


def contact_persons_public(
    *, town: Town | None = None, organisation: Organisation | None = None
) -> QuerySet[ContactPerson]:
    # Town administrations' contacts, and those of organisations the KI has verified.
    persons = ContactPerson.objects.filter(
        Q(organisation__isnull=True) | Q(organisation__verified_at__isnull=False)
    )
    if town is not None:
        persons = persons.filter(town=town)
    if organisation is not None:
        persons = persons.filter(organisation=organisation)
    return persons.order_by("name", "pk")


def funded_projects_public(
    *, town: Town | None = None, organisation: Organisation | None = None
) -> QuerySet[Application]:
    projects = Application.objects.filter(
        status__in=FUNDED_STATUSES,
        decision=Application.Decision.APPROVE,
        signed_at__isnull=False,
        publication_consent=True,
        organisation__verified_at__isnull=False,
    )
    if town is not None:
        projects = projects.filter(town=town)
    if organisation is not None:
        projects = projects.filter(organisation=organisation)
    return projects.select_related("organisation", "block", "programme_year__programme").order_by(
        "-programme_year__year", "title"
    )
