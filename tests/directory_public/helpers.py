"""Rows of the public directory, written with the ORM (fast; the services are tested in
tests/directory)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from directory.models import ContactPerson, Offer, OfferLanguage
from funding.models import Application
from tests.factories import OrganisationFactory, TownFactory
from tests.funding.factories import ApplicationFactory


def make_offer(*, languages: tuple[str, ...] = (), **fields) -> Offer:
    organisation = fields.pop("organisation", None) or OrganisationFactory(
        town=fields.get("town") or TownFactory()
    )
    values = {
        "title": "Sprachcafé am Dienstag",
        "kind": Offer.Kind.SPRACHCAFE,
        "description": "Deutsch sprechen bei Kaffee und Tee.",
        "town": organisation.town,
        "place": "Stadtbücherei, Marktplatz 1",
        "weekday": 1,
        "starts_at": dt.time(15, 0),
        "ends_at": dt.time(17, 0),
        "target_group": "Erwachsene",
        "contact_name": "Maria Muster",
        "contact_email": "sprachcafe@example.org",
        "contact_phone": "02382 123-45",
        **fields,
    }
    offer = Offer.objects.create(organisation=organisation, **values)
    OfferLanguage.objects.bulk_create([OfferLanguage(offer=offer, code=c) for c in languages])
    return offer


def make_contact(**fields) -> ContactPerson:
    values = {
        "name": "Petra Beispiel",
        "function": "Integrationsbeauftragte",
        "email": "integration@example.org",
        "phone": "02382 59-0",
        "consent_at": timezone.now(),
        "consent_text_version": "0" * 64,
        **fields,
    }
    return ContactPerson.objects.create(**values)


def make_funded(*, organisation, consent: bool = True, signed: bool = True, **fields):
    """An approved case (status set directly: the pot figures do not matter here)."""
    application = ApplicationFactory(
        organisation=organisation,
        town=organisation.town,
        publication_consent=consent,
        status=Application.Status.APPROVED,
        decision=Application.Decision.APPROVE,
        approved_amount=Decimal("1500.00"),
        signed_at=timezone.now() if signed else None,
        **fields,
    )
    return application
