"""The calendar of a town's weekly offers: one weekly recurring event per offer with a weekday
and a start time, in Europe/Berlin time, stable UIDs, RFC 5545 escaping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.ics import offer_uid, town_offers_ics
from directory.models import HIDE_AFTER
from tests.factories import OrganisationFactory, TownFactory
from tests.trainings_calendar.ics import parse_icalendar, vobject_events

from .helpers import make_offer

pytestmark = pytest.mark.django_db

BERLIN = dt.timezone(dt.timedelta(hours=1))  # only for building the test's "now" (winter)


@pytest.fixture
def ahlen():
    return TownFactory(name="Ahlen")


@pytest.fixture
def org(ahlen):
    return OrganisationFactory(town=ahlen)


def unfolded_lines(body: bytes) -> list[str]:
    """Content lines with RFC 5545 folding undone."""
    return body.decode().replace("\r\n ", "").split("\r\n")


def test_feed_is_served_as_calendar_with_weekly_events(client, org):
    offer = make_offer(organisation=org, title="Sprachcafé", weekday=1)  # Tuesday 15-17
    response = client.get(reverse("directory:town_ics", args=["ahlen"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "angebote-ahlen.ics" in response["Content-Disposition"]
    lines = unfolded_lines(response.content)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert f"UID:{offer_uid(offer.pk)}" in lines
    rrule = next(line for line in lines if line.startswith("RRULE:"))
    assert "FREQ=WEEKLY" in rrule and "BYDAY=TU" in rrule and "UNTIL=" in rrule
    assert any(line.startswith("DTSTART;TZID=Europe/Berlin:") for line in lines)
    assert "BEGIN:VTIMEZONE" in lines
    parse_icalendar(response.content)  # no part had to be skipped


def test_event_starts_at_the_next_occurrence_in_local_time(org):
    offer = make_offer(organisation=org, weekday=1, starts_at=dt.time(15), ends_at=dt.time(17))
    # Tuesday 20 January 2026, 16:00 local: today's one has begun, so next week's is first.
    now = dt.datetime(2026, 1, 20, 16, 0, tzinfo=BERLIN)
    events = vobject_events(town_offers_ics(org.town, now=now))
    event = events[offer_uid(offer.pk)]
    assert event["local"] == dt.datetime(2026, 1, 27, 15, 0)
    assert event["end"] - event["start"] == dt.timedelta(hours=2)
    assert event["start"] == dt.datetime(2026, 1, 27, 14, 0, tzinfo=dt.UTC)
    # Same day, before it starts: today.
    morning = dt.datetime(2026, 1, 20, 9, 0, tzinfo=BERLIN)
    event = vobject_events(town_offers_ics(org.town, now=morning))[offer_uid(offer.pk)]
    assert event["local"] == dt.datetime(2026, 1, 20, 15, 0)


def test_summer_time_keeps_the_wall_clock(org):
    offer = make_offer(organisation=org, weekday=4, starts_at=dt.time(10), ends_at=None)
    now = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)  # Wednesday
    event = vobject_events(town_offers_ics(org.town, now=now))[offer_uid(offer.pk)]
    assert event["local"] == dt.datetime(2026, 7, 3, 10, 0)
    assert event["start"] == dt.datetime(2026, 7, 3, 8, 0, tzinfo=dt.UTC)
    assert event["end"] - event["start"] == dt.timedelta(hours=2)  # no end: two hours


def test_uid_is_stable_across_requests_and_confirmations(client, org):
    offer = make_offer(organisation=org)
    first = client.get(reverse("directory:town_ics", args=["ahlen"])).content
    offer.confirmed_at = timezone.now()
    offer.save(update_fields=["confirmed_at"])
    second = client.get(reverse("directory:town_ics", args=["ahlen"])).content
    uid = f"UID:{offer_uid(offer.pk)}"
    assert uid in unfolded_lines(first) and uid in unfolded_lines(second)


def test_recurrence_ends_when_the_offer_would_drop_out_unconfirmed(org):
    confirmed = timezone.now() - dt.timedelta(days=10)
    offer = make_offer(organisation=org, confirmed_at=confirmed)
    rrule = vobject_events(town_offers_ics(org.town))[offer_uid(offer.pk)]["rrule"]
    until = (confirmed + HIDE_AFTER).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"UNTIL={until}" in rrule


def test_free_text_dates_and_missing_times_are_left_out(org):
    weekly = make_offer(organisation=org, title="Wöchentlich")
    free_text = make_offer(
        organisation=org, weekday=None, starts_at=None, ends_at=None, dates="nach Vereinbarung"
    )
    no_time = make_offer(organisation=org, starts_at=None, ends_at=None)
    events = vobject_events(town_offers_ics(org.town))
    assert offer_uid(weekly.pk) in events
    assert offer_uid(free_text.pk) not in events
    assert offer_uid(no_time.pk) not in events


def test_only_public_offers_of_the_town_are_in_the_feed(org):
    shown = make_offer(organisation=org)
    hidden = make_offer(organisation=org, hidden_at=timezone.now())
    pending = make_offer(organisation=OrganisationFactory(town=org.town, unverified=True))
    elsewhere = make_offer(organisation=OrganisationFactory(town=TownFactory(name="Beelen")))
    events = vobject_events(town_offers_ics(org.town))
    assert set(events) == {offer_uid(shown.pk)}
    assert {offer_uid(o.pk) for o in (hidden, pending, elsewhere)}.isdisjoint(events)


def test_text_is_escaped_per_rfc_5545(client, org):
    offer = make_offer(
        organisation=org,
        title="Café; Tee, Kuchen",
        place="Haus A, Raum 2; EG",
        description="Zeile eins\nZeile zwei; mit, Zeichen\\",
    )
    lines = unfolded_lines(client.get(reverse("directory:town_ics", args=["ahlen"])).content)
    assert "SUMMARY:Café\\; Tee\\, Kuchen" in lines
    assert "LOCATION:Haus A\\, Raum 2\\; EG\\, Ahlen" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Zeile eins\\nZeile zwei\\; mit\\, Zeichen\\\\" in description
    event = vobject_events(client.get(reverse("directory:town_ics", args=["ahlen"])).content)
    assert event[offer_uid(offer.pk)]["summary"] == "Café; Tee, Kuchen"


def test_feed_query_count_does_not_grow(client, org):
    from tests.querybudget import assert_constant_queries

    assert_constant_queries(
        client,
        reverse("directory:town_ics", args=["ahlen"]),
        lambda n: [make_offer(organisation=org, languages=("ar",)) for _ in range(n)],
    )
