"""Journey of the figures per town, in two browsers:

the integration contact of the town of Ahlen logs in with a password, sees Ahlen's figures
(small counts shown as "weniger als 3", no names), tries Telgte's address and gets the
"page not found" page; a KI staff member (password and authenticator code) sees all towns
side by side, as a table and as charts, and opens one town.

axe-core checks every page; screenshots go to var/e2e/.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from backend.accounts.services import user_set_totp
from directory.models import MunicipalAccess
from tests.conftest import TOTP_SECRET
from tests.factories import UserFactory
from tests.volunteers_staff.conftest import make_volunteer
from volunteers.models import ActivityArea, LanguageLevel, Town

from .test_coordinator_journey import log_in
from .test_training_journeys import log_in_staff

pytestmark = pytest.mark.django_db(transaction=True)

CONTACT = "integration@ahlen.example.org"
STAFF = "sabine.sachbearbeitung@example.org"
PEOPLE = ["Amira Haddad", "Bogdan Kowalenko", "Cem Yilmaz", "Dana Schulte"]


def test_town_contact_sees_own_figures_and_staff_compare_all_towns(journey, second_journey):
    call_command("load_reference", verbosity=0)
    ahlen, telgte = Town.objects.get(name="Ahlen"), Town.objects.get(name="Telgte")
    area = ActivityArea.objects.order_by("position").first()
    for index, name in enumerate(PEOPLE):
        languages = {"de": LanguageLevel.NATIVE}
        if index < 3:
            languages["ar"] = LanguageLevel.FLUENT
        else:
            languages["uk"] = LanguageLevel.NATIVE  # the only one: "weniger als 3"
        make_volunteer(name, town=ahlen, languages=languages, areas=[area])
    make_volunteer("Farid Rahimi", town=telgte, languages={"fa": LanguageLevel.NATIVE})
    contact = UserFactory(email=CONTACT, full_name="Martina Kommune", role="municipal")
    MunicipalAccess.objects.create(user=contact, town=ahlen)
    staff = UserFactory(email=STAFF, full_name="Sabine Sachbearbeitung", ki_staff=True)
    user_set_totp(user=staff, secret=TOTP_SECRET)

    # --- The town's contact sees Ahlen's figures ----------------------------------------------
    page = journey.page
    log_in(journey, CONTACT)
    journey.check("Startseite der Kommune")
    page.goto(reverse("directory:municipal_figures"))
    journey.check("Zahlen für Ahlen")
    assert page.get_by_role("heading", level=1).inner_text() == "Zahlen für Ahlen"
    facts = page.locator("dl.facts")
    assert facts.get_by_text("Ehrenamtliche (Wohnort, Stand heute)").is_visible()
    languages = page.get_by_role("table", name="Sprachen der Ehrenamtlichen")
    # Ukrainian is 1 or 2; it is the only small count, so the next smallest (Arabic, 3) is
    # not shown either: otherwise the total minus the others would give Ukrainian away.
    assert (
        "nicht ausgewiesen"
        in languages.get_by_role("row", name=re.compile("Arabisch")).inner_text()
    )
    assert (
        "weniger als 3" in languages.get_by_role("row", name=re.compile("Ukrainisch")).inner_text()
    )
    content = page.content()
    for name in PEOPLE:
        assert name not in content
    page.get_by_label("Jahr").select_option(label="alle Jahre")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(r"\?year=alle$"))
    journey.check("Zahlen für Ahlen, alle Jahre")

    # --- ... but not Telgte's -----------------------------------------------------------------
    response = page.goto(reverse("directory:municipal_town_figures", kwargs={"town": "telgte"}))
    assert response.status == 404
    assert page.get_by_role("heading", name="Seite nicht gefunden").is_visible()
    assert "Farid" not in page.content()
    journey.check("Andere Kommune: nicht gefunden")
    response = page.goto(reverse("directory:municipal_figures") + "?ort=telgte")
    assert response.status == 404
    response = page.goto(reverse("directory:staff_figures"))
    assert response.status == 403
    journey.check("KI-Seite: kein Zugriff")

    # --- KI staff compare all towns ----------------------------------------------------------
    staff_page = second_journey.page
    log_in_staff(second_journey, STAFF)
    staff_page.goto(reverse("directory:staff_figures"))
    second_journey.check("Zahlen nach Orten")
    table = staff_page.get_by_role("table", name=re.compile("Zahlen nach Orten"))
    assert table.get_by_role("row").count() == 1 + Town.objects.count() + 1  # head, towns, total
    ahlen_row = table.get_by_role("row", name=re.compile("^Ahlen"))
    # Telgte has one volunteer; Ahlen's 4 would give it away from the district total.
    assert ahlen_row.get_by_role("cell").first.inner_text() == "nicht ausgewiesen"
    chart = staff_page.get_by_role("img", name="Offene Hilfegesuche")
    assert chart.is_visible()
    assert "Telgte" in chart.inner_html()
    staff_page.get_by_role("link", name="Telgte", exact=True).click()
    staff_page.wait_for_url(re.compile(r"/verwaltung/verzeichnis/zahlen/telgte/"))
    second_journey.check("Zahlen für Telgte (KI)")
    assert staff_page.get_by_role("heading", level=1).inner_text() == "Zahlen für Telgte"
