"""The public directory API: anonymous, read-only, the same rows as the pages, filters that
say clearly what is wrong, no personal data beyond what the pages show."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import HIDE_AFTER, Offer
from tests.factories import OrganisationFactory, TownFactory
from tests.querybudget import assert_constant_queries

from .helpers import make_contact, make_offer

pytestmark = pytest.mark.django_db

OFFERS = "/api/v1/directory/offers/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def org():
    return OrganisationFactory(name="Flüchtlingshilfe Ahlen", town=TownFactory(name="Ahlen"))


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_offer_list_shows_public_offers_only(api, org):
    make_offer(organisation=org, title="Sichtbar")
    make_offer(organisation=org, title="Ausgeblendet", hidden_at=timezone.now())
    make_offer(
        organisation=org,
        title="Veraltet",
        confirmed_at=timezone.now() - HIDE_AFTER - dt.timedelta(days=1),
    )
    pending = OrganisationFactory(town=org.town, unverified=True)
    make_offer(organisation=pending, title="Ungeprüft")
    assert titles(api.get(OFFERS)) == ["Sichtbar"]


def test_offer_detail_has_what_the_page_shows_and_nothing_else(api, org):
    offer = make_offer(organisation=org, languages=("de", "ar"), hidden_reason="")
    body = api.get(f"{OFFERS}{offer.pk}/").json()
    assert body["title"] == offer.title
    assert body["organisation"] == {"id": org.pk, "name": "Flüchtlingshilfe Ahlen"}
    assert body["town"] == "ahlen"
    assert body["languages"] == ["ar", "de"]
    assert body["weekday"] == 1 and body["starts_at"] == "15:00"
    assert body["contact_email"] == "sprachcafe@example.org"
    assert body["url"] == f"/verzeichnis/angebote/{offer.pk}/"
    assert not {"hidden_at", "hidden_reason", "updated_at", "created_at"} & set(body)
    assert org.contact_email not in str(body)


@pytest.mark.parametrize(
    "fields",
    [{"hidden_at": timezone.now()}, {"confirmed_at": timezone.now() - HIDE_AFTER * 2}],
    ids=["hidden", "expired"],
)
def test_offer_detail_of_a_non_public_offer_is_404(api, org, fields):
    offer = make_offer(organisation=org, **fields)
    response = api.get(f"{OFFERS}{offer.pk}/")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_offer_filters(api, org):
    make_offer(organisation=org, title="Arabisches Sprachcafé", languages=("ar",))
    make_offer(organisation=org, title="Kleiderkammer", kind=Offer.Kind.KLEIDERKAMMER)
    telgte = OrganisationFactory(town=TownFactory(name="Telgte"))
    make_offer(organisation=telgte, title="Sprachcafé Telgte", languages=("uk",))
    assert titles(api.get(OFFERS, {"town": "telgte"})) == ["Sprachcafé Telgte"]
    assert titles(api.get(OFFERS, {"kind": "kleiderkammer"})) == ["Kleiderkammer"]
    assert titles(api.get(OFFERS, {"language": "ar"})) == ["Arabisches Sprachcafé"]
    assert titles(api.get(OFFERS, {"q": "sprachcafé", "town": "ahlen"})) == [
        "Arabisches Sprachcafé"
    ]
    assert titles(api.get(OFFERS, {"q": ""})) == [
        "Arabisches Sprachcafé",
        "Kleiderkammer",
        "Sprachcafé Telgte",
    ]


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"kind": "zaubern"}, "kind", 400),
        ({"language": "xx"}, "language", 400),
        ({"q": "x" * 101}, "q", 400),
        ({"town": "atlantis"}, "town", 422),
        ({"town": "ah\x00len"}, "town", 422),
    ],
    ids=["kind", "language", "long-query", "unknown-town", "nul-town"],
)
def test_bad_filters_are_refused_with_the_field_named(api, org, params, field, status):
    response = api.get(OFFERS, params)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    assert field in body["errors"]
    assert body["errors"][field][0]


def test_organisation_list_verified_only_and_by_town(api, org):
    OrganisationFactory(name="Telgter Treff", town=TownFactory(name="Telgte"))
    OrganisationFactory(name="Ungeprüft", town=org.town, unverified=True)
    body = api.get("/api/v1/directory/organisations/").json()
    assert [o["name"] for o in body["results"]] == ["Flüchtlingshilfe Ahlen", "Telgter Treff"]
    by_town = api.get("/api/v1/directory/organisations/", {"town": "telgte"}).json()
    assert [o["name"] for o in by_town["results"]] == ["Telgter Treff"]
    assert set(by_town["results"][0]) == {"id", "name", "kind", "town", "description", "url"}
    assert api.get("/api/v1/directory/organisations/", {"town": "x"}).status_code == 422


def test_town_list_counts_public_offers_and_verified_organisations(api, org):
    make_offer(organisation=org)
    make_offer(organisation=org)
    make_offer(organisation=org, hidden_at=timezone.now())
    OrganisationFactory(town=org.town, unverified=True)
    TownFactory(name="Beelen")
    rows = {t["slug"]: t for t in api.get("/api/v1/directory/towns/").json()["results"]}
    assert rows["ahlen"]["offer_count"] == 2
    assert rows["ahlen"]["organisation_count"] == 1
    assert rows["ahlen"]["url"] == "/verzeichnis/orte/ahlen/"
    assert rows["beelen"]["offer_count"] == 0


def test_api_is_read_only(api, org):
    offer = make_offer(organisation=org)
    assert api.post(OFFERS, {}).status_code == 405
    assert api.delete(f"{OFFERS}{offer.pk}/").status_code == 405
    assert api.post("/api/v1/directory/towns/", {}).status_code == 405


def test_offer_list_query_count_does_not_grow(api, org):
    def make(n: int) -> None:
        for _ in range(n):
            organisation = OrganisationFactory(town=org.town)
            make_offer(organisation=organisation, languages=("ar", "de"))
            make_contact(organisation=organisation)

    assert_constant_queries(api, f"{OFFERS}?page_size=100", make)


def test_town_list_query_count_does_not_grow(api, org):
    counter = itertools.count()

    def make(n: int) -> None:
        for _ in range(n):
            made = next(counter)
            town = TownFactory(name=f"Ort {made}", slug=f"ort-{made}")
            make_offer(organisation=OrganisationFactory(town=town))

    assert_constant_queries(api, "/api/v1/directory/towns/?page_size=100", make, large=20)
