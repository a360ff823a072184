"""Every calendar file the platform hands out follows RFC 5545 as a strict line-based reader
sees it: content lines end with CRLF, folded lines unfold (§3.1), and each VEVENT has exactly
one DTSTAMP (in UTC), one UID and one DTSTART. Checked for the volunteer's feed, a training's
.ics (download and reminder email attachment) and a town's offers, each with data in it."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import Offer
from notifications.models import Notification
from notifications.services import deliver
from tests.directory_public.helpers import make_offer
from tests.factories import OrganisationFactory, TownFactory, VolunteerFactory
from volunteers.services.calendar import calendar_feed_get_or_create
from volunteers.services.training_reminders import KIND, reminders_send

from .factories import RegistrationFactory, TrainingFactory, berlin
from .ics import utc
from .test_feed import _once_assignment, _weekly_assignment

pytestmark = pytest.mark.django_db

TWO_SESSIONS = [
    (berlin(2027, 3, 27, 10, 0), berlin(2027, 3, 27, 12, 0)),
    (berlin(2027, 3, 28, 10, 0), berlin(2027, 3, 28, 12, 0)),
]
ONCE_PER_EVENT = ("DTSTAMP", "UID", "DTSTART")
UTC_STAMP = re.compile(r"\d{8}T\d{6}Z")


def strict_events(body: bytes) -> list[Counter]:
    """Read the file line by line as RFC 5545 prescribes and count the properties of each
    VEVENT (those of its VALARMs not included). Fails on a line not ended by CRLF, a line
    over 75 octets, a property outside any component or unbalanced BEGIN/END."""
    assert body.endswith(b"\r\n"), "the last line must end with CRLF"
    physical = body[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, f"bare line break in {line!r}"
        assert len(line) <= 75, f"line of {len(line)} octets: {line!r}"
    lines: list[str] = []
    for line in physical:
        text = line.decode("utf-8")
        if text[:1] in (" ", "\t"):  # a folded line continues the previous one
            assert lines, "the file starts with a continuation line"
            lines[-1] += text[1:]
        else:
            lines.append(text)
    stack: list[str] = []
    events: list[Counter] = []
    for line in lines:
        name, value = re.split(r"[;:]", line, maxsplit=1)[0].upper(), line.split(":", 1)[1]
        if name == "BEGIN":
            stack.append(value.upper())
            if stack[-1] == "VEVENT":
                events.append(Counter())
        elif name == "END":
            assert stack and stack.pop() == value.upper(), f"unbalanced END:{value}"
        else:
            assert stack, f"{name} outside any component"
            if stack[-1] == "VEVENT":
                events[-1][name] += 1
                if name == "DTSTAMP":
                    assert UTC_STAMP.fullmatch(line.split(":", 1)[1]), line
    assert stack == [], "unclosed components"
    return events


def assert_rfc5545(body: bytes, *, events: int) -> None:
    counted = strict_events(body)
    assert len(counted) == events
    for properties in counted:
        assert {name: properties[name] for name in ONCE_PER_EVENT} == dict.fromkeys(
            ONCE_PER_EVENT, 1
        )


def test_the_volunteers_feed(client):
    person = VolunteerFactory()
    RegistrationFactory(training=TrainingFactory(sessions=TWO_SESSIONS), volunteer=person)
    _once_assignment(person, berlin(2027, 10, 31, 10, 0), title="Begleitung Ausländeramt")
    _weekly_assignment(person, title="Hausaufgabenhilfe")  # two weekly slots
    feed = calendar_feed_get_or_create(user=person)

    response = client.get(reverse("volunteers:calendar_feed", args=[feed.token]))

    assert response.status_code == 200
    assert_rfc5545(response.content, events=5)


@pytest.mark.parametrize("cancelled", [False, True], ids=["published", "cancelled"])
def test_a_trainings_download(client, cancelled):
    training = TrainingFactory(sessions=TWO_SESSIONS, cancelled=cancelled)

    response = client.get(reverse("volunteers:training_calendar", args=[training.pk]))

    assert response.status_code == 200
    assert_rfc5545(response.content, events=2)


def test_a_training_reminders_attachment():
    training = TrainingFactory(sessions=TWO_SESSIONS)
    RegistrationFactory(training=training)
    reminders_send(now=utc(2027, 3, 25, 8, 0))
    [notification] = Notification.objects.filter(kind=KIND)

    assert deliver(notification_id=notification.pk) == "sent"

    [(_name, content, _type)] = mail.outbox[0].attachments
    assert_rfc5545(content.encode() if isinstance(content, str) else content, events=2)


def test_a_towns_offers(client):
    town = TownFactory(name="Ahlen")
    organisation = OrganisationFactory(town=town)
    make_offer(organisation=organisation, title="Sprachcafé", weekday=1)
    make_offer(organisation=organisation, title="Nähtreff", weekday=3, ends_at=None)
    make_offer(organisation=organisation, title="Nach Vereinbarung", weekday=None)
    assert Offer.objects.count() == 3

    response = client.get(reverse("directory:town_ics", args=[town.slug]))

    assert response.status_code == 200
    assert_rfc5545(response.content, events=2)


def test_the_reader_finds_a_second_dtstamp_and_a_bare_line_feed():
    """The reader can fail: a doubled DTSTAMP and a line ended by LF alone are caught."""
    good = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//DE\r\nBEGIN:VEVENT\r\n"
        b"UID:a@example.org\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270102T100000Z\r\n"
        b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\n"
        b"SUMMARY:Lang\r\n  und gefaltet\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert_rfc5545(good, events=1)
    doubled = good.replace(
        b"DTSTAMP:20270101T000000Z\r\n", b"DTSTAMP:20270101T000000Z\r\nDTSTAMP:20260101T000000Z\r\n"
    )
    with pytest.raises(AssertionError):
        assert_rfc5545(doubled, events=1)
    with pytest.raises(AssertionError):
        assert_rfc5545(good.replace(b"SUMMARY:Lang\r\n", b"SUMMARY:Lang\n"), events=1)
    local_stamp = good.replace(b"DTSTAMP:20270101T000000Z", b"DTSTAMP:20270101T000000")
    with pytest.raises(AssertionError):
        assert_rfc5545(local_stamp, events=1)
