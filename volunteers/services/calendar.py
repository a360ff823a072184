"""Calendar files (iCalendar, RFC 5545): one training as a download or email attachment, and
the personal feed of a volunteer (confirmed trainings and assignments) behind a secret URL.

Times. Every event is written in local time with TZID=Europe/Berlin and a VTIMEZONE generated
from the zoneinfo database for the dates the file covers, so calendar apps show 10:00 as 10:00
on both sides of a daylight-saving change. Recurring assignment slots are wall-clock times
("Tuesdays 14-17"): a weekly RRULE on a local DTSTART keeps them at 14:00 in summer and winter,
which fixed UTC times would not.

UIDs are stable, so re-importing a file or refreshing the feed updates events instead of
duplicating them. A session's UID is its position within the training (the n-th session by
start), not its row id: editing a training's dates replaces its session rows, and the
calendar should then move the existing events rather than add new ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from volunteers.models import (
    Assignment,
    CalendarFeed,
    HelpRequest,
    Registration,
    Training,
    TrainingSession,
)
from volunteers.models.trainings import calendar_token

if TYPE_CHECKING:
    from backend.accounts.models import User

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Kommunales Integrationszentrum Kreis Warendorf//KOMM-AN Ehrenamt//DE"

# Local wall-clock hours of the day parts of a weekly slot (morning, afternoon, evening), the
# same parts volunteers tick in their availability.
SLOT_HOURS: dict[int, tuple[dt.time, dt.time]] = {
    0: (dt.time(9, 0), dt.time(12, 0)),
    1: (dt.time(14, 0), dt.time(17, 0)),
    2: (dt.time(18, 0), dt.time(20, 0)),
}
# A one-off assignment has a start only; two hours is what most of them take.
ONCE_DURATION = dt.timedelta(hours=2)
TRAINING_ALARM = dt.timedelta(days=1)
ASSIGNMENT_ALARM = dt.timedelta(hours=2)
# The feed keeps a year of history: enough to look back, small enough to fetch every hour.
FEED_HISTORY = dt.timedelta(days=365)
FEED_REFRESH = dt.timedelta(hours=1)
DESCRIPTION_CHARS = 300
# Help requests whose confirmed assignments still belong in the calendar. A closed request
# was ended by its organisation: its dates no longer take place.
FEED_REQUEST_STATUSES = [
    HelpRequest.Status.OPEN,
    HelpRequest.Status.FILLED,
    HelpRequest.Status.EXPIRED,
]


# --- Building blocks -------------------------------------------------------------------------


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(training_id: int, ordinal: int) -> str:
    """The UID of the `ordinal`-th session (1-based, by start) of a training."""
    return f"training-{training_id}-session-{ordinal}@{_domain()}"


def assignment_uid(assignment_id: int, slot_bit: int | None = None) -> str:
    """The UID of a one-off assignment, or of one weekly slot (bit weekday*3+part) of it."""
    suffix = "" if slot_bit is None else f"-slot-{slot_bit}"
    return f"assignment-{assignment_id}{suffix}@{_domain()}"


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _alarm(before: dt.timedelta, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -before)
    return alarm


def _local(moment: dt.datetime) -> dt.datetime:
    """An aware datetime in Europe/Berlin: written as TZID=Europe/Berlin local time."""
    return moment.astimezone(BERLIN)


def _calendar(
    events: Sequence[Event],
    *,
    name: str,
    stamp: dt.datetime,
    refresh: dt.timedelta | None = None,
) -> bytes:
    """A VCALENDAR with the events and a VTIMEZONE for Europe/Berlin covering their dates
    (and their recurrences) with a year to spare on each side.

    `refresh` asks subscribing apps to fetch again that often (REFRESH-INTERVAL, RFC 7986,
    and the older X-PUBLISHED-TTL that Outlook and Apple Calendar read)."""
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH", name=name, refresh_interval=refresh)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", "Europe/Berlin")
    if refresh is not None:
        calendar.add("x-published-ttl", refresh)
    # RFC 5545: exactly one DTSTAMP per VEVENT, in UTC. Event.new() already stamps the moment
    # of building; the file's one moment replaces it.
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    dates: list[dt.date] = []
    for event in events:
        event.pop("dtstamp", None)
        event.add("dtstamp", stamp)
        calendar.add_component(event)
        dates.append(event.start.date())
        until = (event.get("rrule") or {}).get("UNTIL")
        if until:
            dates.append((until[0] if isinstance(until, list) else until).date())
    if dates:
        calendar.add_missing_timezones(
            first_date=min(dates) - dt.timedelta(days=366),
            last_date=max(dates) + dt.timedelta(days=366),
        )
    return calendar.to_ical()


# --- Trainings -------------------------------------------------------------------------------


def training_url(training: Training) -> str:
    return _site(reverse("volunteers:training_detail", args=[training.pk]))


def training_ics_filename(training: Training) -> str:
    return f"schulung-{training.pk}-{slugify(training.title)[:40] or 'termin'}.ics"


def _training_events(training: Training, sessions: Sequence[TrainingSession]) -> list[Event]:
    """One VEVENT per session; a cancelled training's events carry STATUS:CANCELLED so that
    calendars which imported them mark them as cancelled."""
    cancelled = training.status == Training.Status.CANCELLED
    url = training_url(training)
    description = Truncator(training.description).chars(DESCRIPTION_CHARS)
    if training.place and training.online_url:
        description += "\n\n" + _("Online-Link: %(online_url)s") % {
            "online_url": training.online_url
        }
    description += "\n\n" + url
    events = []
    for ordinal, session in enumerate(sessions, start=1):
        summary = training.title
        if len(sessions) > 1:
            summary = _("%(title)s (Termin %(n)d von %(total)d)") % {
                "title": training.title,
                "n": ordinal,
                "total": len(sessions),
            }
        if cancelled:
            summary = _("Abgesagt: %(title)s") % {"title": summary}
        event = Event.new(
            uid=session_uid(training.pk, ordinal),
            summary=summary,
            start=_local(session.starts_at),
            end=_local(session.ends_at),
            location=training.place or training.online_url or None,
            description=description,
            url=url,
        )
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if not cancelled:
            event.add_component(
                _alarm(TRAINING_ALARM, _("Morgen: %(title)s") % {"title": training.title})
            )
        events.append(event)
    return events


def _sessions(training: Training) -> list[TrainingSession]:
    """Sessions by start (uses a prefetch when there is one)."""
    return sorted(training.sessions.all(), key=lambda s: (s.starts_at, s.pk))


def training_ics(training: Training) -> bytes:
    """The .ics of one training: every session as an event, in Europe/Berlin time."""
    events = _training_events(training, _sessions(training))
    return _calendar(events, name=training.title, stamp=timezone.now())


# --- Assignments -----------------------------------------------------------------------------


def _assignment_text(assignment: Assignment) -> tuple[str, str, str, str]:
    """Summary, location, description and URL of an assignment's events."""
    help_request = assignment.help_request
    url = _site(reverse("volunteers:help_request_detail", args=[help_request.pk]))
    summary = _("Einsatz: %(title)s") % {"title": help_request.title}
    # The address is shown to confirmed helpers only, which the feed's owner is.
    location = help_request.address or help_request.place or help_request.town.name
    description = f"{help_request.organisation.name}\n\n{url}"
    return summary, location, description, url


def _weekly_events(assignment: Assignment, *, today: dt.date) -> list[Event]:
    """One weekly recurring event per chosen slot, from the week the assignment was confirmed
    (or today) until the request's "open until" date (inclusive, local)."""
    help_request = assignment.help_request
    summary, location, description, url = _assignment_text(assignment)
    since = timezone.localdate(assignment.confirmed_at) if assignment.confirmed_at else today
    # RFC 5545: with a TZID start, UNTIL is given in UTC.
    until = dt.datetime.combine(help_request.open_until, dt.time(23, 59, 59), BERLIN).astimezone(
        dt.UTC
    )
    events = []
    for weekday in range(7):
        for part, (start_time, end_time) in SLOT_HOURS.items():
            bit = weekday * 3 + part
            if not help_request.weekly_slots & (1 << bit):
                continue
            first_day = since + dt.timedelta(days=(weekday - since.weekday()) % 7)
            if first_day > help_request.open_until:
                continue
            event = Event.new(
                uid=assignment_uid(assignment.pk, bit),
                summary=summary,
                start=dt.datetime.combine(first_day, start_time, BERLIN),
                end=dt.datetime.combine(first_day, end_time, BERLIN),
                location=location,
                description=description,
                url=url,
            )
            event.add("rrule", {"freq": "weekly", "until": until})
            event.add("status", "CONFIRMED")
            event.add_component(_alarm(ASSIGNMENT_ALARM, summary))
            events.append(event)
    return events


def _assignment_events(assignment: Assignment, *, today: dt.date) -> list[Event]:
    """A one-off assignment as a two-hour event, a weekly one per slot; flexible ones have no
    date to put in a calendar."""
    help_request = assignment.help_request
    if help_request.schedule == HelpRequest.Schedule.WEEKLY:
        return _weekly_events(assignment, today=today)
    if help_request.schedule != HelpRequest.Schedule.ONCE or help_request.starts_at is None:
        return []
    summary, location, description, url = _assignment_text(assignment)
    start = _local(help_request.starts_at)
    event = Event.new(
        uid=assignment_uid(assignment.pk),
        summary=summary,
        start=start,
        end=start + ONCE_DURATION,
        location=location,
        description=description,
        url=url,
    )
    event.add("status", "CONFIRMED")
    event.add_component(_alarm(ASSIGNMENT_ALARM, summary))
    return [event]


# --- The personal feed -----------------------------------------------------------------------


def feed_items(*, user: User, now: dt.datetime) -> tuple[list[Registration], list[Assignment]]:
    """The user's confirmed registrations (with training and sessions) and confirmed
    assignments (with request, organisation and town) of the last year and the future.
    Three queries, whatever the number of items."""
    since = now - FEED_HISTORY
    registrations = list(
        Registration.objects.filter(
            volunteer=user,
            status=Registration.Status.CONFIRMED,
            training__status__in=[Training.Status.PUBLISHED, Training.Status.CANCELLED],
            training__first_starts_at__gte=since,
        )
        .select_related("training")
        .prefetch_related("training__sessions")
        .order_by("training__first_starts_at", "pk")
    )
    assignments = [
        assignment
        for assignment in Assignment.objects.filter(
            volunteer=user,
            status=Assignment.Status.CONFIRMED,
            help_request__status__in=FEED_REQUEST_STATUSES,
            help_request__schedule__in=[HelpRequest.Schedule.ONCE, HelpRequest.Schedule.WEEKLY],
        )
        .select_related("help_request__organisation", "help_request__town")
        .order_by("pk")
        if _assignment_recent(assignment.help_request, since)
    ]
    return registrations, assignments


def _assignment_recent(help_request: HelpRequest, since: dt.datetime) -> bool:
    if help_request.schedule == HelpRequest.Schedule.ONCE:
        return help_request.starts_at is not None and help_request.starts_at >= since
    return help_request.open_until >= timezone.localdate(since)


def feed_ics(*, user: User, now: dt.datetime | None = None) -> bytes:
    """The personal calendar of a volunteer, in their language."""
    now = now or timezone.now()
    registrations, assignments = feed_items(user=user, now=now)
    today = timezone.localdate(now)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        events: list[Event] = []
        for registration in registrations:
            training = registration.training
            events.extend(_training_events(training, _sessions(training)))
        for assignment in assignments:
            events.extend(_assignment_events(assignment, today=today))
        name = _("Ehrenamt: %(site)s") % {"site": settings.KI_SHORT_NAME}
        return _calendar(events, name=name, stamp=now, refresh=FEED_REFRESH)


def calendar_feed_user(token: str) -> User | None:
    """The active account a feed token belongs to; None for unknown or reset tokens."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    return feed.user if feed is not None else None


def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    """The user's feed, created with a fresh token on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once (for a leaked link)."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = calendar_token()
        feed.save(update_fields=["token"])
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return _site(reverse("volunteers:calendar_feed", args=[feed.token]))


def webcal_url(feed: CalendarFeed) -> str:
    """The same address with the webcal:// scheme, which opens the subscribe dialogue of the
    calendar app on most systems."""
    url = feed_url(feed)
    return "webcal://" + url.split("://", 1)[1]
