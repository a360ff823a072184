"""The directory's search and filters as a visitor uses them: words that must each match
somewhere in an offer (title, description, kind, town, organisation, languages), forgiving case,
accents and umlauts; town, topic and language combined on one page, each choice visible and
removable, the state in a link; the API answers the same as the page."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from directory.models import Offer
from directory.search import fold, languages_matching, search_words
from tests.factories import OrganisationFactory, TownFactory
from tests.querybudget import assert_constant_queries

from .helpers import make_offer

pytestmark = pytest.mark.django_db

SEARCH = "/verzeichnis/suche/"


@pytest.fixture
def district():
    """Offers that differ in one respect each from the Arabic-speaking Sprachcafé in Ahlen
    (whose own text names neither the town nor the language)."""
    ahlen = TownFactory(name="Ahlen")
    telgte = TownFactory(name="Telgte")
    in_ahlen = OrganisationFactory(name="Begegnung e. V.", town=ahlen)
    in_telgte = OrganisationFactory(name="Willkommen e. V.", town=telgte)
    offers = {
        "target": make_offer(
            organisation=in_ahlen,
            title="Sprachcafé am Dienstag",
            description="Deutsch sprechen bei Kaffee und Tee.",
            place="Stadtbücherei",
            languages=("ar", "de"),
        ),
        "no_arabic": make_offer(
            organisation=in_ahlen,
            title="Sprachcafé am Freitag",
            description="Deutsch sprechen.",
            place="Stadtbücherei",
            languages=("uk", "de"),
        ),
        "in_telgte": make_offer(
            organisation=in_telgte,
            title="Sprachcafé Telgte",
            description="Deutsch sprechen.",
            place="Pfarrheim",
            languages=("ar",),
        ),
        "other_kind": make_offer(
            organisation=in_ahlen,
            title="Kleiderkammer",
            kind=Offer.Kind.KLEIDERKAMMER,
            description="Kleidung für alle.",
            place="Stadtbücherei",
            languages=("ar",),
        ),
    }
    return offers


def page_titles(response) -> set[str]:
    """Titles of the offers listed on a directory page."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return {
        unescape(title)
        for title in re.findall(
            r'<a class="kern-link" href="/verzeichnis/angebote/\d+/">(.*?)</a>', html
        )
    }


def api_titles(params: dict) -> set[str]:
    response = APIClient().get("/api/v1/directory/offers/", {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


# --- Words --------------------------------------------------------------------------------


def test_every_word_must_match_in_text_town_kind_or_language(client, district):
    found = page_titles(client.get(SEARCH, {"q": "Sprachcafé Ahlen arabisch"}))
    assert found == {"Sprachcafé am Dienstag"}


@pytest.mark.parametrize(
    "query",
    [
        "Sprachcafé Ahlen arabisch",
        "sprachcafe ahlen ARABISCH",
        "Sprachcafé in Ahlen auf Arabisch",
        "Arabic language café Ahlen",
        "arabische Sprachcafés, Ahlen",
        "Sprachcafe Begegnung arabischsprachig",
    ],
)
def test_the_same_offer_is_found_however_the_visitor_writes(client, district, query):
    assert page_titles(client.get(SEARCH, {"q": query})) == {"Sprachcafé am Dienstag"}


@pytest.mark.parametrize(
    ("word", "codes"),
    [
        ("arabisch", ["ar"]),
        ("Arabic", ["ar"]),
        ("arabischen", ["ar"]),
        ("ukrainisch", ["uk"]),
        ("Ukrainian", ["uk"]),
        ("Ukrainische", ["uk"]),
        ("farsi", ["fa"]),
        ("Persian", ["fa"]),
        ("Türkisch", ["tr"]),
        ("turkisch", ["tr"]),
        ("tuerkisch", ["tr"]),
        ("German", ["de"]),
        ("Gebärdensprache", ["sgn-de"]),
        ("kurdisch", ["ckb", "kmr"]),
        ("Hausaufgabenhilfe", []),  # starts with "Hausa", names no language
        ("Deutschkurs", []),
        ("arab", []),
    ],
)
def test_language_names_and_adjectives_in_german_and_english(word, codes):
    (variants,) = search_words(word)
    assert sorted(languages_matching(variants)) == codes


def test_ukrainian_speaking_offer_is_found_in_both_languages(client, district):
    for query in ("ukrainisch", "Ukrainian", "Ukrainisches Sprachcafé"):
        assert page_titles(client.get(SEARCH, {"q": query})) == {"Sprachcafé am Freitag"}


@pytest.mark.parametrize(
    "query",
    ["Nähcafé", "nahcafe", "naehcafe", "NÄHCAFÉ", "Übersetzung", "ubersetzung", "uebersetzung"],
)
def test_case_accents_and_umlauts_are_forgiven(client, query):
    organisation = OrganisationFactory(town=TownFactory(name="Beelen"))
    make_offer(
        organisation=organisation,
        title="Nähcafé mit Übersetzung",
        kind=Offer.Kind.SONSTIGES,
        description="Gemeinsam nähen.",
    )
    assert page_titles(client.get(SEARCH, {"q": query})) == {"Nähcafé mit Übersetzung"}


@pytest.mark.parametrize("query", ["Flüchtlingshilfe", "fluchtlingshilfe", "FLUECHTLINGSHILFE"])
def test_organisation_names_are_matched_forgivingly(client, query):
    organisation = OrganisationFactory(
        name="Flüchtlingshilfe Sendenhorst", town=TownFactory(name="Sendenhorst")
    )
    make_offer(organisation=organisation, title="Treffpunkt", description="Offen für alle.")
    html = client.get(SEARCH, {"q": query}).content.decode()
    assert page_titles(client.get(SEARCH, {"q": query})) == {"Treffpunkt"}
    assert "Flüchtlingshilfe Sendenhorst</a>" in html  # and in the organisations found


def test_a_word_that_matches_nothing_leaves_nothing(client, district):
    assert page_titles(client.get(SEARCH, {"q": "Sprachcafé Fahrrad"})) == set()


def test_words_in_english_find_the_kind(client, district):
    assert page_titles(client.get(SEARCH, {"q": "clothing"})) == {"Kleiderkammer"}


def test_fold_is_the_databases_fold():
    """Python folds the words as the database folds the text (Offer.search_text)."""
    organisation = OrganisationFactory(town=TownFactory(name="Ennigerloh"))
    # Upper-case accents other than "É" are folded by PostgreSQL's LOWER() only (search.py).
    text = "ÄÖÜ äöüß Café à la carte Niño ÉTÉ ça"
    offer = make_offer(
        organisation=organisation, title=text, description="", place="", target_group=""
    )
    stored = Offer.objects.values_list("search_text", flat=True).get(pk=offer.pk)
    assert stored == fold(text) + "   "


# --- Filters together -------------------------------------------------------------------------


def _remove_links(html: str) -> dict[str, str]:
    """{"Ort: Ahlen": URL that removes it, ...} from the list of choices."""
    links = re.findall(
        r'<li class="chosen-list__item">.*?<a class="kern-link" href="([^"]+)">entfernen'
        r'<span class="kern-sr-only"> \((.*?)\)</span></a></li>',
        html,
    )
    return {unescape(label): unescape(url) for url, label in links}


def test_town_topic_and_language_combine_and_each_can_be_removed(client, district):
    params = {"town": "ahlen", "kind": "sprachcafe", "language": "ar"}
    response = client.get(SEARCH, params)
    assert page_titles(response) == {"Sprachcafé am Dienstag"}
    html = response.content.decode()
    removals = _remove_links(html)
    assert set(removals) == {"Ort: Ahlen", "Thema: Sprachcafé", "Sprache: Arabisch"}

    def params_of(url: str) -> dict[str, list[str]]:
        parts = urlsplit(url)
        assert parts.path == SEARCH
        return parse_qs(parts.query)

    assert params_of(removals["Ort: Ahlen"]) == {"kind": ["sprachcafe"], "language": ["ar"]}
    assert params_of(removals["Sprache: Arabisch"]) == {"town": ["ahlen"], "kind": ["sprachcafe"]}
    # Following a removal widens the list by what it removed.
    wider = client.get(removals["Sprache: Arabisch"])
    assert page_titles(wider) == {"Sprachcafé am Dienstag", "Sprachcafé am Freitag"}
    # The form shows the choices made, so the visitor can change them.
    assert '<option value="ahlen" selected>' in html
    assert '<option value="sprachcafe" selected>' in html
    assert '<option value="ar" selected>' in html


def test_words_and_filters_combine(client, district):
    response = client.get(SEARCH, {"q": "Sprachcafé", "language": "ar"})
    assert page_titles(response) == {"Sprachcafé am Dienstag", "Sprachcafé Telgte"}
    removals = _remove_links(response.content.decode())
    assert set(removals) == {"Suchbegriff: „Sprachcafé“", "Sprache: Arabisch"}
    assert parse_qs(urlsplit(removals["Suchbegriff: „Sprachcafé“"]).query) == {"language": ["ar"]}


def test_removing_the_last_choice_asks_for_one(client, district):
    html = client.get(SEARCH, {"town": "telgte"}).content.decode()
    (url,) = _remove_links(html).values()
    assert url == SEARCH
    assert "Bitte geben Sie einen Suchbegriff ein" in client.get(url).content.decode()


def test_a_shared_link_with_unknown_choices_names_every_problem_and_keeps_the_words(
    client, district
):
    html = client.get(
        SEARCH, {"q": "Sprachcafé", "town": "atlantis", "kind": "zaubern", "language": "xx"}
    ).content.decode()
    assert "Diesen Ort gibt es im Verzeichnis nicht" in html
    assert "Dieses Thema gibt es im Verzeichnis nicht" in html
    assert "Diese Sprache kennt das Verzeichnis nicht" in html
    assert 'value="Sprachcafé"' in html
    assert "gefunden" not in html


def test_too_long_words_are_refused_at_the_field_with_the_choices_kept(client, district):
    html = client.get(SEARCH, {"q": "x" * 101, "town": "ahlen"}).content.decode()
    assert "Der Suchbegriff ist zu lang. Bitte verwenden Sie höchstens 100 Zeichen." in html
    assert '<option value="ahlen" selected>' in html
    assert "gefunden" not in html


@pytest.mark.parametrize(
    ("url", "hidden", "offered"),
    [
        ("/verzeichnis/orte/ahlen/", ("town", "ahlen"), ("kind", "language")),
        ("/verzeichnis/themen/sprachcafe/", ("kind", "sprachcafe"), ("town", "language")),
        ("/verzeichnis/sprachen/ar/", ("language", "ar"), ("town", "kind")),
    ],
)
def test_town_topic_and_language_pages_offer_the_other_filters(
    client, district, url, hidden, offered
):
    html = client.get(url).content.decode()
    form = re.search(r'<form class="filter-form directory-search".*?</form>', html, re.S).group(0)
    assert f'action="{SEARCH}"' in form and 'method="get"' in form
    name, value = hidden
    assert f'<input type="hidden" name="{name}" value="{value}">' in form
    for other in offered:
        assert f'<select class="kern-form-input__select" name="{other}"' in form
    assert 'name="q"' in form


def test_the_index_offers_every_filter(client, district):
    html = client.get(reverse("directory:index")).content.decode()
    for name in ("town", "kind", "language"):
        assert f'<select class="kern-form-input__select" name="{name}"' in html


# --- The API answers the same -----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Sprachcafé Ahlen arabisch"},
        {"q": "ukrainisch"},
        {"q": "sprachcafe", "town": "telgte"},
        {"town": "ahlen", "kind": "sprachcafe", "language": "ar"},
        {"kind": "kleiderkammer"},
        {"language": "ar", "q": "Stadtbücherei"},
    ],
)
def test_api_finds_what_the_page_finds(client, district, params):
    on_page = page_titles(client.get(SEARCH, params))
    assert on_page
    assert api_titles(params) == on_page


def test_api_searches_organisations_like_the_page(client, district):
    OrganisationFactory(name="Fahrradfreunde Warendorf", town=TownFactory(name="Warendorf"))
    response = APIClient().get("/api/v1/directory/organisations/", {"q": "fahrrad warendorf"})
    assert [row["name"] for row in response.json()["results"]] == ["Fahrradfreunde Warendorf"]
    page = client.get(SEARCH, {"q": "fahrrad warendorf"}).content.decode()
    assert "Fahrradfreunde Warendorf</a>" in page


# --- Query budgets --------------------------------------------------------------------------


def _offers(town):
    def make(n: int) -> None:
        for _ in range(n):
            organisation = OrganisationFactory(town=town)
            make_offer(organisation=organisation, languages=("ar", "de"))

    return make


@pytest.mark.parametrize(
    "url",
    [
        SEARCH + "?q=Sprachcaf%C3%A9+Ahlen+arabisch",
        SEARCH + "?q=Sprachcaf%C3%A9&town=ahlen&kind=sprachcafe&language=ar",
        SEARCH + "?town=ahlen&language=ar",
    ],
)
def test_search_page_query_count_does_not_grow(client, url):
    assert_constant_queries(client, url, _offers(TownFactory(name="Ahlen")), large=30)


def test_api_search_query_count_does_not_grow():
    url = "/api/v1/directory/offers/?page_size=100&q=Sprachcaf%C3%A9+Ahlen+arabisch&language=ar"
    assert_constant_queries(APIClient(), url, _offers(TownFactory(name="Ahlen")), large=30)
