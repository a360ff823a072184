"""Journey (issue 5): a coordinator publishes a request, sees the suggested volunteers with the
reasons, invites two of them at once, and one accepts from the email link.

axe-core checks every page; screenshots go to var/e2e/.
"""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from notifications.models import Notification
from notifications.services import deliver
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, VolunteerFactory
from tests.volunteers.factories import HelpRequestFactory
from volunteers.models import (
    ActivityArea,
    Assignment,
    Consent,
    HelpRequest,
    HelpRequestLanguage,
    Town,
    VolunteerLanguage,
)
from volunteers.services.consents import consent_give

from .test_coordinator_journey import expect_message, log_in, path_of

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "klara.koordination@example.org"


def volunteer(name: str, email: str, town: Town, area: ActivityArea, level: int):
    person = VolunteerFactory(email=email, full_name=name, profile__town=town)
    person.volunteer_profile.activity_areas.add(area)
    VolunteerLanguage.objects.create(profile=person.volunteer_profile, code="ar", level=level)
    consent_give(user=person, kind=Consent.Kind.CONTACT)
    return person


def test_coordinator_invites_two_suggested_volunteers_and_one_accepts(journey, second_journey):
    call_command("load_reference", verbosity=0)
    ahlen = Town.objects.get(name="Ahlen")
    telgte = Town.objects.get(name="Telgte")
    area = ActivityArea.objects.order_by("position").first()
    coordinator = UserFactory(email=COORDINATOR, full_name="Klara Koordination")
    organisation = OrganisationFactory(name="Flüchtlingshilfe Ahlen e. V.", town=ahlen)
    MembershipFactory(organisation=organisation, user=coordinator)
    help_request = HelpRequestFactory(
        organisation=organisation, town=ahlen, activity_area=area, helpers_needed=1
    )
    HelpRequestLanguage.objects.create(help_request=help_request, code="ar", min_level=2)
    amira = volunteer("Amira Haddad", "amira@example.org", ahlen, area, level=3)
    omar = volunteer("Omar Said", "omar@example.org", ahlen, area, level=2)
    # Speaks Arabic only a little: below the request's minimum, never suggested.
    volunteer("Lena Basis", "lena@example.org", ahlen, area, level=1)
    # Lives in Telgte (25 km) but travels only 10 km: never suggested.
    far = volunteer("Farid Weit", "farid@example.org", telgte, area, level=3)
    far.volunteer_profile.travel_radius_km = 10
    far.volunteer_profile.save(update_fields=["travel_radius_km"])

    page = journey.page
    log_in(journey, COORDINATOR)
    page.goto(reverse("volunteers:help_request_edit", args=[help_request.pk]))
    page.get_by_role("button", name="Veröffentlichen").click()
    page.wait_for_load_state()
    expect_message(page, "Das Hilfegesuch ist veröffentlicht.")
    page.get_by_role("link", name="Helfende finden und verwalten").click()
    page.wait_for_url(re.compile(r"/helfende/"))

    suggestions = page.locator("section", has=page.get_by_role("heading", name="Passende"))
    assert suggestions.get_by_label("Amira, Ahlen").is_visible()
    assert suggestions.get_by_label("Omar, Ahlen").is_visible()
    assert suggestions.get_by_text("Lena").count() == 0
    assert suggestions.get_by_text("Farid").count() == 0
    assert suggestions.get_by_text("spricht Arabisch (Muttersprache)").is_visible()
    assert suggestions.get_by_text("wohnt am Ort, in Ahlen").first.is_visible()
    journey.check("Vorschläge mit Gründen")

    suggestions.get_by_label("Amira, Ahlen").check()
    suggestions.get_by_label("Omar, Ahlen").check()
    suggestions.get_by_label("Nachricht an die Eingeladenen").fill("Donnerstags 16 Uhr?")
    suggestions.get_by_role("button", name="Ausgewählte einladen").click()
    page.wait_for_load_state()
    expect_message(page, "Eingeladen: ")
    invited = Assignment.objects.filter(help_request=help_request, status="invited")
    assert {a.volunteer_id for a in invited} == {amira.pk, omar.pk}
    journey.check("Zwei eingeladen")

    # Amira accepts from the email; the request is filled.
    notification = Notification.objects.get(kind="volunteers.invitation", recipient=amira)
    assert deliver(notification_id=notification.pk) == "sent"
    [message] = [m for m in mail.outbox if m.to == [amira.email]]
    assert "Donnerstags 16 Uhr?" in message.body
    accept = re.search(r"https?://\S+/einsatz/antwort/\S+/", message.body).group(0)
    other = second_journey.page
    other.goto(path_of(accept))
    other.get_by_role("button", name="Ja, ich sage zu").click()
    other.wait_for_load_state()
    assert other.get_by_text("Ihre Zusage ist gespeichert").is_visible()
    second_journey.check("Zugesagt")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.FILLED
    assert Assignment.objects.get(volunteer=amira).status == Assignment.Status.CONFIRMED
