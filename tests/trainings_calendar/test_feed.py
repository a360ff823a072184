"""The personal calendar feed: the volunteer's confirmed trainings (every session) and
confirmed assignments (one-off: 2 h; weekly: a recurring event per slot until "open until"),
with alarms, behind a secret token that can be reset."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import UserFactory, VolunteerFactory
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory
from volunteers.models import CalendarFeed, HelpRequest, slot_bit
from volunteers.services.calendar import (
    assignment_uid,
    calendar_feed_get_or_create,
    feed_ics,
    session_uid,
)

from .factories import RegistrationFactory, TrainingFactory, berlin
from .ics import parse_icalendar, utc, vobject_events

pytestmark = pytest.mark.django_db

MONDAY, WEDNESDAY = 0, 2
MORNING, EVENING = 0, 2


def _weekly_assignment(volunteer, **request):
    help_request = HelpRequestFactory(
        open=True,
        schedule=HelpRequest.Schedule.WEEKLY,
        weekly_slots=slot_bit(MONDAY, MORNING) | slot_bit(WEDNESDAY, EVENING),
        open_until=dt.date(2027, 6, 30),
        **request,
    )
    return AssignmentFactory(
        help_request=help_request,
        volunteer=volunteer,
        confirmed=True,
        confirmed_at=berlin(2027, 3, 24, 12, 0),  # a Wednesday, before the spring change
    )


def _once_assignment(volunteer, starts_at, **request):
    help_request = HelpRequestFactory(
        open=True,
        schedule=HelpRequest.Schedule.ONCE,
        starts_at=starts_at,
        address="Marktplatz 1, 59227 Ahlen",
        **request,
    )
    return AssignmentFactory(help_request=help_request, volunteer=volunteer, confirmed=True)


@pytest.fixture
def person():
    return VolunteerFactory()


@pytest.fixture
def items(person):
    """Everything that belongs in the person's feed, and much that does not."""
    training = TrainingFactory(
        title="Sprachmittlung Grundkurs",
        sessions=[
            (berlin(2027, 3, 27, 10, 0), berlin(2027, 3, 27, 12, 0)),
            (berlin(2027, 3, 28, 10, 0), berlin(2027, 3, 28, 12, 0)),
        ],
    )
    RegistrationFactory(training=training, volunteer=person)
    once = _once_assignment(person, berlin(2027, 10, 31, 10, 0), title="Begleitung Ausländeramt")
    weekly = _weekly_assignment(person, title="Hausaufgabenhilfe")

    # Not in the feed: waiting, cancelled, flexible, only invited, a closed request, and
    # everything of another volunteer.
    RegistrationFactory(volunteer=person, waitlisted=True, training=TrainingFactory(title="W"))
    RegistrationFactory(volunteer=person, cancelled=True, training=TrainingFactory(title="C"))
    AssignmentFactory(
        volunteer=person,
        confirmed=True,
        help_request=HelpRequestFactory(open=True, schedule=HelpRequest.Schedule.FLEXIBLE),
    )
    AssignmentFactory(
        volunteer=person,
        help_request=HelpRequestFactory(
            open=True, schedule=HelpRequest.Schedule.ONCE, starts_at=berlin(2027, 4, 1, 9, 0)
        ),
    )
    closed = HelpRequestFactory(
        closed=True, schedule=HelpRequest.Schedule.ONCE, starts_at=berlin(2027, 4, 2, 9, 0)
    )
    AssignmentFactory(volunteer=person, confirmed=True, help_request=closed)
    other = VolunteerFactory()
    RegistrationFactory(volunteer=other, training=TrainingFactory(title="Fremd"))
    _once_assignment(other, berlin(2027, 4, 3, 9, 0), title="Fremder Einsatz")
    return {"training": training, "once": once, "weekly": weekly}


def test_feed_has_exactly_the_persons_confirmed_items(person, items):
    body = feed_ics(user=person, now=berlin(2027, 1, 15, 12, 0))
    calendar = parse_icalendar(body)
    training, once, weekly = items["training"], items["once"], items["weekly"]
    uids = sorted(str(e["uid"]) for e in calendar.events)
    assert uids == sorted(
        [
            session_uid(training.pk, 1),
            session_uid(training.pk, 2),
            assignment_uid(once.pk),
            assignment_uid(weekly.pk, slot_bit(MONDAY, MORNING).bit_length() - 1),
            assignment_uid(weekly.pk, slot_bit(WEDNESDAY, EVENING).bit_length() - 1),
        ]
    )
    assert all(len(e.walk("VALARM")) == 1 for e in calendar.events)
    assert set(vobject_events(body)) == set(uids)
    assert b"Fremd" not in body


def test_training_sessions_and_one_off_assignment_times(person, items):
    body = feed_ics(user=person, now=berlin(2027, 1, 15, 12, 0))
    parsed = vobject_events(body)
    training, once = items["training"], items["once"]
    assert parsed[session_uid(training.pk, 1)]["start"] == utc(2027, 3, 27, 9, 0)
    assert parsed[session_uid(training.pk, 2)]["start"] == utc(2027, 3, 28, 8, 0)
    # A one-off assignment: two hours from its start, on the Sunday of the autumn change.
    event = parsed[assignment_uid(once.pk)]
    assert (event["start"], event["end"]) == (utc(2027, 10, 31, 9, 0), utc(2027, 10, 31, 11, 0))
    assert event["summary"] == "Einsatz: Begleitung Ausländeramt"
    assert event["event"].location.value == "Marktplatz 1, 59227 Ahlen"


def test_weekly_slots_recur_at_local_wall_clock_time_until_open_until(person, items):
    body = feed_ics(user=person, now=berlin(2027, 1, 15, 12, 0))
    weekly = items["weekly"]
    monday_uid = assignment_uid(weekly.pk, 0)  # bit of Monday morning
    wednesday_uid = assignment_uid(weekly.pk, WEDNESDAY * 3 + EVENING)

    [monday] = [e for e in parse_icalendar(body).events if str(e["uid"]) == monday_uid]
    assert monday.start == berlin(2027, 3, 29, 9, 0)  # first Monday after confirmation
    assert monday.end == berlin(2027, 3, 29, 12, 0)
    assert monday["dtstart"].params["TZID"] == "Europe/Berlin"
    rule = monday["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    # RFC 5545: UNTIL in UTC with a TZID start: the end of 30 June, Berlin time.
    assert rule["UNTIL"] == [utc(2027, 6, 30, 21, 59, 59)]

    # vobject expands the rule with its own reading of the VTIMEZONE: 18:00 stays 18:00
    # local on both sides of the spring change, i.e. one hour earlier in UTC.
    wednesday = vobject_events(body)[wednesday_uid]["event"]
    occurrences = list(wednesday.getrruleset())
    assert [o.astimezone(dt.UTC) for o in occurrences[:2]] == [
        utc(2027, 3, 24, 17, 0),
        utc(2027, 3, 31, 16, 0),
    ]
    assert {(o.hour, o.minute) for o in occurrences} == {(18, 0)}
    assert occurrences[-1].date() == dt.date(2027, 6, 30)
    assert len(occurrences) == 15


def test_feed_url_serves_the_calendar_privately(client, person, items):
    feed = calendar_feed_get_or_create(user=person)
    response = client.get(reverse("volunteers:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    calendar = parse_icalendar(response.content)
    assert len(calendar.events) == 5
    assert calendar["refresh-interval"].dt == dt.timedelta(hours=1)
    assert response.wsgi_request.path == f"/kalender/{feed.token}.ics"


def test_feed_does_not_grow_in_queries_with_items(client, person, django_assert_max_num_queries):
    for n in range(8):
        RegistrationFactory(
            volunteer=person,
            training=TrainingFactory(
                sessions=[
                    (berlin(2027, 4, n + 1, 10, 0), berlin(2027, 4, n + 1, 12, 0)),
                    (berlin(2027, 5, n + 1, 10, 0), berlin(2027, 5, n + 1, 12, 0)),
                ]
            ),
        )
        _once_assignment(person, berlin(2027, 4, n + 1, 15, 0))
        _weekly_assignment(person)
    feed = calendar_feed_get_or_create(user=person)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("volunteers:calendar_feed", args=[feed.token]))
    assert len(parse_icalendar(response.content).events) == 8 * (2 + 1 + 2)


def test_unknown_token_and_inactive_account_get_404(client, person):
    assert client.get(reverse("volunteers:calendar_feed", args=["nicht-da"])).status_code == 404
    feed = calendar_feed_get_or_create(user=person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(reverse("volunteers:calendar_feed", args=[feed.token])).status_code == 404


def test_feed_is_in_the_persons_language():
    person = VolunteerFactory(language="en")
    training = TrainingFactory(sessions=[(berlin(2027, 4, 1, 10, 0), berlin(2027, 4, 1, 12, 0))])
    RegistrationFactory(volunteer=person, training=training)
    _once_assignment(person, berlin(2027, 4, 2, 10, 0), title="Fahrdienst")
    calendar = parse_icalendar(feed_ics(user=person, now=berlin(2027, 1, 15, 12, 0)))
    assert "Assignment: Fahrdienst" in [str(e["summary"]) for e in calendar.events]


# --- The page -------------------------------------------------------------------------------


def test_page_creates_the_feed_and_shows_its_address(client, person):
    client.force_login(person)
    assert not CalendarFeed.objects.filter(user=person).exists()
    response = client.get(reverse("volunteers:calendar"))
    assert response.status_code == 200
    feed = CalendarFeed.objects.get(user=person)
    url = f"https://ehrenamt.example.org/kalender/{feed.token}.ics"
    assert url in response.content.decode()
    assert f"webcal://ehrenamt.example.org/kalender/{feed.token}.ics" in response.content.decode()
    assert "Adresse zurücksetzen" in response.content.decode()
    # A second visit shows the same address.
    client.get(reverse("volunteers:calendar"))
    assert CalendarFeed.objects.get(user=person).token == feed.token


def test_reset_issues_a_new_address_and_the_old_one_stops_working(client, person, items):
    old = calendar_feed_get_or_create(user=person).token
    client.force_login(person)
    response = client.post(reverse("volunteers:calendar_reset"), follow=True)
    assert response.redirect_chain == [(reverse("volunteers:calendar"), 302)]
    assert "Die Kalender-Adresse wurde zurückgesetzt." in response.content.decode()
    new = CalendarFeed.objects.get(user=person).token
    assert new != old
    client.logout()
    assert client.get(reverse("volunteers:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("volunteers:calendar_feed", args=[new])).status_code == 200


def test_reset_needs_post(client, person):
    client.force_login(person)
    assert client.get(reverse("volunteers:calendar_reset")).status_code == 405


def test_page_is_for_logged_in_member_accounts_only(client):
    response = client.get(reverse("volunteers:calendar"))
    assert response.status_code == 302
    assert "/konto/" in response["Location"]
    assert client.post(reverse("volunteers:calendar_reset")).status_code == 302
    client.force_login(UserFactory(ki_staff=True))
    assert client.get(reverse("volunteers:calendar")).status_code == 403
    assert client.post(reverse("volunteers:calendar_reset")).status_code == 403
    assert not CalendarFeed.objects.exists()
