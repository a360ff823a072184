"""Page titles and main headings of every directory page are plain text: names with "<b>" or
"&" appear as the visitor typed them (escaped once), never as markup, never as "&amp;", and no
stray tag ends up in the browser tab."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from directory.models import MunicipalAccess
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, UserFactory

from .helpers import make_funded, make_offer

pytestmark = pytest.mark.django_db

OFFER_TITLE = "<b>Café & Tee</b>"
ORGANISATION = "Kunst & Kultur <i>e. V.</i>"
TOWN = "Ahlen & <b>Vorhelm</b>"


@pytest.fixture
def world():
    town = TownFactory(name=TOWN, slug="ahlen-vorhelm")
    organisation = OrganisationFactory(name=ORGANISATION, town=town)
    offer = make_offer(organisation=organisation, title=OFFER_TITLE, languages=("ar",))
    make_funded(organisation=organisation, title="Fest & Feier")
    return town, organisation, offer


def plain(fragment: str) -> str:
    """A title's or heading's text as the visitor sees it; fails on markup inside it."""
    assert "<" not in fragment, f"markup in {fragment!r}"
    text = unescape(fragment)
    assert "&amp;" not in text and "&lt;" not in text, f"escaped twice: {fragment!r}"
    return " ".join(text.split())


def title_and_heading(response) -> tuple[str, str]:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    (title,) = re.findall(r"<title>(.*?)</title>", html, re.S)
    (heading,) = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return plain(title), plain(heading)


def public_pages(town, organisation, offer) -> list[tuple[str, str, str]]:
    """(url, text the title must start with, text the heading must contain)."""
    return [
        (reverse("directory:index"), "Integration von Ahlen bis Warendorf", ""),
        (reverse("directory:town", args=[town.slug]), f"{TOWN} –", TOWN),
        (reverse("directory:topic", args=["sprachcafe"]), "Sprachcafé –", "Sprachcafé"),
        (reverse("directory:language", args=["ar"]), "Arabisch –", "Arabisch"),
        (
            reverse("directory:organisation", args=[organisation.pk]),
            f"{ORGANISATION} –",
            ORGANISATION,
        ),
        (reverse("directory:offer", args=[offer.pk]), f"{OFFER_TITLE} – Integration", OFFER_TITLE),
        (
            reverse("directory:search") + "?q=%3Cb%3ECaf%C3%A9+%26+Tee&town=ahlen-vorhelm",
            f"„<b>Café & Tee“, {TOWN} – Suche im Verzeichnis – ",
            "Suche im Verzeichnis",
        ),
    ]


def test_public_pages_show_plain_titles_and_headings(client, world):
    for url, title_start, heading_part in public_pages(*world):
        title, heading = title_and_heading(client.get(url))
        assert title.startswith(title_start), (url, title)
        assert heading_part in heading, (url, heading)


def test_offer_page_title_has_no_stray_tag(client, world):
    *_, offer = world
    html = client.get(reverse("directory:offer", args=[offer.pk])).content.decode()
    (title,) = re.findall(r"<title>(.*?)</title>", html, re.S)
    assert "</section>" not in title
    assert plain(title).startswith(f"{OFFER_TITLE} – Integration von Ahlen bis Warendorf – ")


def test_coordinator_pages_show_plain_titles(client, world):
    _, organisation, offer = world
    client.force_login(MembershipFactory(organisation=organisation).user)
    pages = [
        (reverse("directory:organisation_directory", args=[organisation.pk]), ORGANISATION),
        (reverse("directory:offer_edit", args=[offer.pk]), OFFER_TITLE),
        (reverse("directory:offer_delete", args=[offer.pk]), OFFER_TITLE),
    ]
    for url, name in pages:
        title, _ = title_and_heading(client.get(url))
        assert name in title, (url, title)


def test_figures_pages_show_plain_titles(client, world, staff_with_mfa):
    town, *_ = world
    contact = UserFactory(role="municipal")
    MunicipalAccess.objects.create(user=contact, town=town)
    client.force_login(contact)
    title, heading = title_and_heading(client.get(reverse("directory:municipal_figures")))
    assert title.startswith(f"Zahlen für {TOWN} – ") and heading == f"Zahlen für {TOWN}"

    client.force_login(staff_with_mfa)
    for url in (
        reverse("directory:staff_figures"),
        reverse("directory:staff_town_figures", args=[town.slug]),
        reverse("directory:staff_offer_list"),
    ):
        title_and_heading(client.get(url))
