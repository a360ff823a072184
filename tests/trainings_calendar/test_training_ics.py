"""A training's .ics: one event per session in Europe/Berlin time with a VTIMEZONE, stable
UIDs, an alarm; read back by two independent parsers; served publicly for published and
cancelled trainings only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from volunteers.models import Training
from volunteers.services.calendar import session_uid, training_ics

from .factories import TrainingFactory, berlin
from .ics import parse_icalendar, utc, vobject_events

pytestmark = pytest.mark.django_db

# Across the spring change (Sat CET, Sun CEST) and the autumn change (Sat CEST, Sun CET).
SPRING = [
    (berlin(2027, 3, 27, 10, 0), berlin(2027, 3, 27, 12, 0)),
    (berlin(2027, 3, 28, 10, 0), berlin(2027, 3, 28, 12, 0)),
]
AUTUMN = [
    (berlin(2027, 10, 30, 10, 0), berlin(2027, 10, 30, 12, 0)),
    (berlin(2027, 10, 31, 10, 0), berlin(2027, 10, 31, 12, 30)),
]


@pytest.mark.parametrize(
    ("sessions", "expected_utc", "zones"),
    [
        (
            SPRING,
            [
                (utc(2027, 3, 27, 9, 0), utc(2027, 3, 27, 11, 0)),
                (utc(2027, 3, 28, 8, 0), utc(2027, 3, 28, 10, 0)),
            ],
            ["CET", "CEST"],
        ),
        (
            AUTUMN,
            [
                (utc(2027, 10, 30, 8, 0), utc(2027, 10, 30, 10, 0)),
                (utc(2027, 10, 31, 9, 0), utc(2027, 10, 31, 11, 30)),
            ],
            ["CEST", "CET"],
        ),
    ],
    ids=["march", "october"],
)
def test_sessions_keep_their_local_time_across_dst_in_both_parsers(sessions, expected_utc, zones):
    training = TrainingFactory(sessions=sessions)
    body = training_ics(training)

    # icalendar: local times with TZID Europe/Berlin, and the VTIMEZONE that defines it.
    calendar = parse_icalendar(body)
    events = calendar.events
    assert [e.decoded("dtstart").replace(tzinfo=None) for e in events] == [
        dt.datetime(s.year, s.month, s.day, s.hour, s.minute) for s, _e in sessions
    ]
    assert {e["dtstart"].params["TZID"] for e in events} == {"Europe/Berlin"}
    assert {e["dtend"].params["TZID"] for e in events} == {"Europe/Berlin"}
    assert [tz["tzid"] for tz in calendar.timezones] == ["Europe/Berlin"]
    assert [(e.start.astimezone(dt.UTC), e.end.astimezone(dt.UTC)) for e in events] == expected_utc

    # vobject reads the VTIMEZONE itself (not zoneinfo) and must land on the same instants.
    parsed = sorted(vobject_events(body).values(), key=lambda v: v["start"])
    assert [(v["start"], v["end"]) for v in parsed] == expected_utc
    assert [v["local"].time() for v in parsed] == [dt.time(10, 0), dt.time(10, 0)]
    assert [v["tzname"] for v in parsed] == zones


def test_uids_summaries_location_url_and_alarm():
    training = TrainingFactory(sessions=SPRING, title="Kinderschutz kompakt")
    body = training_ics(training)
    calendar = parse_icalendar(body)
    assert calendar["method"] == "PUBLISH"
    events = calendar.events
    assert [str(e["uid"]) for e in events] == [
        f"training-{training.pk}-session-1@ehrenamt.example.org",
        f"training-{training.pk}-session-2@ehrenamt.example.org",
    ]
    assert [str(e["summary"]) for e in events] == [
        "Kinderschutz kompakt (Termin 1 von 2)",
        "Kinderschutz kompakt (Termin 2 von 2)",
    ]
    detail = f"https://ehrenamt.example.org/schulungen/{training.pk}/"
    for event in events:
        assert str(event["location"]) == "Kreishaus Warendorf, Raum 101"
        assert str(event["url"]) == detail
        assert detail in str(event["description"])
        assert str(event["status"]) == "CONFIRMED"
        [alarm] = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == -dt.timedelta(days=1)
        assert alarm["description"]
    parsed = vobject_events(body)
    assert set(parsed) == {str(e["uid"]) for e in events}
    assert all(v["alarms"] == 1 for v in parsed.values())


def test_uids_are_stable_when_the_sessions_are_saved_again():
    """Editing a training replaces its session rows; the events must keep their UIDs so a
    calendar moves them instead of adding copies."""
    training = TrainingFactory(sessions=SPRING)
    before = [str(e["uid"]) for e in parse_icalendar(training_ics(training)).events]
    training.sessions.all().delete()
    for start, end in SPRING:
        training.sessions.create(starts_at=start, ends_at=end + dt.timedelta(minutes=30))
    after = [str(e["uid"]) for e in parse_icalendar(training_ics(training)).events]
    assert after == before == [session_uid(training.pk, 1), session_uid(training.pk, 2)]


def test_online_training_has_the_link_as_location_and_single_session_plain_title():
    training = TrainingFactory(place="", online_url="https://meet.example.org/abc", title="Online")
    [event] = parse_icalendar(training_ics(training)).events
    assert str(event["location"]) == "https://meet.example.org/abc"
    assert str(event["summary"]) == "Online"


def test_long_description_is_shortened_and_special_characters_survive():
    training = TrainingFactory(
        title="Schulung; Teil 1, „Grundlagen“ – Ümläute",
        description="Lang " * 500,
    )
    body = training_ics(training)
    [event] = parse_icalendar(body).events
    assert str(event["summary"]) == "Schulung; Teil 1, „Grundlagen“ – Ümläute"
    assert len(str(event["description"])) < 400
    [parsed] = vobject_events(body).values()
    assert parsed["summary"] == "Schulung; Teil 1, „Grundlagen“ – Ümläute"


def test_cancelled_training_marks_its_events_cancelled_without_alarm():
    training = TrainingFactory(cancelled=True, title="Erste Hilfe")
    body = training_ics(training)
    [event] = parse_icalendar(body).events
    assert str(event["status"]) == "CANCELLED"
    assert str(event["summary"]) == "Abgesagt: Erste Hilfe"
    assert event.walk("VALARM") == []
    [parsed] = vobject_events(body).values()
    assert parsed["status"] == "CANCELLED"


# --- The download ----------------------------------------------------------------------------


def test_download_of_a_published_training(client):
    training = TrainingFactory(title="Sprachmittlung Grundkurs")
    response = client.get(reverse("volunteers:training_calendar", args=[training.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="schulung-{training.pk}-sprachmittlung-grundkurs.ics"'
    )
    [event] = parse_icalendar(response.content).events
    assert event.start == berlin(2027, 5, 20, 10, 0)
    assert response.wsgi_request.path == f"/schulungen/{training.pk}/kalender.ics"


def test_download_of_a_cancelled_training_says_cancelled(client):
    training = TrainingFactory(cancelled=True)
    response = client.get(reverse("volunteers:training_calendar", args=[training.pk]))
    assert response.status_code == 200
    assert b"STATUS:CANCELLED" in response.content


def test_draft_and_unknown_trainings_are_not_found(client):
    draft = TrainingFactory(draft=True)
    assert client.get(reverse("volunteers:training_calendar", args=[draft.pk])).status_code == 404
    missing = reverse("volunteers:training_calendar", args=[draft.pk + 1000])
    assert client.get(missing).status_code == 404


def test_download_answers_get_and_head_only(client):
    training = TrainingFactory()
    url = reverse("volunteers:training_calendar", args=[training.pk])
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_download_does_not_grow_with_sessions(client, django_assert_max_num_queries):
    sessions = [(berlin(2027, 6, d, 10, 0), berlin(2027, 6, d, 12, 0)) for d in range(1, 21)]
    training = TrainingFactory(sessions=sessions)
    assert Training.objects.get(pk=training.pk).sessions.count() == 20
    with django_assert_max_num_queries(4):
        response = client.get(reverse("volunteers:training_calendar", args=[training.pk]))
    assert len(parse_icalendar(response.content).events) == 20
