"""Demo data of the directory (seed_demo): a few offers in every town of the district, contact
persons of the town administrations, and a municipal account for Ahlen. Names, addresses and
numbers are made up; all emails go to example.org."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.services import user_create_verified
from volunteers.models import Organisation, Town

from .models import ContactPerson, MunicipalAccess, Offer, OfferLanguage
from .services.contacts import consent_text_version

# (kind, title, weekday or None, start, end, dates, languages, target group)
OFFER_PATTERNS = [
    (
        Offer.Kind.SPRACHCAFE,
        "Sprachcafé",
        Offer.Weekday.TUESDAY,
        dt.time(16, 0),
        dt.time(18, 0),
        "",
        ["de", "ar", "fa"],
        "Erwachsene, die Deutsch sprechen üben möchten",
    ),
    (
        Offer.Kind.BERATUNG,
        "Offene Sprechstunde für Geflüchtete",
        Offer.Weekday.THURSDAY,
        dt.time(10, 0),
        dt.time(12, 0),
        "",
        ["de", "uk", "ru"],
        "Geflüchtete und ihre Begleitpersonen",
    ),
    (
        Offer.Kind.HAUSAUFGABEN,
        "Hausaufgabenhilfe",
        Offer.Weekday.WEDNESDAY,
        dt.time(15, 0),
        dt.time(17, 0),
        "",
        ["de", "ar", "tr"],
        "Schülerinnen und Schüler der Klassen 1 bis 10",
    ),
    (
        Offer.Kind.FAHRRADWERKSTATT,
        "Fahrradwerkstatt",
        None,
        None,
        None,
        "jeden ersten Samstag im Monat, 10 bis 14 Uhr",
        ["de", "ti", "ar"],
        "Alle, die ein Fahrrad brauchen oder reparieren möchten",
    ),
    (
        Offer.Kind.BEGEGNUNGSCAFE,
        "Begegnungscafé",
        Offer.Weekday.FRIDAY,
        dt.time(15, 0),
        dt.time(17, 30),
        "",
        ["de", "uk", "ar", "kmr"],
        "Alle: Neuangekommene und Alteingesessene",
    ),
    (
        Offer.Kind.KLEIDERKAMMER,
        "Kleiderkammer",
        Offer.Weekday.MONDAY,
        dt.time(9, 30),
        dt.time(12, 0),
        "",
        ["de"],
        "Menschen mit wenig Geld",
    ),
]

MUNICIPAL_EMAIL = "kommune-ahlen@example.org"


def seed_directory(*, organisations: dict[str, Organisation]) -> None:
    """Idempotent: offers and contacts are created once per town."""
    now = timezone.now()
    version = consent_text_version()
    towns = list(Town.objects.order_by("name"))
    for index, town in enumerate(towns):
        organisation = _organisation_in(town, organisations, now)
        if not Offer.objects.filter(town=town).exists():
            for step in range(3):
                pattern = OFFER_PATTERNS[(index + step) % len(OFFER_PATTERNS)]
                _offer(organisation, town, pattern, now)
        ContactPerson.objects.get_or_create(
            town=town,
            email=f"integration.{town.slug}@example.org",
            defaults={
                "name": "Ansprechperson Integration",
                "function": f"Integration und Flucht, Stadt-/Gemeindeverwaltung {town.name}",
                "phone": f"02382 {590 + index:03d}-0",
                "consent_at": now,
                "consent_text_version": version,
            },
        )
    ahlen = next((town for town in towns if town.name == "Ahlen"), towns[0])
    user = user_create_verified(
        email=MUNICIPAL_EMAIL,
        password=settings.DEMO_PASSWORD,
        first_name="Miriam",
        last_name="Integrationsbeauftragte",
        role=User.Role.MUNICIPAL,
    )
    MunicipalAccess.objects.update_or_create(user=user, defaults={"town": ahlen})


def _organisation_in(town: Town, organisations: dict[str, Organisation], now) -> Organisation:
    existing = [o for o in organisations.values() if o.town_id == town.pk and o.is_verified]
    if existing:
        return existing[0]
    organisation, _ = Organisation.objects.get_or_create(
        name=f"Netzwerk Willkommen {town.name}",
        town=town,
        defaults={
            "kind": Organisation.Kind.INITIATIVE,
            "contact_email": "kontakt@example.org",
            "description": "Ehrenamtliches Netzwerk für Geflüchtete vor Ort.",
            "verified_at": now,
        },
    )
    return organisation


def _offer(organisation: Organisation, town: Town, pattern, now) -> None:
    kind, title, weekday, starts, ends, dates, languages, target = pattern
    offer = Offer.objects.create(
        organisation=organisation,
        title=f"{title} {town.name}",
        kind=kind,
        description=(
            "Ein offenes Angebot von Ehrenamtlichen. Kommen Sie einfach vorbei; eine "
            "Anmeldung ist nicht nötig."
        ),
        town=town,
        place=f"Gemeindezentrum, Kirchplatz 2, {town.postal_codes[0]} {town.name}",
        weekday=weekday,
        starts_at=starts,
        ends_at=ends,
        dates=dates,
        target_group=target,
        free_of_charge=True,
        contact_name="Team des Angebots",
        contact_email="angebote@example.org",
        confirmed_at=now,
    )
    OfferLanguage.objects.bulk_create(OfferLanguage(offer=offer, code=code) for code in languages)
