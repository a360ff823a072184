"""Journey (b): a coordinator writes and publishes a help request, finds a volunteer in the
search and invites them; the volunteer accepts from the email link and logs hours on their
dashboard; the coordinator confirms the hours; the volunteer downloads the Ehrenamtsnachweis
from the dashboard.

Two browser contexts (coordinator, volunteer). axe-core checks every page; screenshots go to
var/e2e/.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import deliver
from tests.browser import Journey
from tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers.models import (
    ActivityArea,
    Assignment,
    Consent,
    HelpRequest,
    HoursEntry,
    Organisation,
    Town,
    VolunteerLanguage,
)
from volunteers.services.consents import consent_give

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "klara.koordination@example.org"
VOLUNTEER = "yusuf.demir@example.org"
TITLE = "Hausaufgabenhilfe für zwei Geschwister"


def log_in(journey: Journey, email: str) -> None:
    page = journey.page
    page.goto(reverse("account_login"))
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    page.wait_for_url(re.compile(r"/$"))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def expect_message(page, text: str) -> None:
    assert page.locator(".site-messages").get_by_text(text).is_visible(), page.content()


def test_coordinator_publishes_invites_and_confirms_hours(journey, second_journey):
    call_command("load_reference", verbosity=0)
    ahlen = Town.objects.get(name="Ahlen")
    area = ActivityArea.objects.order_by("position").first()
    coordinator = UserFactory(email=COORDINATOR, full_name="Klara Koordination")
    organisation = OrganisationFactory(name="Flüchtlingshilfe Ahlen e. V.", town=ahlen)
    MembershipFactory(organisation=organisation, user=coordinator)
    volunteer = VolunteerFactory(email=VOLUNTEER, full_name="Yusuf Demir", profile__town=ahlen)
    volunteer.volunteer_profile.activity_areas.add(area)
    VolunteerLanguage.objects.create(profile=volunteer.volunteer_profile, code="ar", level=3)
    consent_give(user=volunteer, kind=Consent.Kind.CONTACT)
    # Someone the search must not show: no consent to be contacted.
    VolunteerFactory(full_name="Nina Nichtgefragt", profile__town=ahlen)

    # --- The coordinator writes a request; a first attempt has a mistake ----------------------
    page = journey.page
    log_in(journey, COORDINATOR)
    page.goto(reverse("volunteers:organisation_list"))
    journey.check("Meine Organisationen")
    page.get_by_role("link", name="Neues Hilfegesuch").first.click()
    page.wait_for_url(re.compile(r"/hilfegesuch/neu/$"))
    journey.check("Neues Hilfegesuch")

    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Beschreibung").fill("Zwei Kinder (Klasse 3 und 5) brauchen Hilfe.")
    page.get_by_label("Tätigkeitsbereich").select_option(label=area.name_de)
    page.get_by_label("Ort", exact=True).select_option(label="Ahlen")
    page.get_by_label("Treffpunkt").fill("Stadtbücherei")
    page.get_by_label("Anschrift").fill("Westenmauer 10, 59227 Ahlen")
    page.get_by_label("wöchentlich").check()
    page.get_by_label("Dienstag nachmittags").check()
    page.get_by_label("Benötigte Helfende").fill("51")
    open_until = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("Offen bis").fill(open_until.isoformat())
    page.get_by_label(re.compile(r"^Sprache 1\b")).select_option("ar")
    page.get_by_label("Mindestens (Sprache 1)").select_option(label="fließend")
    page.get_by_role("button", name="Als Entwurf speichern").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").get_by_text("Bitte prüfen Sie Ihre Angaben.").is_visible()
    assert not HelpRequest.objects.exists()
    journey.check("Hilfegesuch mit Fehler")

    page.get_by_label("Benötigte Helfende").fill("1")
    assert page.get_by_label("Dienstag nachmittags").is_checked(), "the grid keeps its input"
    page.get_by_role("button", name="Als Entwurf speichern").click()
    page.wait_for_url(re.compile(r"/hilfegesuche/\d+/bearbeiten/$"))
    expect_message(page, "Der Entwurf ist gespeichert.")
    help_request = HelpRequest.objects.get()
    assert help_request.status == HelpRequest.Status.DRAFT
    journey.check("Entwurf gespeichert")

    page.get_by_role("button", name="Veröffentlichen").click()
    page.wait_for_load_state()
    expect_message(page, "Das Hilfegesuch ist veröffentlicht.")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.OPEN
    journey.check("Veröffentlicht")

    # --- ... finds the volunteer and invites them --------------------------------------------
    page.get_by_role("link", name="Helfende finden und verwalten").click()
    page.wait_for_url(re.compile(r"/helfende/"))
    journey.check("Helfende finden")
    page.get_by_label(re.compile(r"^Sprache\b")).select_option("ar")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_load_state()
    results = page.get_by_role("table", name="Suchergebnis")
    assert results.get_by_role("cell", name="Yusuf", exact=True).is_visible()
    assert page.get_by_text("Nina").count() == 0
    assert page.get_by_text(VOLUNTEER).count() == 0, "no contact details before a yes"
    row = results.get_by_role("row").filter(has_text="Yusuf")
    invite = row.get_by_role("button", name="Einladen")
    assert invite.get_attribute("aria-describedby"), "the button says whom it invites"
    invite.click()
    page.wait_for_load_state()
    expect_message(page, "Die Einladung an Yusuf ist verschickt.")
    journey.check("Eingeladen")

    # --- The volunteer accepts from the email ------------------------------------------------
    notification = Notification.objects.get(kind="volunteers.invitation", recipient=volunteer)
    assert deliver(notification_id=notification.pk) == "sent"
    [message] = [m for m in mail.outbox if m.to == [VOLUNTEER]]
    accept = re.search(r"https?://\S+/einsatz/antwort/\S+/", message.body).group(0)
    other = second_journey.page
    other.goto(path_of(accept))
    second_journey.check("Einladung per Link")
    other.get_by_role("button", name="Ja, ich sage zu").click()
    other.wait_for_load_state()
    assert other.get_by_text("Ihre Zusage ist gespeichert").is_visible()
    second_journey.check("Zugesagt")
    assignment = Assignment.objects.get()
    assert assignment.status == Assignment.Status.CONFIRMED

    # --- ... and logs hours on the dashboard -------------------------------------------------
    log_in(second_journey, VOLUNTEER)
    other.goto(reverse("volunteers:dashboard"))
    second_journey.check("Mein Ehrenamt")
    # Today: the assignment was confirmed today, and hours count from the confirmation on.
    today = timezone.localdate()
    other.get_by_label("Datum").fill(today.isoformat())
    other.get_by_label("Stunden", exact=True).fill("2.5")
    other.get_by_label("Notiz").fill("Mathe und Lesen")
    other.get_by_role("button", name="Eintragen").click()
    other.wait_for_load_state()
    expect_message(other, "Stunden eingetragen.")
    second_journey.check("Stunden eingetragen")

    # --- The coordinator sees the contact details and confirms the hours -----------------------
    page.goto(reverse("volunteers:help_request_manage", args=[help_request.pk]))
    helpers = page.get_by_role("table", name="Helfende")
    assert helpers.get_by_text(VOLUNTEER).is_visible(), "contact details once confirmed"
    assert helpers.get_by_role("cell", name="Yusuf Demir", exact=True).is_visible()
    journey.check("Helfende mit Stunden")
    page.get_by_role("table", name="Eingetragene Stunden").get_by_role(
        "button", name=re.compile("^Bestätigen")
    ).click()
    page.wait_for_load_state()
    expect_message(page, "Stunden bestätigt.")
    entry = HoursEntry.objects.get()
    assert entry.status == HoursEntry.Status.CONFIRMED
    assert entry.reviewed_by == coordinator
    journey.check("Stunden bestätigt")

    # --- The volunteer sees the hours and downloads the Ehrenamtsnachweis ----------------------
    other.goto(reverse("volunteers:dashboard"))
    confirmed = other.locator(
        "section", has=other.get_by_role("heading", name="Bestätigte Stunden")
    )
    assert confirmed.get_by_text(re.compile(r"^2[,.]50? h$")).is_visible()
    second_journey.check("Bestätigte Stunden")
    with other.expect_download() as download:
        other.get_by_role("link", name=re.compile("Ehrenamtsnachweis herunterladen")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_a_new_organisation_registers_and_a_colleague_joins_by_email(journey, second_journey):
    """The other coordinator pages: registration, the pending organisation, the invitation
    of a colleague (with a mistake first) and its acceptance from the email."""
    call_command("load_reference", verbosity=0)
    UserFactory(ki_staff=True, email="ki-team@example.org")
    UserFactory(email=COORDINATOR, full_name="Klara Koordination")
    colleague = UserFactory(email="jonas.kollege@example.org", full_name="Jonas Kollege")

    page = journey.page
    log_in(journey, COORDINATOR)
    page.goto(reverse("volunteers:organisation_register"))
    journey.check("Organisation registrieren")
    page.get_by_label("Name der Organisation").fill("Willkommensinitiative Sendenhorst")
    page.get_by_label("Art").select_option(label="Religiöse Gemeinde")
    page.get_by_label("Ort", exact=True).select_option(label="Sendenhorst")
    assert page.get_by_label("Kontakt-E-Mail").input_value() == COORDINATOR
    page.get_by_role("button", name="Registrieren").click()
    page.wait_for_url(re.compile(r"/organisation/\d+/$"))
    expect_message(page, "Ihre Organisation ist registriert.")
    assert page.get_by_text("wartet auf Prüfung durch das KI").first.is_visible()
    journey.check("Organisation wartet auf Prüfung")
    assert Notification.objects.filter(
        kind="volunteers.organisation_registered", to_email="ki-team@example.org"
    ).exists()

    page.get_by_role("main").get_by_role("link", name="Meine Organisationen").click()
    journey.check("Meine Organisationen (wartend)")
    page.goto(reverse("volunteers:help_request_create", args=[Organisation.objects.get().pk]))
    assert (
        page.get_by_role("alert")
        .get_by_text("noch vom Kommunalen Integrationszentrum")
        .is_visible()
    )
    journey.check("Noch keine Hilfegesuche")
    page.go_back()

    page.get_by_role("link", name="Willkommensinitiative Sendenhorst").click()
    page.get_by_label("E-Mail-Adresse der Person").fill("kein at zeichen")
    page.get_by_role("button", name="Einladung senden").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").get_by_text("Bitte prüfen Sie Ihre Angaben.").is_visible()
    journey.check("Einladung mit Fehler")
    page.get_by_label("E-Mail-Adresse der Person").fill(colleague.email)
    page.get_by_role("button", name="Einladung senden").click()
    page.wait_for_load_state()
    expect_message(page, "Die Einladung an jonas.kollege@example.org ist unterwegs.")
    journey.check("Einladung verschickt")

    notification = Notification.objects.get(kind="volunteers.coordinator_invitation")
    assert deliver(notification_id=notification.pk) == "sent"
    [message] = [m for m in mail.outbox if m.to == [colleague.email]]
    link = re.search(r"https?://\S+/organisation/einladung/\S+/", message.body).group(0)
    other = second_journey.page
    log_in(second_journey, colleague.email)
    other.goto(path_of(link))
    second_journey.check("Einladung zur Koordination")
    other.get_by_role("button", name="Einladung annehmen").click()
    other.wait_for_url(re.compile(r"/organisation/\d+/$"))
    expect_message(other, "Sie koordinieren jetzt Willkommensinitiative Sendenhorst mit.")
    second_journey.check("Koordination angenommen")
    other.goto(path_of(link))
    assert other.get_by_text("bereits angenommen").is_visible()
    second_journey.check("Einladung schon angenommen")
