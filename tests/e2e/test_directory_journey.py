"""Journey: an anonymous visitor on a phone looks for a place in Ahlen where Arabic is spoken.
From the directory's start page via the languages to Arabic, finds the Sprachcafé, opens it and
sees how to get in touch; then searches. axe-core checks every page; screenshots go to var/e2e/."""

import re

import pytest

from directory.models import Offer, OfferLanguage
from tests.factories import OrganisationFactory, TownFactory

pytestmark = pytest.mark.django_db(transaction=True)


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
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto("/verzeichnis/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Integration von Ahlen bis Warendorf"
    )
    journey.check("Verzeichnis")

    languages = page.get_by_role("region", name="Nach Sprache")
    languages.get_by_role("link", name="Arabisch").click()
    page.wait_for_url(re.compile(r"/verzeichnis/sprachen/ar/$"))
    assert page.get_by_role("heading", name="Wo wird Arabisch gesprochen?").is_visible()
    assert page.get_by_role("link", name="Nähcafé").count() == 0
    journey.check("Arabisch")

    page.get_by_role("link", name="Sprachcafé für Frauen").click()
    page.wait_for_url(re.compile(rf"/verzeichnis/angebote/{sprachcafe.pk}/$"))
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
    journey.check("Ahlen")

    # The search box finds it too.
    page.goto("/verzeichnis/")
    page.get_by_label("Suchbegriff").fill("Sprachcafé Ahlen")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"/verzeichnis/suche/\?q="))
    assert page.get_by_role("link", name="Sprachcafé für Frauen").is_visible()
    journey.check("Suche")

    page.get_by_label("Suchbegriff").fill("")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_text("Bitte geben Sie einen Suchbegriff ein").wait_for()
    journey.check("Leere Suche")
