"""Fixtures of the directory's management pages: a verified organisation with a logged-in
coordinator, offers built to order, and KI staff with two-factor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from directory.models import ContactPerson, Offer, OfferLanguage
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory


@pytest.fixture
def ahlen(db):
    return TownFactory(name="Ahlen")


@pytest.fixture
def telgte(db):
    return TownFactory(name="Telgte", postal_codes=["48291"])


@pytest.fixture
def organisation(ahlen):
    return OrganisationFactory(name="Flüchtlingshilfe Ahlen", town=ahlen)


@pytest.fixture
def coordinator(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def staff_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client


def make_offer(organisation, *, age_days: int = 0, languages=("de",), **fields) -> Offer:
    """An offer of `organisation`, last confirmed `age_days` ago."""
    values = {
        "title": "Sprachcafé",
        "kind": Offer.Kind.SPRACHCAFE,
        "description": "Deutsch üben bei Kaffee",
        "town": organisation.town,
        "place": "Marktplatz 1",
        "weekday": Offer.Weekday.TUESDAY,
        "starts_at": dt.time(16),
        "ends_at": dt.time(18),
        "contact_email": "cafe@example.org",
        "confirmed_at": timezone.now() - dt.timedelta(days=age_days),
    }
    values.update(fields)
    offer = Offer.objects.create(organisation=organisation, **values)
    OfferLanguage.objects.bulk_create([OfferLanguage(offer=offer, code=c) for c in languages])
    return offer


def make_contact(*, organisation=None, town=None, **fields) -> ContactPerson:
    values = {
        "name": "Maria Beispiel",
        "function": "Koordination",
        "email": "maria@example.org",
        "consent_at": timezone.now(),
        "consent_text_version": "x" * 64,
    }
    values.update(fields)
    return ContactPerson.objects.create(organisation=organisation, town=town, **values)


def offer_form(town, **overrides) -> dict:
    data = {
        "title": "Fahrradwerkstatt",
        "kind": "fahrradwerkstatt",
        "description": "Wir reparieren gemeinsam Fahrräder.",
        "town": str(town.pk),
        "place": "Hof der Kirchengemeinde",
        "weekday": "3",
        "starts_at": "15:00",
        "ends_at": "17:30",
        "dates": "",
        "languages": ["ar", "uk"],
        "target_group": "Alle",
        "free_of_charge": "on",
        "contact_name": "Jonas",
        "contact_email": "rad@example.org",
        "contact_phone": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
