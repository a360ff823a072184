"""Demo data of the directory (seed_demo): the offers of each town's organisations (so every
town's page looks different: what its initiatives do, on which days, in which languages), the
contact persons of the town administrations and of some organisations, and the municipal
account of Ahlen. Everything through the directory's services, dated with happened() (an
offer confirmed half a year ago is due for its reminder). Names, addresses and numbers are
made up; all emails go to example.org."""

from __future__ import annotations

import datetime as dt
import random
from contextlib import nullcontext
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.services import user_create_verified
from backend.management.demo_history import happened
from volunteers.demo_data import AREA_CODES, DEMO_PEOPLE, ORGANISATIONS, PLACES, TOWN_CONTACTS
from volunteers.models import Organisation, Town

from .models import MunicipalAccess, Offer
from .services.contacts import contact_person_create
from .services.municipal import municipal_access_grant
from .services.offers import offer_create

if TYPE_CHECKING:
    from volunteers.demo import District

SEED = 20260402
MUNICIPAL_EMAIL = "kommune-ahlen@example.org"
MUNICIPAL_TOWN = "Ahlen"
MUNICIPAL_JOINED_DAYS = 200
K = Offer.Kind

# What an organisation offers, by a word in its name: (kind, title, description, target group).
OFFERS_BY_WORD = [
    (
        "Fahrrad",
        K.FAHRRADWERKSTATT,
        "Offene Fahrradwerkstatt",
        "Gespendete Räder reparieren wir gemeinsam; wer eins braucht, bekommt eins.",
        "Alle, die ein Fahrrad brauchen oder reparieren möchten",
    ),
    (
        "Kleiderkammer",
        K.KLEIDERKAMMER,
        "Kleiderkammer",
        "Kleidung, Bettwäsche und Hausrat gegen eine kleine Spende.",
        "Menschen mit wenig Geld",
    ),
    (
        "Lern",
        K.HAUSAUFGABEN,
        "Hausaufgabenhilfe",
        "Ehrenamtliche helfen bei Hausaufgaben und beim Lernen für Klassenarbeiten.",
        "Schülerinnen und Schüler der Klassen 1 bis 10",
    ),
    (
        "Hausaufgaben",
        K.HAUSAUFGABEN,
        "Hausaufgabenhilfe im Pfarrheim",
        "Lernen in kleinen Gruppen, mit Saft und Keksen.",
        "Grundschulkinder",
    ),
    (
        "Sport",
        K.FREIZEIT,
        "Sport für alle",
        "Fußball, Schwimmen und Radfahren in den Vereinen der Stadt; wir vermitteln und "
        "begleiten beim ersten Mal.",
        "Kinder, Jugendliche und Erwachsene",
    ),
    (
        "SC Beckum",
        K.FREIZEIT,
        "Fußball für alle",
        "Training für Kinder und Jugendliche; Schuhe und Trikots leihen wir aus.",
        "Kinder und Jugendliche von 8 bis 16 Jahren",
    ),
    (
        "Sprachpaten",
        K.SPRACHKURS,
        "Deutsch lernen mit Sprachpaten",
        "Eins-zu-eins Deutsch üben, nach Absprache, kostenlos.",
        "Erwachsene aller Niveaus",
    ),
    (
        "Sprachbrücke",
        K.BERATUNG,
        "Sprachmittlung nach Vereinbarung",
        "Ehrenamtliche Sprachmittlerinnen und Sprachmittler begleiten zu Terminen.",
        "Menschen, die Unterstützung bei der Verständigung brauchen",
    ),
    (
        "Café",
        K.BEGEGNUNGSCAFE,
        "Begegnungscafé",
        "Kaffee, Kuchen und Gespräche: kommen Sie vorbei, eine Anmeldung ist nicht nötig.",
        "Alle: Neuangekommene und Alteingesessene",
    ),
    (
        "Frauen",
        K.SPRACHCAFE,
        "Frauencafé mit Deutschtreff",
        "Frauen treffen sich, üben Deutsch und tauschen sich aus; Kinderbetreuung im Nebenraum.",
        "Frauen aus aller Welt",
    ),
    (
        "Integrationsagentur",
        K.BERATUNG,
        "Beratung für Zugewanderte",
        "Beratung zu Aufenthalt, Arbeit, Schule und Wohnen; mit Termin oder in der offenen "
        "Sprechstunde.",
        "Zugewanderte und Geflüchtete",
    ),
    (
        "Migrationsdienst",
        K.BERATUNG,
        "Offene Sprechstunde Migrationsdienst",
        "Hilfe bei Anträgen und Briefen von Behörden.",
        "Zugewanderte und Geflüchtete",
    ),
    (
        "Migrationsberatung",
        K.BERATUNG,
        "Migrationsberatung",
        "Beratung und Vermittlung an Fachstellen, mit Sprachmittlung.",
        "Zugewanderte und Geflüchtete",
    ),
    (
        "DRK",
        K.SONSTIGES,
        "Erste-Hilfe-Kurs in einfacher Sprache",
        "Erste Hilfe lernen, mit Sprachmittlung, einmal im Quartal.",
        "Erwachsene",
    ),
]
GENERAL = [
    (
        K.SPRACHCAFE,
        "Sprachcafé",
        "Deutsch sprechen üben in entspannter Runde, an Tischen nach Niveau.",
        "Erwachsene, die Deutsch sprechen üben möchten",
    ),
    (
        K.BEGEGNUNGSCAFE,
        "Treffpunkt Willkommen",
        "Ein offener Treff zum Kennenlernen, Fragen stellen und Kontakte knüpfen.",
        "Alle: Neuangekommene und Alteingesessene",
    ),
    (
        K.BERATUNG,
        "Offene Sprechstunde für Geflüchtete",
        "Ehrenamtliche helfen bei Briefen, Formularen und Terminen.",
        "Geflüchtete und ihre Begleitpersonen",
    ),
    (
        K.FREIZEIT,
        "Spielenachmittag für Familien",
        "Brettspiele, Basteln und Waffeln für Eltern und Kinder.",
        "Familien mit Kindern",
    ),
    (
        K.SPRACHKURS,
        "Deutschkurs für Anfängerinnen und Anfänger",
        "Ehrenamtlicher Kurs bis zum Beginn des Integrationskurses.",
        "Erwachsene ohne Deutschkenntnisse",
    ),
]
# Languages an organisation's people bring, by the group of its coordinators.
GROUP_LANGUAGES = {
    "german": ["de", "en"],
    "turkish": ["de", "tr"],
    "arabic": ["de", "ar"],
    "ukrainian": ["de", "uk", "ru"],
    "russian": ["de", "ru", "uk"],
    "persian": ["de", "fa", "prs", "ps"],
    "kurdish": ["de", "kmr", "ar", "tr"],
    "eritrean": ["de", "ti", "en"],
}
EXTRA_LANGUAGES = ["ar", "uk", "fa", "tr", "ru", "kmr", "prs", "sq", "ti", "fr"]


def seed_municipal_account(*, staff: User) -> User:
    """The Ahlen town administration's account (password: DEMO_PASSWORD), with the view of
    Ahlen's figures granted by KI staff. Run on every seeding; a second run adds nothing."""
    access = MunicipalAccess.objects.filter(user__email=MUNICIPAL_EMAIL).first()
    first_name, last_name = DEMO_PEOPLE[MUNICIPAL_EMAIL]
    joined = timezone.localdate() - dt.timedelta(days=MUNICIPAL_JOINED_DAYS)
    moment = timezone.make_aware(dt.datetime.combine(joined, dt.time(14, 0)))
    with happened(moment) if access is None else nullcontext():
        user = user_create_verified(
            email=MUNICIPAL_EMAIL,
            password=settings.DEMO_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            role=User.Role.MUNICIPAL if access else User.Role.MEMBER,
        )
        if access is None:
            municipal_access_grant(
                actor=staff, email=MUNICIPAL_EMAIL, town=Town.objects.get(name=MUNICIPAL_TOWN)
            )
            user.refresh_from_db()
    return user


def seed_directory(*, district: District) -> None:
    """Offers and contact persons of the district (first run only: seed_demo builds the
    district once)."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    groups = {name: group for name, _k, _t, _v, group, _a, _d in ORGANISATIONS}
    for name, organisation in sorted(district.organisations.items()):
        if not organisation.is_verified:
            continue
        coordinator = district.coordinators[name][0]
        for kind, title, description, target in _offers_of(name, rng):
            confirmed = rng.choice((12, 25, 40, 60, 75, 90, 120, 150, 190))
            moment = timezone.make_aware(
                dt.datetime.combine(today - dt.timedelta(days=confirmed), dt.time(20, 15))
            )
            with happened(moment):
                _offer(
                    organisation, coordinator, kind, title, description, target, groups[name], rng
                )
        if rng.random() < 0.35:
            with happened(
                timezone.make_aware(
                    dt.datetime.combine(
                        today - dt.timedelta(days=rng.randint(30, 200)), dt.time(11, 0)
                    )
                )
            ):
                contact_person_create(
                    actor=coordinator,
                    organisation=organisation,
                    data={
                        "name": coordinator.name,
                        "function": "Koordination der Ehrenamtlichen",
                        "phone": f"{AREA_CODES[organisation.town.name]} "
                        f"{rng.randint(10000, 99999)}",
                        "email": coordinator.email,
                        "consent": True,
                    },
                )
    for index, town in enumerate(Town.objects.order_by("name")):
        first, last = TOWN_CONTACTS[town.name]
        with happened(
            timezone.make_aware(
                dt.datetime.combine(today - dt.timedelta(days=300 - 7 * index), dt.time(10, 30))
            )
        ):
            contact_person_create(
                actor=district.staff,
                town=town,
                data={
                    "name": f"{first} {last}",
                    "function": f"Integration und Flucht, Stadt-/Gemeindeverwaltung {town.name}",
                    "phone": f"{AREA_CODES[town.name]} {rng.randint(10, 99)}-"
                    f"{rng.randint(100, 999)}",
                    "email": f"integration.{town.slug}@example.org",
                    "consent": True,
                },
            )


def _offers_of(name: str, rng: random.Random) -> list[tuple]:
    """One or two offers of the organisation: what its name says it does, or something an
    initiative typically runs."""
    fitting = [(k, t, d, g) for word, k, t, d, g in OFFERS_BY_WORD if word.lower() in name.lower()]
    chosen = fitting[:1] or [rng.choice(GENERAL)]
    if rng.random() < 0.45:
        extra = rng.choice([g for g in GENERAL if g[0] != chosen[0][0]])
        chosen.append(extra)
    return chosen


def _offer(
    organisation: Organisation,
    coordinator: User,
    kind,
    title,
    description,
    target,
    group: str,
    rng: random.Random,
) -> Offer:
    town = organisation.town
    languages = list(GROUP_LANGUAGES.get(group, ["de"]))
    if rng.random() < 0.5:
        languages.append(rng.choice([c for c in EXTRA_LANGUAGES if c not in languages]))
    if rng.random() < 0.2:
        weekday, starts, ends = None, None, None
        dates = rng.choice(
            (
                "jeden ersten Samstag im Monat, 10 bis 13 Uhr",
                "nach Vereinbarung",
                "in den Schulferien nach Aushang",
                "jeden zweiten Mittwoch, 17 bis 19 Uhr",
            )
        )
    else:
        weekday = rng.choice(list(Offer.Weekday.values)[:6])
        hour = rng.choice((9, 10, 14, 15, 16, 17, 18))
        starts = dt.time(hour, rng.choice((0, 0, 30)))
        ends = dt.time(hour + rng.choice((1, 2, 2, 3)), starts.minute)
        dates = ""
    return offer_create(
        actor=coordinator,
        organisation=organisation,
        town=town,
        data={
            "title": f"{title} {town.name}" if town.name not in title else title,
            "kind": kind,
            "description": description,
            "place": rng.choice(PLACES[town.name]),
            "weekday": weekday,
            "starts_at": starts,
            "ends_at": ends,
            "dates": dates,
            "target_group": target,
            "free_of_charge": kind != K.SPRACHKURS or rng.random() < 0.7,
            "contact_name": coordinator.name,
            "contact_email": organisation.contact_email,
            "contact_phone": "",
            "languages": languages,
        },
    )
