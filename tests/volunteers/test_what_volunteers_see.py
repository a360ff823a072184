"""What a volunteer sees of a request and their part in it: the weekly times in words, the
coordinator's invitation message, the contact and meeting place once confirmed (never
before), taking back an offer, declining with a reason, and the hours form that keeps what
was typed when it is refused."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from backend.errors import ConflictError, ValidationFailed
from notifications.models import Notification
from notifications.services import deliver
from tests.factories import MembershipFactory, UserFactory
from tests.querybudget import assert_constant_queries
from volunteers.models import (
    Assignment,
    HelpRequest,
    HoursEntry,
    slot_bit,
    weekly_slots_text,
)
from volunteers.services.assignments import (
    assignment_accept,
    assignment_answer_by_link,
    assignment_decline,
    assignment_invite,
    assignment_offer,
    assignment_offer_withdraw,
)

from .conftest import contactable_volunteer
from .factories import AssignmentFactory, HelpRequestFactory, HoursEntryFactory

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, THURSDAY, SUNDAY = 0, 1, 3, 6
MORNING, AFTERNOON, EVENING = 0, 1, 2
TUE_THU_AFTERNOONS = slot_bit(TUESDAY, AFTERNOON) | slot_bit(THURSDAY, AFTERNOON)


def text_of(response) -> str:
    """The page as a reader gets it: tags removed, whitespace collapsed."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def weekly_request(organisation, coordinator):
    return HelpRequestFactory(
        organisation=organisation,
        created_by=coordinator,
        open=True,
        title="Hausaufgabenhilfe",
        schedule=HelpRequest.Schedule.WEEKLY,
        weekly_slots=TUE_THU_AFTERNOONS,
        place="Stadtbücherei",
        address="Westenmauer 10, 59227 Ahlen",
        helpers_needed=2,
    )


@pytest.fixture
def named_coordinator(organisation, coordinator):
    coordinator.first_name, coordinator.last_name = "Klara", "Koordination"
    coordinator.save(update_fields=["first_name", "last_name"])
    return coordinator


@pytest.fixture
def volunteer(client):
    person = contactable_volunteer(full_name="Yusuf Demir")
    client.force_login(person)
    return person


# --- The weekly times in words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("slots", "words"),
    [
        (TUE_THU_AFTERNOONS, "dienstags nachmittags, donnerstags nachmittags"),
        (
            slot_bit(MONDAY, MORNING) | slot_bit(MONDAY, EVENING) | slot_bit(SUNDAY, AFTERNOON),
            "montags vormittags und abends, sonntags nachmittags",
        ),
        (
            slot_bit(TUESDAY, MORNING) | slot_bit(TUESDAY, AFTERNOON) | slot_bit(TUESDAY, EVENING),
            "dienstags vormittags, nachmittags und abends",
        ),
        (0, ""),
    ],
)
def test_weekly_slots_read_as_days_and_times_of_day(slots, words):
    assert weekly_slots_text(slots) == words


def test_weekly_times_follow_the_language_and_only_weekly_requests_have_them(weekly_request):
    with translation.override("en"):
        assert weekly_request.weekly_times == "Tuesday afternoons, Thursday afternoons"
    weekly_request.schedule = HelpRequest.Schedule.FLEXIBLE
    assert weekly_request.weekly_times == ""


def test_the_public_page_and_the_list_show_the_weekly_times(client, weekly_request):
    expected = "dienstags nachmittags, donnerstags nachmittags"
    detail = client.get(reverse("volunteers:help_request_detail", args=[weekly_request.pk]))
    assert f"wöchentlich: {expected}" in text_of(detail)
    listing = client.get(reverse("volunteers:help_request_list"))
    assert f"Wann: {expected}" in text_of(listing)


def test_the_invitation_email_says_when_and_carries_the_message(weekly_request, named_coordinator):
    person = contactable_volunteer(full_name="Yusuf Demir")
    assignment = assignment_invite(
        help_request=weekly_request,
        volunteer=person,
        actor=named_coordinator,
        message="Wir treffen uns vor der Bücherei.",
    )
    notification = Notification.objects.get(dedupe_key=f"invitation:{assignment.pk}")
    assert deliver(notification_id=notification.pk) == "sent"
    [message] = mail.outbox
    assert "Wann: dienstags nachmittags, donnerstags nachmittags" in message.body
    assert "Wir treffen uns vor der Bücherei." in message.body
    html = message.alternatives[0][0]
    assert "dienstags nachmittags, donnerstags nachmittags" in html


def test_the_invitation_email_is_worded_in_the_recipients_language(
    weekly_request, named_coordinator
):
    person = contactable_volunteer(full_name="Sam English", language="en")
    assignment = assignment_invite(
        help_request=weekly_request, volunteer=person, actor=named_coordinator
    )
    notification = Notification.objects.get(dedupe_key=f"invitation:{assignment.pk}")
    assert deliver(notification_id=notification.pk) == "sent"
    assert "Tuesday afternoons, Thursday afternoons" in mail.outbox[0].body


# --- The invitation on the platform -----------------------------------------------------------


def test_the_dashboard_shows_the_invitation_with_times_and_the_coordinators_message(
    client, volunteer, weekly_request, named_coordinator
):
    assignment_invite(
        help_request=weekly_request,
        volunteer=volunteer,
        actor=named_coordinator,
        message="Passt Ihnen Dienstag um 15 Uhr?",
    )
    page = text_of(client.get(reverse("volunteers:dashboard")))
    assert "Hausaufgabenhilfe" in page
    assert "Wann: dienstags nachmittags, donnerstags nachmittags" in page
    assert "Passt Ihnen Dienstag um 15 Uhr? Nachricht von Klara Koordination" in page
    # Before a yes, the address stays hidden.
    assert "Westenmauer" not in page


def test_the_request_page_shows_my_invitation_message(
    client, volunteer, weekly_request, named_coordinator
):
    assignment_invite(
        help_request=weekly_request,
        volunteer=volunteer,
        actor=named_coordinator,
        message="Passt Ihnen Dienstag um 15 Uhr?",
    )
    page = text_of(client.get(reverse("volunteers:help_request_detail", args=[weekly_request.pk])))
    assert "Ihr Stand: eingeladen" in page
    assert "Passt Ihnen Dienstag um 15 Uhr? Nachricht von Klara Koordination" in page
    assert "Westenmauer" not in page
    assert "Ihr Kontakt und Treffpunkt" not in page


def test_the_answer_link_page_shows_when_and_the_message(weekly_request, named_coordinator):
    from django.test import Client

    from volunteers.services.assignments import answer_url

    person = contactable_volunteer()
    assignment = assignment_invite(
        help_request=weekly_request,
        volunteer=person,
        actor=named_coordinator,
        message="Bis Dienstag!",
    )
    url = answer_url(assignment, "accept").split("://", 1)[1].split("/", 1)[1]
    page = text_of(Client().get("/" + url))
    assert "Wann dienstags nachmittags, donnerstags nachmittags" in page
    assert "Bis Dienstag! Nachricht von Klara Koordination" in page


# --- Contact and meeting place after the yes --------------------------------------------------


def test_after_accepting_the_volunteer_sees_contact_and_meeting_place(
    client, volunteer, weekly_request, named_coordinator, organisation
):
    organisation.contact_email = "kontakt@fluechtlingshilfe-ahlen.de"
    organisation.contact_phone = "02382 12345"
    organisation.save(update_fields=["contact_email", "contact_phone"])
    MembershipFactory(organisation=organisation, user=UserFactory(full_name="Jonas Kollege"))
    MembershipFactory(organisation=organisation, user=UserFactory(nameless=True))
    assignment = assignment_invite(
        help_request=weekly_request, volunteer=volunteer, actor=named_coordinator
    )
    assignment_accept(assignment=assignment, actor=volunteer)

    for url in (
        reverse("volunteers:dashboard"),
        reverse("volunteers:help_request_detail", args=[weekly_request.pk]),
    ):
        page = text_of(client.get(url))
        assert "Ihr Kontakt und Treffpunkt" in page
        assert "Treffpunkt Stadtbücherei" in page
        assert "Anschrift Westenmauer 10, 59227 Ahlen" in page
        assert "Koordination Klara Koordination, Jonas Kollege" in page
        assert "E-Mail kontakt@fluechtlingshilfe-ahlen.de" in page
        assert "Telefon 02382 12345" in page
        assert "@example.org" not in page.replace(volunteer.email, ""), "no coordinator address"


def test_an_offer_that_waits_shows_no_contact(client, volunteer, weekly_request):
    assignment_offer(help_request=weekly_request, volunteer=volunteer)
    for url in (
        reverse("volunteers:dashboard"),
        reverse("volunteers:help_request_detail", args=[weekly_request.pk]),
    ):
        page = text_of(client.get(url))
        assert "Ihr Kontakt und Treffpunkt" not in page
        assert "Westenmauer" not in page


# --- Taking back an offer ---------------------------------------------------------------------


def test_the_volunteer_takes_back_an_offer_before_the_coordinator_answers(
    client, volunteer, weekly_request, coordinator
):
    offer = assignment_offer(help_request=weekly_request, volunteer=volunteer)
    page = text_of(client.get(reverse("volunteers:dashboard")))
    assert "Ihre Angebote" in page
    assert "Die Initiative hat noch nicht geantwortet." in page

    response = client.post(reverse("volunteers:assignment_withdraw_offer", args=[offer.pk]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Assignment.Status.WITHDRAWN
    page = text_of(client.get(response["Location"]))
    assert "Ihr Angebot ist zurückgezogen." in page
    assert "Ihre Angebote" not in page
    # The coordinator sees it taken back, with nothing left to answer.
    client.force_login(coordinator)
    manage = client.get(reverse("volunteers:help_request_manage", args=[weekly_request.pk]))
    assert "Yusuf zurückgezogen" in text_of(manage)
    assert "Annehmen" not in text_of(manage)
    with pytest.raises(PermissionDenied):
        assignment_accept(assignment=offer, actor=coordinator)


def test_an_offer_already_accepted_cannot_be_taken_back_and_stays_confirmed(
    client, volunteer, weekly_request, coordinator
):
    offer = assignment_offer(help_request=weekly_request, volunteer=volunteer)
    assignment_accept(assignment=offer, actor=coordinator)
    response = client.post(
        reverse("volunteers:assignment_withdraw_offer", args=[offer.pk]), follow=True
    )
    assert "Die Initiative hat Ihr Angebot schon beantwortet." in text_of(response)
    offer.refresh_from_db()
    assert offer.status == Assignment.Status.CONFIRMED
    weekly_request.refresh_from_db()
    assert weekly_request.confirmed_count == 1


def test_only_the_volunteer_takes_back_their_offer(weekly_request, volunteer, coordinator):
    offer = assignment_offer(help_request=weekly_request, volunteer=volunteer)
    with pytest.raises(PermissionDenied):
        assignment_offer_withdraw(assignment=offer, actor=coordinator)
    offer.refresh_from_db()
    assert offer.status == Assignment.Status.OFFERED


def test_an_invitation_is_declined_not_taken_back_as_an_offer(weekly_request, volunteer):
    invitation = AssignmentFactory(help_request=weekly_request, volunteer=volunteer)
    with pytest.raises(ConflictError):
        assignment_offer_withdraw(assignment=invitation, actor=volunteer)


# --- Declining with a reason ------------------------------------------------------------------


def test_declining_with_a_reason_shows_it_to_the_coordinator(
    client, volunteer, weekly_request, named_coordinator
):
    invitation = assignment_invite(
        help_request=weekly_request, volunteer=volunteer, actor=named_coordinator
    )
    response = client.post(
        reverse("volunteers:assignment_decline", args=[invitation.pk]),
        {"reason": "  Dienstags arbeite ich\nbis 18 Uhr. "},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.DECLINED
    assert invitation.decline_reason == "Dienstags arbeite ich bis 18 Uhr."

    client.force_login(named_coordinator)
    manage = text_of(
        client.get(reverse("volunteers:help_request_manage", args=[weekly_request.pk]))
    )
    assert "Grund der Absage: Dienstags arbeite ich bis 18 Uhr." in manage


def test_declining_without_a_reason_is_fine(volunteer, weekly_request, named_coordinator):
    invitation = assignment_invite(
        help_request=weekly_request, volunteer=volunteer, actor=named_coordinator
    )
    assignment_decline(assignment=invitation, actor=volunteer)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decline_reason) == ("declined", "")


def test_a_reason_longer_than_500_characters_is_refused_and_nothing_changes(
    volunteer, weekly_request, named_coordinator
):
    invitation = assignment_invite(
        help_request=weekly_request, volunteer=volunteer, actor=named_coordinator
    )
    with pytest.raises(ValidationFailed) as refused:
        assignment_decline(assignment=invitation, actor=volunteer, reason="x" * 501)
    assert refused.value.field == "reason"
    assert "höchstens 500 Zeichen" in refused.value.message
    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.INVITED


def test_declining_from_the_email_link_keeps_the_reason(weekly_request, named_coordinator):
    from django.test import Client

    from volunteers.services.assignments import answer_token, answer_url

    person = contactable_volunteer()
    invitation = assignment_invite(
        help_request=weekly_request, volunteer=person, actor=named_coordinator
    )
    url = "/" + answer_url(invitation, "decline").split("://", 1)[1].split("/", 1)[1]
    browser = Client()
    assert "Grund der Absage" in text_of(browser.get(url))
    # Too long (a client that ignores maxlength): the question again, with the text kept.
    too_long = "Zu lang. " * 60
    response = browser.post(url, {"reason": too_long})
    assert response.status_code == 400
    assert "höchstens 500 Zeichen" in text_of(response)
    assert "Zu lang. Zu lang." in response.content.decode()
    response = browser.post(url, {"reason": "Ich bin im Urlaub."})
    assert "Ihre Absage ist gespeichert." in text_of(response)
    invitation.refresh_from_db()
    assert invitation.decline_reason == "Ich bin im Urlaub."
    with pytest.raises(ConflictError):
        assignment_answer_by_link(token=answer_token(invitation, "decline"), reason="nochmal")


# --- The hours form on the dashboard ----------------------------------------------------------


@pytest.fixture
def confirmed(volunteer, weekly_request):
    """Confirmed two weeks ago on a request open for a month (hours count from then on)."""
    weekly_request.opened_at = timezone.now() - dt.timedelta(days=30)
    weekly_request.save(update_fields=["opened_at"])
    return AssignmentFactory(
        help_request=weekly_request,
        volunteer=volunteer,
        confirmed=True,
        confirmed_at=timezone.now() - dt.timedelta(days=14),
    )


def test_a_refused_hours_entry_keeps_what_was_typed_and_names_every_problem(client, confirmed):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("volunteers:hours_create", args=[confirmed.pk]),
        {"date": tomorrow.isoformat(), "hours": "30", "note": "Mathe und Lesen"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    page = text_of(response)
    assert "Bitte prüfen Sie Ihre Angaben." in page
    assert f'value="{tomorrow.isoformat()}"' in html
    assert 'value="30"' in html
    assert 'value="Mathe und Lesen"' in html
    # Both problems at once, each at its field and tied to it.
    assert f'aria-describedby="hours-{confirmed.pk}-error"' in html
    assert f'aria-describedby="date-{confirmed.pk}-error"' in html
    assert "Stunden: Bitte zwischen 0,25 und 24 Stunden angeben." in page
    assert "Datum: Stunden in der Zukunft können nicht eingetragen werden." in page
    assert not HoursEntry.objects.exists()


def test_a_future_date_is_named_at_the_date_field(client, confirmed):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("volunteers:hours_create", args=[confirmed.pk]),
        {"date": tomorrow.isoformat(), "hours": "2", "note": "Lesen"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'aria-describedby="date-{confirmed.pk}-error"' in html
    assert "Stunden in der Zukunft können nicht eingetragen werden." in text_of(response)
    assert 'value="Lesen"' in html


def test_accepted_hours_go_back_to_an_empty_form(client, confirmed):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        reverse("volunteers:hours_create", args=[confirmed.pk]),
        {"date": yesterday.isoformat(), "hours": "2.5", "note": "Lesen"},
        follow=True,
    )
    assert "Stunden eingetragen." in text_of(response)
    assert HoursEntry.objects.get().hours == 2.5
    assert 'value="Lesen"' not in response.content.decode()


def test_dashboard_query_budget_with_invitations_offers_and_confirmed_assignments(
    client, volunteer, organisation
):
    for i in range(3):
        MembershipFactory(organisation=organisation, user=UserFactory(full_name=f"K {i} Ko"))
    statuses = ["invited", "offered", "confirmed", "declined"]

    def make(n):
        for i in range(n):
            status = statuses[i % len(statuses)]
            request = HelpRequestFactory(
                organisation=organisation,
                open=True,
                schedule=HelpRequest.Schedule.WEEKLY,
                weekly_slots=TUE_THU_AFTERNOONS,
            )
            assignment = AssignmentFactory(
                help_request=request,
                volunteer=volunteer,
                invited_by=UserFactory(),
                message="Hallo",
                **{status: True},
            )
            if status == "confirmed":
                HoursEntryFactory(assignment=assignment)

    queries = assert_constant_queries(client, reverse("volunteers:dashboard"), make)
    assert queries <= 30
