"""Journey: an anonymous visitor on a phone looks for a place in Ahlen where Arabic is spoken.
From the directory's start page via the languages to Arabic, finds the Sprachcafé, opens it and
sees how to get in touch; narrows Arabic by town and topic, removes a choice again; then
searches in words. No page scrolls sideways on the phone. axe-core checks every page;
screenshots go to var/e2e/."""

import re

import pytest

from directory.models import Offer, OfferLanguage
from tests.browser import PHONE
from tests.factories import OrganisationFactory, TownFactory

pytestmark = pytest.mark.django_db(transaction=True)


def assert_no_sideways_scrolling(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide on a {width[1]} px screen"


@pytest.fixture
def sprachcafe():
    ahlen = TownFactory(name="Ahlen")  # get_or_create: reference data may have it already
    organisation = OrganisationFactory(name="Begegnungszentrum Ahlen-Süd", town=ahlen)
    offer = Offer.objects.create(
        organisation=organisation,
        town=ahlen,
        title="Sprachcafé für Frauen",
        kind=Offer.Kind.SPRACHCAFE,
        description="Deutsch sprechen bei Tee und Gebäck. Kinderbetreuung vor Ort.",
        place="Familienzentrum, Kampstraße 5",
        weekday=2,
        starts_at="10:00",
        ends_at="12:00",
        target_group="Frauen, auch mit kleinen Kindern",
        contact_name="Samira Haddad",
        contact_email="sprachcafe@example.org",
        contact_phone="02382 940-12",
    )
    OfferLanguage.objects.bulk_create(
        [OfferLanguage(offer=offer, code="ar"), OfferLanguage(offer=offer, code="de")]
    )
    homework = Offer.objects.create(
        organisation=organisation,
        town=ahlen,
        title="Hausaufgabenhilfe",
        kind=Offer.Kind.HAUSAUFGABEN,
        description="Hilfe bei den Hausaufgaben.",
        place="Familienzentrum, Kampstraße 5, 59227 Ahlen",
        weekday=3,
        starts_at="15:00",
        ends_at="17:00",
        contact_email="hausaufgaben@example.org",
    )
    OfferLanguage.objects.create(offer=homework, code="ar")
    other = OrganisationFactory(name="Nähtreff Telgte", town=TownFactory(name="Telgte"))
    Offer.objects.create(
        organisation=other,
        town=other.town,
        title="Nähcafé",
        kind=Offer.Kind.BEGEGNUNGSCAFE,
        description="Gemeinsam nähen.",
        place="Pfarrheim",
        dates="jeden 1. Samstag im Monat",
        contact_email="naehen@example.org",
    )
    return offer


def test_visitor_on_a_phone_finds_an_arabic_speaking_sprachcafe(journey, sprachcafe):
    page = journey.page
    page.set_viewport_size(PHONE)

    page.goto("/verzeichnis/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Integration von Ahlen bis Warendorf"
    )
    assert_no_sideways_scrolling(page)
    journey.check("Verzeichnis")

    languages = page.get_by_role("region", name="Nach Sprache")
    languages.get_by_role("link", name="Arabisch").click()
    page.wait_for_url(re.compile(r"/verzeichnis/sprachen/ar/$"))
    assert page.get_by_role("heading", name="Wo wird Arabisch gesprochen?").is_visible()
    assert page.get_by_role("link", name="Nähcafé").count() == 0
    assert_no_sideways_scrolling(page)
    journey.check("Arabisch")

    page.get_by_role("link", name="Sprachcafé für Frauen").click()
    page.wait_for_url(re.compile(rf"/verzeichnis/angebote/{sprachcafe.pk}/$"))
    assert page.title().startswith("Sprachcafé für Frauen – Integration von Ahlen bis Warendorf")
    assert_no_sideways_scrolling(page)
    journey.check("Angebot")
    main = page.get_by_role("main")
    assert main.get_by_text("mittwochs von 10:00 bis 12:00 Uhr").is_visible()
    assert main.get_by_text("Familienzentrum, Kampstraße 5, Ahlen").is_visible()
    assert main.get_by_text("Samira Haddad").is_visible()
    email = main.get_by_role("link", name="sprachcafe@example.org")
    assert email.get_attribute("href") == "mailto:sprachcafe@example.org"
    phone = main.get_by_role("link", name="02382 940-12")
    assert phone.get_attribute("href") == "tel:0238294012"

    # Back to Ahlen: the town page lists it, and offers its calendar.
    main.get_by_role("link", name="Zu Ahlen").click()
    page.wait_for_url(re.compile(r"/verzeichnis/orte/ahlen/$"))
    assert page.get_by_role("link", name="Sprachcafé für Frauen").is_visible()
    assert_no_sideways_scrolling(page)
    journey.check("Ahlen")

    # Arabic, narrowed to Sprachcafés in Ahlen: one page, every choice shown and removable.
    page.goto("/verzeichnis/sprachen/ar/")
    page.get_by_text("Nach Ort, Thema oder Suchbegriff eingrenzen").click()
    search = page.get_by_role("search")
    search.get_by_label("Ort").select_option(label="Ahlen")
    search.get_by_label("Thema").select_option(label="Sprachcafé")
    search.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(r"/verzeichnis/suche/\?.*kind=sprachcafe"))
    for parameter in ("town=ahlen", "kind=sprachcafe", "language=ar"):
        assert parameter in page.url
    chosen = page.get_by_role("region", name="Ihre Auswahl")
    for choice in ("Ort: Ahlen", "Thema: Sprachcafé", "Sprache: Arabisch"):
        assert chosen.get_by_text(choice, exact=True).is_visible()
    assert page.get_by_role("link", name="Sprachcafé für Frauen").is_visible()
    assert page.get_by_role("link", name="Hausaufgabenhilfe").count() == 0
    assert_no_sideways_scrolling(page)
    journey.check("Arabisch in Ahlen, Sprachcafé")

    # The link is the state: opened again, the page shows the same.
    shared = page.url
    chosen.get_by_role("link", name="entfernen (Thema: Sprachcafé)").click()
    page.wait_for_url(lambda url: "kind=" not in url)
    assert page.get_by_role("link", name="Hausaufgabenhilfe").is_visible()
    assert page.get_by_role("link", name="Sprachcafé für Frauen").is_visible()
    journey.check("Thema entfernt")
    page.goto(shared)
    assert page.get_by_role("link", name="Hausaufgabenhilfe").count() == 0

    # Words find it too, wherever they match: title, town and language.
    page.goto("/verzeichnis/")
    page.get_by_label("Suchbegriff").fill("sprachcafe ahlen arabisch")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"/verzeichnis/suche/\?q="))
    assert page.get_by_role("link", name="Sprachcafé für Frauen").is_visible()
    assert page.get_by_role("link", name="Hausaufgabenhilfe").count() == 0
    assert_no_sideways_scrolling(page)
    journey.check("Suche")

    # The form waits folded under the choices, so the phone shows the results first.
    page.get_by_text("Suche ändern oder eingrenzen").click()
    page.get_by_label("Suchbegriff").fill("")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_text("Bitte geben Sie einen Suchbegriff ein").wait_for()
    journey.check("Leere Suche")
