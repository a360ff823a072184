"""Reading calendar files back with two independent parsers: icalendar (what we write with)
and vobject (a separate implementation, so a quirk shared by writer and reader cannot hide)."""

from __future__ import annotations

import datetime as dt

import vobject
from icalendar import Calendar


def parse_icalendar(body: bytes) -> Calendar:
    """Parse with icalendar, failing on anything it had to skip."""
    calendar = Calendar.from_ical(body)
    for component in calendar.walk():
        assert not component.errors, component.errors
    return calendar


def _forget_read_timezones() -> None:
    """vobject keeps the VTIMEZONE it read per TZID for the whole process, so a file read
    earlier (covering other years) would decide how this one is read. Each read starts clean."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    for tzid in [tzid for tzid in registry if tzid != "UTC"]:
        del registry[tzid]


def vobject_events(body: bytes) -> dict[str, dict]:
    """UID -> {start, end (UTC), local, tzname, summary, rrule, ...} as vobject reads it."""
    _forget_read_timezones()
    calendar = vobject.readOne(body.decode("utf-8"))
    events = {}
    for event in calendar.vevent_list:
        events[event.uid.value] = {
            "start": event.dtstart.value.astimezone(dt.UTC),
            "end": event.dtend.value.astimezone(dt.UTC),
            # Wall clock and zone abbreviation as vobject derives them from our VTIMEZONE.
            "local": event.dtstart.value.replace(tzinfo=None),
            "tzname": event.dtstart.value.tzname(),
            "summary": event.summary.value,
            "status": event.status.value if hasattr(event, "status") else None,
            "rrule": event.rrule.value if hasattr(event, "rrule") else None,
            "alarms": len(getattr(event, "valarm_list", [])),
            "event": event,
        }
    return events


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
