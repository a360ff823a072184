"""The public calendar of a town's weekly offers (iCalendar, RFC 5545), built with the project's
calendar writer (volunteers.services.calendar: Europe/Berlin local times with a VTIMEZONE,
text escaped by icalendar).

Which offers: those with a weekday *and* a start time, as one weekly recurring event each
(RRULE:FREQ=WEEKLY;BYDAY=..), from the next occurrence (today if it has not started yet) until
the offer would drop out of the directory unless confirmed again (confirmed_at + HIDE_AFTER);
refreshing the feed after a confirmation extends it. Offers with free-text dates only ("jeden
1. Samstag", "nach Vereinbarung") or without a start time are left out: a calendar entry at a
guessed time would mislead, and the town page lists them. Without an end time an event lasts
DEFAULT_DURATION.

UIDs are stable per offer, so a subscribed calendar updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from icalendar import Event

from volunteers.models import Town

# The project's one iCalendar writer; it is private to its module only by name.
from volunteers.services.calendar import BERLIN
from volunteers.services.calendar import _calendar as calendar_build

from .models import HIDE_AFTER, Offer
from .selectors import offers_public

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
DEFAULT_DURATION = dt.timedelta(hours=2)
DESCRIPTION_CHARS = 300
FEED_REFRESH = dt.timedelta(hours=6)
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def offer_uid(offer_id: int) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"directory-offer-{offer_id}@{host}"


def offer_url(offer: Offer) -> str:
    return settings.SITE_URL + reverse("directory:offer", args=[offer.pk])


def _next_start(offer: Offer, now: dt.datetime) -> dt.datetime:
    """The next local start of the weekly offer at or after `now` (today if still to come)."""
    local_now = now.astimezone(BERLIN)
    days = (offer.weekday - local_now.weekday()) % 7
    start = dt.datetime.combine(local_now.date() + dt.timedelta(days=days), offer.starts_at, BERLIN)
    if start < local_now:
        start += dt.timedelta(days=7)
    return start


def _event(offer: Offer, now: dt.datetime) -> Event | None:
    if offer.weekday is None or offer.starts_at is None:
        return None
    start = _next_start(offer, now)
    end = (
        dt.datetime.combine(start.date(), offer.ends_at, BERLIN)
        if offer.ends_at
        else start + DEFAULT_DURATION
    )
    # RFC 5545: with a TZID start, UNTIL is given in UTC.
    until = (offer.confirmed_at + HIDE_AFTER).astimezone(dt.UTC).replace(microsecond=0)
    if until < start:
        return None
    url = offer_url(offer)
    parts = [offer.organisation.name, Truncator(offer.description).chars(DESCRIPTION_CHARS)]
    if offer.target_group:
        parts.append(_("Für wen: %(group)s") % {"group": offer.target_group})
    parts.append(url)
    event = Event.new(
        uid=offer_uid(offer.pk),
        summary=offer.title,
        start=start,
        end=end,
        location=offer.address,
        description="\n\n".join(parts),
        url=url,
    )
    event.add("rrule", {"freq": "weekly", "byday": BYDAY[offer.weekday], "until": until})
    event.add("status", "CONFIRMED")
    return event


def town_offers_ics(town: Town, *, now: dt.datetime | None = None) -> bytes:
    """The .ics of the town's public weekly offers (two queries)."""
    now = now or timezone.now()
    events = [e for o in offers_public(town=town) if (e := _event(o, now)) is not None]
    name = _("Angebote in %(town)s") % {"town": town.name}
    return calendar_build(events, name=name, stamp=now, refresh=FEED_REFRESH)


def town_offers_ics_filename(town: Town) -> str:
    return f"angebote-{town.slug}.ics"
