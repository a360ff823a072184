"""Every table of the directory and of the figures pages on a 390 px phone: it sits in a wrapper
that scrolls sideways (reachable by keyboard, named by its caption), the wrapper shows that
columns are hidden (the hidden side fades out), and the page itself never scrolls sideways. As
an anonymous visitor (funded projects), a town's integration contact (its figures) and KI
staff (all towns side by side, the directory's lists, an organisation's offers as its
coordinators see them). axe-core checks every page; screenshots go to var/e2e/."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from backend.accounts.services import user_set_totp
from directory.models import MunicipalAccess
from tests.browser import PHONE
from tests.conftest import TOTP_SECRET
from tests.directory_public.helpers import make_contact, make_funded, make_offer
from tests.factories import OrganisationFactory, UserFactory
from volunteers.models import Town

from .test_coordinator_journey import log_in
from .test_training_journeys import log_in_staff

pytestmark = pytest.mark.django_db(transaction=True)

LAYOUT = """() => {
  const root = document.documentElement;
  const tables = [...document.querySelectorAll("main table")].map((table) => {
    const wrapper = table.closest(".table-scroll");
    if (!wrapper) return { caption: table.caption?.innerText, wrapped: false };
    const style = getComputedStyle(wrapper);
    return {
      caption: table.caption?.innerText,
      wrapped: true,
      focusable: wrapper.tabIndex === 0,
      named: !!wrapper.getAttribute("aria-labelledby"),
      overflows: wrapper.scrollWidth > wrapper.clientWidth,
      fadeEnd: style.getPropertyValue("--table-fade-end").trim(),
    };
  });
  return { page: root.scrollWidth, screen: window.innerWidth, tables };
}"""


def check_tables(journey, label: str) -> list[dict]:
    """Asserts the rules above on the current page; returns what it found per table."""
    page = journey.page
    page.set_viewport_size(PHONE)
    layout = page.evaluate(LAYOUT)
    assert layout["page"] <= layout["screen"], f"{label}: the page scrolls sideways ({layout})"
    assert layout["tables"], f"{label}: no table"
    for table in layout["tables"]:
        assert table["wrapped"], f"{label}: table {table['caption']!r} has no scrolling wrapper"
        assert table["focusable"] and table["named"], f"{label}: {table}"
        # The hidden side fades exactly when columns are hidden. (The scroll bar that stays on
        # phones cannot be seen here: Playwright's headless Chromium hides all scroll bars.)
        if table["overflows"]:
            assert table["fadeEnd"] == "48px", f"{label}: {table}"
        else:
            assert table["fadeEnd"] == "0px", f"{label}: {table}"
    journey.check(label)
    return layout["tables"]


def test_tables_scroll_inside_their_wrapper_on_a_phone(journey, second_journey, visitor_journey):
    call_command("load_reference", verbosity=0)
    ahlen = Town.objects.get(name="Ahlen")
    organisation = OrganisationFactory(name="Flüchtlingshilfe Ahlen e. V.", town=ahlen)
    make_offer(organisation=organisation, place="Marktplatz 1, 59227 Ahlen", languages=("ar",))
    make_funded(organisation=organisation, title="Begegnungsfest mit Musik und Essen")
    make_contact(town=ahlen, name="Petra Rathaus", function="Integration und Flucht")
    contact = UserFactory(email="integration@ahlen.example.org", role="municipal")
    MunicipalAccess.objects.create(user=contact, town=ahlen)
    staff = UserFactory(email="sabine.sachbearbeitung@example.org", ki_staff=True)
    user_set_totp(user=staff, secret=TOTP_SECRET)

    # --- A visitor: funded projects of the town and of the organisation ---------------------
    page = visitor_journey.page
    page.set_viewport_size(PHONE)
    page.goto(reverse("directory:town", args=["ahlen"]))
    check_tables(visitor_journey, "Ahlen: geförderte Projekte")
    page.goto(reverse("directory:organisation", args=[organisation.pk]))
    check_tables(visitor_journey, "Organisation: geförderte Projekte")

    # --- The town's contact: its figures --------------------------------------------------
    log_in(journey, contact.email)
    journey.page.goto(reverse("directory:municipal_figures"))
    check_tables(journey, "Zahlen für Ahlen")

    # --- KI staff: all towns side by side, one town, the directory's lists -----------------
    staff_page = second_journey.page
    log_in_staff(second_journey, staff.email)
    staff_page.goto(reverse("directory:staff_figures"))
    (overview,) = check_tables(second_journey, "Zahlen nach Orten")
    assert overview["overflows"], "eleven columns fit on a phone? Then this test tests nothing"
    # Scrolled to its end, the table's right side is no longer faded, the left side is.
    staff_page.locator(".table-scroll").evaluate("(w) => { w.scrollLeft = w.scrollWidth; }")
    faded = staff_page.locator(".table-scroll").evaluate(
        "(w) => [getComputedStyle(w).getPropertyValue('--table-fade-start').trim(),"
        " getComputedStyle(w).getPropertyValue('--table-fade-end').trim()]"
    )
    assert faded == ["48px", "0px"], faded
    second_journey.screenshots("zahlen-nach-orten-ans-ende-geschoben")
    for url, label in (
        (reverse("directory:staff_town_figures", args=["ahlen"]), "Zahlen für Ahlen (KI)"),
        (reverse("directory:staff_offer_list"), "Angebote im Verzeichnis"),
        (reverse("directory:staff_contact_list"), "Ansprechpersonen der Verwaltungen"),
        (reverse("directory:staff_municipal_list"), "Zugänge der Kommunen"),
        (
            reverse("directory:organisation_directory", args=[organisation.pk]),
            "Angebote und Ansprechpersonen der Organisation",
        ),
    ):
        staff_page.goto(url)
        check_tables(second_journey, label)
