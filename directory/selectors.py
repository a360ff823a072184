"""What the public directory shows. Only verified organisations, offers not hidden by the KI
and confirmed within HIDE_AFTER, contact persons with recorded consent, and funded projects
whose decision is signed and whose organisation agreed to publication."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from funding.models import Application
from volunteers.models import Organisation, Town

from .models import HIDE_AFTER, ContactPerson, Offer, OfferLanguage

FUNDED_STATUSES = (
    Application.Status.APPROVED,
    Application.Status.PROOF_SUBMITTED,
    Application.Status.CLOSED,
)


def offers_public(
    *, town: Town | None = None, kind: str = "", language: str = "", query: str = ""
) -> QuerySet[Offer]:
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
        offers = offers.filter(languages__code=language)
    if query:
        words = query.split()[:8]
        for word in words:
            offers = offers.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(place__icontains=word)
                | Q(target_group__icontains=word)
                | Q(town__name__icontains=word)
            )
    return (
        offers.select_related("organisation", "town")
        .prefetch_related(Prefetch("languages", queryset=OfferLanguage.objects.order_by("code")))
        .distinct()
        .order_by("town__name", "title", "pk")
    )


def organisations_public(*, town: Town | None = None, query: str = "") -> QuerySet[Organisation]:
    organisations = Organisation.objects.filter(verified_at__isnull=False)
    if town is not None:
        organisations = organisations.filter(town=town)
    for word in query.split()[:8]:
        organisations = organisations.filter(
            Q(name__icontains=word) | Q(description__icontains=word)
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
