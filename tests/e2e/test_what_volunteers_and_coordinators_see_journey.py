"""Journeys (issue parts 5 and 6): a volunteer on a phone reads an invitation with its weekly
times and the coordinator's message, takes back an offer, declines one invitation with a
reason, accepts another and then sees contact and meeting place, and logs hours after a
refused first try. A coordinator on a desktop learns why nobody is suggested, reads the decline
reason, confirms all listed hours at once, finds the invite question above the suggestions
and changes the contact details helpers see.

axe-core checks every page; screenshots (phone and desktop) go to var/e2e/.
"""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.browser import PHONE
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.volunteers.conftest import contactable_volunteer
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory, HoursEntryFactory
from volunteers.models import ActivityArea, Assignment, HelpRequest, HoursEntry, Town, slot_bit
from volunteers.services.assignments import assignment_invite, assignment_offer

from .test_coordinator_journey import expect_message, log_in

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "klara.koordination@example.org"
VOLUNTEER = "yusuf.demir@example.org"
TUE_THU_AFTERNOONS = slot_bit(1, 1) | slot_bit(3, 1)


def district():
    call_command("load_reference", verbosity=0)
    ahlen = Town.objects.get(name="Ahlen")
    area = ActivityArea.objects.order_by("position").first()
    organisation = OrganisationFactory(
        name="Flüchtlingshilfe Ahlen e. V.",
        town=ahlen,
        contact_email="kontakt@fluechtlingshilfe-ahlen.de",
        contact_phone="02382 12345",
    )
    coordinator = UserFactory(email=COORDINATOR, full_name="Klara Koordination")
    MembershipFactory(organisation=organisation, user=coordinator)
    return ahlen, area, organisation, coordinator


def weekly_request(organisation, area, title, **fields):
    return HelpRequestFactory(
        organisation=organisation,
        town=organisation.town,
        activity_area=area,
        open=True,
        title=title,
        schedule=HelpRequest.Schedule.WEEKLY,
        weekly_slots=TUE_THU_AFTERNOONS,
        helpers_needed=2,
        **fields,
    )


def test_a_volunteer_on_a_phone_answers_invitations_and_logs_hours(journey):
    ahlen, area, organisation, coordinator = district()
    volunteer = contactable_volunteer(email=VOLUNTEER, full_name="Yusuf Demir", profile__town=ahlen)
    homework = weekly_request(
        organisation,
        area,
        "Hausaufgabenhilfe",
        place="Stadtbücherei",
        address="Westenmauer 10, 59227 Ahlen",
    )
    cafe = weekly_request(organisation, area, "Sprachcafé am Dienstag")
    shopping = weekly_request(organisation, area, "Begleitung zum Einkaufen")
    assignment_invite(
        help_request=homework,
        volunteer=volunteer,
        actor=coordinator,
        message="Wir treffen uns dienstags um 15 Uhr vor der Bücherei.",
    )
    assignment_invite(help_request=cafe, volunteer=volunteer, actor=coordinator)
    offer = assignment_offer(help_request=shopping, volunteer=volunteer)

    page = journey.page
    page.set_viewport_size(PHONE)
    log_in(journey, VOLUNTEER)
    page.goto(reverse("volunteers:dashboard"))
    invitations = page.locator("section", has=page.get_by_role("heading", name="Anfragen an Sie"))
    card = invitations.get_by_role("listitem").filter(has_text="Hausaufgabenhilfe")
    assert card.get_by_text("dienstags nachmittags, donnerstags nachmittags").is_visible()
    assert card.get_by_text("Wir treffen uns dienstags um 15 Uhr vor der Bücherei.").is_visible()
    assert card.get_by_text("Nachricht von Klara Koordination").is_visible()
    assert page.get_by_text("Westenmauer").count() == 0, "the address only after a yes"
    journey.check("Anfragen mit Zeiten und Nachricht")

    # --- The offer nobody answered yet is taken back --------------------------------------------
    offers = page.locator("section", has=page.get_by_role("heading", name="Ihre Angebote"))
    offers.get_by_role("button", name="Angebot zurückziehen").click()
    page.wait_for_load_state()
    expect_message(page, "Ihr Angebot ist zurückgezogen.")
    offer.refresh_from_db()
    assert offer.status == Assignment.Status.WITHDRAWN

    # --- One invitation is declined with a reason ------------------------------------------------
    cafe_card = invitations.get_by_role("listitem").filter(has_text="Sprachcafé")
    cafe_card.get_by_text("Absagen", exact=True).click()
    cafe_card.get_by_label("Grund der Absage").fill("Dienstags arbeite ich bis 18 Uhr.")
    journey.check("Absage mit Grund")
    cafe_card.get_by_role("button", name="Absage senden").click()
    page.wait_for_load_state()
    expect_message(page, "Absage gespeichert.")
    declined = Assignment.objects.get(help_request=cafe)
    assert (declined.status, declined.decline_reason) == (
        "declined",
        "Dienstags arbeite ich bis 18 Uhr.",
    )

    # --- The other is accepted: contact and meeting place appear ---------------------------------
    card.get_by_role("button", name="Zusagen").click()
    page.wait_for_load_state()
    expect_message(page, "Zusage gespeichert.")
    mine = page.locator("section", has=page.get_by_role("heading", name="Meine Einsätze"))
    contact = mine.get_by_role("group", name="Ihr Kontakt und Treffpunkt")
    for text in (
        "Stadtbücherei",
        "Westenmauer 10, 59227 Ahlen",
        "Klara Koordination",
        "kontakt@fluechtlingshilfe-ahlen.de",
        "02382 12345",
    ):
        assert contact.get_by_text(text).is_visible(), text
    journey.check("Zugesagt mit Kontakt")

    # --- Hours: a first try with mistakes keeps everything typed ---------------------------------
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    mine.get_by_label("Datum").fill(tomorrow.isoformat())
    mine.get_by_label("Stunden", exact=True).fill("30")
    mine.get_by_label("Notiz").fill("Mathe und Lesen")
    mine.get_by_role("button", name="Eintragen").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben.")
    assert summary.is_visible()
    assert mine.get_by_label("Stunden", exact=True).input_value() == "30"
    assert mine.get_by_label("Notiz").input_value() == "Mathe und Lesen"
    assert mine.get_by_label("Datum").input_value() == tomorrow.isoformat()
    assert not HoursEntry.objects.exists()
    journey.check("Stunden mit Fehlern")

    # Today: the assignment was confirmed today, and hours count from the confirmation on.
    today = timezone.localdate()
    mine.get_by_label("Datum").fill(today.isoformat())
    mine.get_by_label("Stunden", exact=True).fill("2.5")
    mine.get_by_role("button", name="Eintragen").click()
    page.wait_for_load_state()
    expect_message(page, "Stunden eingetragen.")
    assert HoursEntry.objects.get().note == "Mathe und Lesen"
    journey.check("Stunden eingetragen")

    # --- The request's own page says the same ----------------------------------------------------
    page.goto(reverse("volunteers:help_request_detail", args=[homework.pk]))
    assert page.get_by_text(
        "wöchentlich: dienstags nachmittags, donnerstags nachmittags"
    ).is_visible()
    assert page.get_by_role("group", name="Ihr Kontakt und Treffpunkt").is_visible()
    journey.check("Hilfegesuch nach der Zusage")


def test_a_coordinator_on_a_desktop_sees_why_nobody_fits_and_confirms_all_hours(journey):
    ahlen, area, organisation, coordinator = district()
    children = weekly_request(
        organisation, area, "Kinderbetreuung im Deutschkurs", requires_fuehrungszeugnis=True
    )
    for name in ("Anna Arabisch", "Boris Bauer", "Carla Conrad"):
        contactable_volunteer(full_name=name, profile__town=ahlen)
    homework = weekly_request(organisation, area, "Hausaufgabenhilfe")
    helpers = [
        AssignmentFactory(
            help_request=homework,
            volunteer=contactable_volunteer(full_name=name, profile__town=ahlen),
            confirmed=True,
        )
        for name in ("Dana Demir", "Emil Engel")
    ]
    for helper, days in ((helpers[0], 1), (helpers[0], 3), (helpers[1], 2)):
        HoursEntryFactory(assignment=helper, date=timezone.localdate() - dt.timedelta(days=days))
    declined = AssignmentFactory(
        help_request=homework,
        volunteer=contactable_volunteer(full_name="Farid Fischer", profile__town=ahlen),
        declined=True,
        decline_reason="Dienstags arbeite ich.",
    )
    assert declined.decline_reason

    page = journey.page
    log_in(journey, COORDINATOR)

    # --- Nobody suggested: the page says which condition left nobody ----------------------------
    page.goto(reverse("volunteers:help_request_manage", args=[children.pk]))
    suggestions = page.locator("section", has=page.get_by_role("heading", name="Passende"))
    assert suggestions.get_by_text(
        # Anna, Boris, Carla and the three helpers of the other request live in Ahlen.
        "Führungszeugnis erforderlich: 0 von 6 Personen in Reichweite haben ein gültiges."
    ).first.is_visible()
    journey.check("Niemand passt, und warum")

    # --- Hours of two helpers confirmed at once ---------------------------------------------------
    page.goto(reverse("volunteers:help_request_manage", args=[homework.pk]))
    helpers_table = page.get_by_role("table", name="Helfende")
    assert helpers_table.get_by_text("Grund der Absage: Dienstags arbeite ich.").is_visible()
    hours = page.locator("section", has=page.get_by_role("heading", name="Stunden", exact=True))
    assert hours.get_by_text("3 Einträge warten auf Ihre Bestätigung.").is_visible()
    journey.check("Stunden warten")
    hours.get_by_role("button", name="Alle bestätigen").click()
    page.wait_for_load_state()
    expect_message(page, "3 Einträge bestätigt.")
    assert set(HoursEntry.objects.values_list("status", flat=True)) == {"confirmed"}
    journey.check("Alle Stunden bestätigt")

    # --- The invite question above the people it applies to --------------------------------------
    contactable_volunteer(full_name="Gina Gast", profile__town=ahlen)
    page.goto(reverse("volunteers:help_request_manage", args=[homework.pk]))
    page.reload()  # the page was open at #stunden: load it anew, with Gina
    suggestions = page.locator("section", has=page.get_by_role("heading", name="Passende"))
    message_box = suggestions.get_by_label("Nachricht an die Eingeladenen").bounding_box()
    first_person = suggestions.get_by_label(re.compile(r"^Gina, Ahlen")).bounding_box()
    assert message_box["y"] < first_person["y"]
    journey.check("Einladen oberhalb der Vorschläge")

    # --- The contact details helpers see, changed with a mistake first ----------------------------
    page.goto(reverse("volunteers:organisation_detail", args=[organisation.pk]))
    page.get_by_role("link", name="Kontakt-E-Mail und -Telefon ändern").click()
    page.get_by_label("Kontakt-E-Mail").fill("kontakt-at-ahlen")
    page.get_by_label("Kontakt-Telefon").fill("02382 98765")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").get_by_text("Bitte prüfen Sie Ihre Angaben.").is_visible()
    assert page.get_by_label("Kontakt-Telefon").input_value() == "02382 98765"
    journey.check("Kontaktdaten mit Fehler")
    page.get_by_label("Kontakt-E-Mail").fill("kontakt@ahlen-hilft.de")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    expect_message(page, "Die Kontaktdaten sind gespeichert.")
    organisation.refresh_from_db()
    assert (organisation.contact_email, organisation.contact_phone) == (
        "kontakt@ahlen-hilft.de",
        "02382 98765",
    )
