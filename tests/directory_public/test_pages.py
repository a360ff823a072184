"""The public directory pages: what they show to anonymous visitors, what they never show,
404s for what does not exist, escaping, search messages, pagination and query budgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import HIDE_AFTER, Offer
from tests.factories import OrganisationFactory, TownFactory
from tests.querybudget import assert_constant_queries

from .helpers import make_contact, make_funded, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ahlen():
    return TownFactory(name="Ahlen")


@pytest.fixture
def org(ahlen):
    return OrganisationFactory(name="Flüchtlingshilfe Ahlen", town=ahlen)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Overview ---------------------------------------------------------------------------------


def test_index_links_every_town_topic_and_spoken_language(client, ahlen, org):
    telgte = TownFactory(name="Telgte")
    make_offer(organisation=org, languages=("ar",))
    html = text(client.get(reverse("directory:index")))
    assert reverse("directory:town", args=["ahlen"]) in html
    assert reverse("directory:town", args=[telgte.slug]) in html
    for kind in Offer.Kind.values:
        assert reverse("directory:topic", args=[kind]) in html
    assert reverse("directory:language", args=["ar"]) in html
    assert "Arabisch" in html
    # Languages nobody speaks at an offer are not offered as a dead end.
    assert reverse("directory:language", args=["uk"]) not in html
    assert 'name="q"' in html


# --- Visibility -------------------------------------------------------------------------------


def test_town_page_shows_only_public_offers(client, ahlen, org):
    make_offer(organisation=org, title="Sichtbares Sprachcafé")
    make_offer(organisation=org, title="Ausgeblendetes Angebot", hidden_at=timezone.now())
    make_offer(
        organisation=org,
        title="Veraltetes Angebot",
        confirmed_at=timezone.now() - HIDE_AFTER - dt.timedelta(days=1),
    )
    pending = OrganisationFactory(name="Ungeprüfter Verein", town=ahlen, unverified=True)
    make_offer(organisation=pending, title="Angebot ohne Prüfung")
    other = OrganisationFactory(town=TownFactory(name="Beelen"))
    make_offer(organisation=other, title="Angebot in Beelen")

    html = text(client.get(reverse("directory:town", args=["ahlen"])))
    assert "Sichtbares Sprachcafé" in html
    for hidden in ("Ausgeblendetes", "Veraltetes", "ohne Prüfung", "in Beelen"):
        assert hidden not in html
    assert "Flüchtlingshilfe Ahlen" in html
    assert "Ungeprüfter Verein" not in html


def test_offer_confirmed_just_within_eight_months_is_still_shown(client, org):
    offer = make_offer(
        organisation=org, confirmed_at=timezone.now() - HIDE_AFTER + dt.timedelta(hours=1)
    )
    assert client.get(reverse("directory:offer", args=[offer.pk])).status_code == 200


def test_town_page_shows_contacts_of_administration_and_organisations(client, ahlen, org):
    make_contact(town=ahlen, name="Petra Rathaus", function="Integration und Flucht")
    make_contact(organisation=org, name="Omar Verein", function="Vorsitz")
    pending = OrganisationFactory(town=ahlen, unverified=True)
    make_contact(organisation=pending, name="Nicht Öffentlich", function="Vorsitz")
    make_contact(town=TownFactory(name="Telgte"), name="Telgter Person", function="Amt")

    html = text(client.get(reverse("directory:town", args=["ahlen"])))
    assert "Petra Rathaus" in html and "Integration und Flucht" in html
    assert "Omar Verein" in html
    assert 'href="mailto:integration@example.org"' in html
    assert 'href="tel:0238259-0"' not in html  # the dash is kept out, digits stay
    assert 'href="tel:02382590"' in html
    assert "Nicht Öffentlich" not in html
    assert "Telgter Person" not in html


def test_town_page_shows_funded_projects_only_when_signed_and_agreed(client, ahlen, org):
    shown = make_funded(organisation=org, title="Begegnungsfest 2026")
    make_funded(organisation=org, title="Ohne Einwilligung", consent=False)
    make_funded(organisation=org, title="Nicht gezeichnet", signed=False)
    html = text(client.get(reverse("directory:town", args=["ahlen"])))
    assert "Begegnungsfest 2026" in html
    assert shown.block.title in html
    assert str(shown.programme_year.year) in html
    assert "1.500,00 €" in html
    assert "Ohne Einwilligung" not in html
    assert "Nicht gezeichnet" not in html


def test_organisation_profile_shows_offers_contacts_and_projects(client, org):
    make_offer(organisation=org, title="Fahrradwerkstatt", kind=Offer.Kind.FAHRRADWERKSTATT)
    make_contact(organisation=org, name="Omar Verein")
    make_funded(organisation=org, title="Nähcafé")
    html = text(client.get(reverse("directory:organisation", args=[org.pk])))
    assert "Flüchtlingshilfe Ahlen" in html
    assert "Fahrradwerkstatt" in html and "Omar Verein" in html and "Nähcafé" in html
    # The organisation's own address and email are not published (no consent for them).
    assert org.contact_email not in html


def test_offer_page_shows_when_where_languages_and_contact(client, org):
    offer = make_offer(organisation=org, languages=("ar", "fa"), free_of_charge=True)
    html = text(client.get(reverse("directory:offer", args=[offer.pk])))
    assert "dienstags" in html and "15:00" in html and "17:00" in html
    assert "Stadtbücherei, Marktplatz 1" in html
    assert "Arabisch" in html and "Persisch (Farsi)" in html
    assert "Erwachsene" in html
    assert "kostenlos" in html
    assert 'href="mailto:sprachcafe@example.org"' in html
    assert 'href="tel:0238212345"' in html
    assert "Maria Muster" in html


@pytest.mark.parametrize(
    ("place", "shown"),
    [
        ("Marktplatz 1, 59227 Ahlen", "Marktplatz 1, 59227 Ahlen"),
        ("Marktplatz 1, 59227 Ahlen,", "Marktplatz 1, 59227 Ahlen"),
        ("Rathaus AHLEN, Raum 2", "Rathaus AHLEN, Raum 2"),
        ("Stadtbücherei, Marktplatz 1", "Stadtbücherei, Marktplatz 1, Ahlen"),
        ("Ahlener Straße 5", "Ahlener Straße 5, Ahlen"),
    ],
)
def test_offer_address_names_the_town_once(client, org, place, shown):
    offer = make_offer(organisation=org, place=place)
    html = text(client.get(reverse("directory:offer", args=[offer.pk])))
    assert f'<dd class="kern-description-list-item__value">{shown}</dd>' in html
    ics = client.get(reverse("directory:town_ics", args=["ahlen"])).content.decode()
    assert "LOCATION:" + shown.replace(",", "\\,") in ics.replace("\r\n ", "")


def test_offer_with_free_text_dates_shows_them(client, org):
    offer = make_offer(
        organisation=org, weekday=None, starts_at=None, ends_at=None, dates="jeden 1. Samstag"
    )
    assert "jeden 1. Samstag" in text(client.get(reverse("directory:offer", args=[offer.pk])))


@pytest.mark.parametrize(
    "fields",
    [
        {"hidden_at": timezone.now()},
        {"confirmed_at": timezone.now() - HIDE_AFTER - dt.timedelta(days=1)},
    ],
    ids=["hidden", "expired"],
)
def test_hidden_or_expired_offer_is_404(client, org, fields):
    offer = make_offer(organisation=org, **fields)
    assert client.get(reverse("directory:offer", args=[offer.pk])).status_code == 404


def test_offer_and_profile_of_unverified_organisation_are_404(client, ahlen):
    pending = OrganisationFactory(town=ahlen, unverified=True)
    offer = make_offer(organisation=pending)
    assert client.get(reverse("directory:offer", args=[offer.pk])).status_code == 404
    assert client.get(reverse("directory:organisation", args=[pending.pk])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/verzeichnis/orte/atlantis/",
        "/verzeichnis/orte/atlantis/angebote.ics",
        "/verzeichnis/themen/zaubern/",
        "/verzeichnis/sprachen/xx/",
        "/verzeichnis/angebote/999999/",
        "/verzeichnis/organisationen/999999/",
        "/verzeichnis/angebote/99999999999999999999999/",
    ],
)
def test_unknown_things_are_404(client, url):
    assert client.get(url).status_code == 404


def test_public_pages_refuse_post(client, ahlen):
    assert client.post(reverse("directory:town", args=["ahlen"])).status_code == 405


# --- Topics, languages, search ----------------------------------------------------------------


def test_topic_page_lists_offers_of_that_kind_in_every_town(client, org):
    make_offer(organisation=org, title="Sprachcafé Ahlen")
    telgte_org = OrganisationFactory(town=TownFactory(name="Telgte"))
    make_offer(organisation=telgte_org, title="Sprachcafé Telgte")
    make_offer(organisation=org, title="Kleiderkammer", kind=Offer.Kind.KLEIDERKAMMER)
    html = text(client.get(reverse("directory:topic", args=["sprachcafe"])))
    assert "Sprachcafé Ahlen" in html and "Sprachcafé Telgte" in html
    assert "Kleiderkammer</a>" not in html


def test_language_page_answers_where_arabic_is_spoken(client, org):
    make_offer(organisation=org, title="Arabisches Sprachcafé", languages=("ar", "de"))
    make_offer(organisation=org, title="Ukrainischer Treff", languages=("uk",))
    html = text(client.get(reverse("directory:language", args=["ar"])))
    assert "Wo wird Arabisch gesprochen?" in html
    assert "Arabisches Sprachcafé" in html
    assert "Ukrainischer Treff" not in html
    # A known language without offers is a page with an empty list, not an error.
    assert "keine Angebote" in text(client.get(reverse("directory:language", args=["ti"])))


def test_search_finds_offers_and_organisations(client, org):
    make_offer(organisation=org, title="Fahrradwerkstatt", kind=Offer.Kind.FAHRRADWERKSTATT)
    make_offer(organisation=org, title="Sprachcafé")
    OrganisationFactory(name="Fahrradfreunde Warendorf", town=TownFactory(name="Warendorf"))
    html = text(client.get(reverse("directory:search"), {"q": "fahrrad"}))
    assert "Fahrradwerkstatt" in html
    assert "Fahrradfreunde Warendorf" in html
    assert "Sprachcafé</a>" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Bitte geben Sie einen Suchbegriff ein"),
        ("   ", "Bitte geben Sie einen Suchbegriff"),
        ("x" * 101, "Der Suchbegriff ist zu lang"),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_search_without_usable_query_explains_why(client, query, message):
    html = text(client.get(reverse("directory:search"), {"q": query}))
    assert message in html
    assert "gefunden" not in html


def test_search_survives_nul_characters(client, org):
    make_offer(organisation=org, title="Sprachcafé")
    assert client.get(reverse("directory:search"), {"q": "Sprach\x00café"}).status_code == 200


# --- Escaping and pagination ------------------------------------------------------------------


def test_html_in_any_text_is_escaped(client, ahlen):
    evil = '<script>alert("x")</script>'
    organisation = OrganisationFactory(name=f"Verein {evil}", town=ahlen, description=evil)
    offer = make_offer(
        organisation=organisation,
        title=f"Café {evil}",
        description=evil,
        place=evil,
        target_group=evil,
        dates=evil,
        contact_name=evil,
        contact_phone='0"><b>1',
    )
    make_contact(town=ahlen, name=evil, function=evil)
    urls = [
        reverse("directory:town", args=["ahlen"]),
        reverse("directory:offer", args=[offer.pk]),
        reverse("directory:organisation", args=[organisation.pk]),
        reverse("directory:topic", args=["sprachcafe"]),
        reverse("directory:search") + "?q=" + "%3Cscript%3E",
    ]
    for url in urls:
        html = text(client.get(url))
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;" in html, url
    assert "<b>1" not in text(client.get(reverse("directory:offer", args=[offer.pk])))


def test_long_lists_are_paginated_and_keep_the_query(client, org):
    for n in range(30):
        make_offer(organisation=org, title=f"Sprachcafé {n:02d}")
    first = text(client.get(reverse("directory:search"), {"q": "Sprachcafé"}))
    assert "30 Angebote gefunden" in first
    assert "Seite 1 von 2" in first
    assert "?q=Sprachcaf%C3%A9&amp;page=2" in first
    second = text(client.get(reverse("directory:search"), {"q": "Sprachcafé", "page": 2}))
    assert "Sprachcafé 29" in second and "Sprachcafé 00" not in second


# --- Query budgets ----------------------------------------------------------------------------


def _offers_with_everything(town):
    def make(n: int) -> None:
        for _ in range(n):
            organisation = OrganisationFactory(town=town)
            make_offer(organisation=organisation, languages=("ar", "de"))
            make_contact(organisation=organisation)
            make_funded(organisation=organisation)

    return make


def test_town_page_query_count_does_not_grow(client, ahlen):
    make_contact(town=ahlen)
    assert_constant_queries(
        client, reverse("directory:town", args=["ahlen"]), _offers_with_everything(ahlen)
    )


@pytest.mark.parametrize(
    "url",
    [
        "/verzeichnis/",
        "/verzeichnis/themen/sprachcafe/",
        "/verzeichnis/sprachen/ar/",
        "/verzeichnis/suche/?q=Sprachcaf%C3%A9",
        "/verzeichnis/suche/?q=Sprachcaf%C3%A9+arabisch&town=ahlen&kind=sprachcafe&language=ar",
    ],
)
def test_list_pages_query_count_does_not_grow(client, ahlen, url):
    assert_constant_queries(client, url, _offers_with_everything(ahlen), large=30)
