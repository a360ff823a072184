"""Reminders before something runs out: a volunteer's Führungszeugnis (8 weeks before) and an
open help request (3 days before its "open until" date, to its organisation's coordinators).

Both are found by a daily sweep over the database (volunteers.tasks), never as far-future ETA
tasks: a record replaced or a request extended in the meantime comes out right, because the
sweep recomputes from the current rows. Exactly once: the dedupe key names the row and the date
that runs out, so a rerun writes nothing new, while a new certificate or a new "open until" date
gets its own reminder when it comes due.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from notifications.services import dedupe_keys_taken, notify
from volunteers.matching.filters import fuehrungszeugnis_issued_after
from volunteers.models import FuehrungszeugnisRecord, HelpRequest
from volunteers.selectors import coordinators_by_organisation

if TYPE_CHECKING:
    pass

FZ_KIND = "volunteers.fuehrungszeugnis_expiring"
FZ_REMIND_DAYS = 56  # 8 weeks: time enough to apply for a new certificate
REQUEST_KIND = "volunteers.request_expiring"
REQUEST_REMIND_DAYS = 3


# --- Führungszeugnis --------------------------------------------------------------------------


def fuehrungszeugnis_last_issue_expired_by(day: dt.date) -> dt.date:
    """The latest certificate date whose record is no longer valid on `day`: records issued
    on or before it have run out by `day`, later ones are still valid (the matching's cut-off,
    which handles 29 February). Lets the sweep filter certificate_date in SQL."""
    return fuehrungszeugnis_issued_after(day)


def fuehrungszeugnis_reminder_key(record: FuehrungszeugnisRecord) -> str:
    return f"{FZ_KIND}:{record.pk}:{record.valid_until.isoformat()}"


def fuehrungszeugnis_expiring(*, today: dt.date) -> list[FuehrungszeugnisRecord]:
    """Records of active volunteers that are valid today and run out within 8 weeks
    (today < valid_until <= today + 56 days).

    A volunteer has at most one record; recording a newer certificate replaces it, so the
    row found here is always the current one."""
    return list(
        FuehrungszeugnisRecord.objects.filter(
            volunteer__is_active=True,
            certificate_date__gt=fuehrungszeugnis_last_issue_expired_by(today),
            certificate_date__lte=fuehrungszeugnis_last_issue_expired_by(
                today + dt.timedelta(days=FZ_REMIND_DAYS)
            ),
        )
        .select_related("volunteer")
        .order_by("certificate_date", "pk")
    )


def fuehrungszeugnis_reminders_send(*, today: dt.date | None = None) -> int:
    """Queue one reminder per Führungszeugnis that runs out within the next 8 weeks, to the
    volunteer only. Returns how many it queued; a second run the same day queues none."""
    today = today or timezone.localdate()
    records = fuehrungszeugnis_expiring(today=today)
    keys = {record.pk: fuehrungszeugnis_reminder_key(record) for record in records}
    taken = dedupe_keys_taken(keys.values())
    profile_url = settings.SITE_URL + reverse("volunteers:profile") + "#fuehrungszeugnis"
    queued = 0
    for record in records:
        if keys[record.pk] in taken:
            continue
        notify(
            kind=FZ_KIND,
            recipient=record.volunteer,
            dedupe_key=keys[record.pk],
            context={"valid_until": record.valid_until, "profile_url": profile_url},
        )
        queued += 1
    return queued


# --- Help requests ----------------------------------------------------------------------------


def request_expiry_reminder_key(help_request: HelpRequest, coordinator_id: int) -> str:
    return (
        f"{REQUEST_KIND}:{help_request.pk}:{help_request.open_until.isoformat()}:{coordinator_id}"
    )


def help_requests_expiring(*, today: dt.date) -> list[HelpRequest]:
    """Open requests that still need helpers and whose last open day is within 3 days
    (today <= open_until <= today + 3). Filled, closed and expired requests are left alone."""
    return list(
        HelpRequest.objects.filter(
            status=HelpRequest.Status.OPEN,
            confirmed_count__lt=F("helpers_needed"),
            open_until__gte=today,
            open_until__lte=today + dt.timedelta(days=REQUEST_REMIND_DAYS),
        )
        .select_related("organisation")
        .order_by("open_until", "pk")
    )


def _request_context(help_request: HelpRequest) -> dict:
    return {
        "request_title": help_request.title,
        "organisation": help_request.organisation.name,
        "open_until": help_request.open_until,
        "confirmed_count": help_request.confirmed_count,
        "helpers_needed": help_request.helpers_needed,
        # The edit page: "open until" is a field there, and the close button is on it.
        "request_url": settings.SITE_URL
        + reverse("volunteers:help_request_edit", args=[help_request.pk]),
    }


def request_expiry_reminders_send(*, today: dt.date | None = None) -> int:
    """Queue one reminder per coordinator for each open, not fully staffed request whose
    "open until" date is at most 3 days away. Returns how many it queued; a second run the
    same day queues none, an extended request is reminded again before its new date."""
    today = today or timezone.localdate()
    requests = help_requests_expiring(today=today)
    recipients = coordinators_by_organisation({r.organisation_id for r in requests})
    due = [
        (request_expiry_reminder_key(help_request, coordinator.pk), help_request, coordinator)
        for help_request in requests
        for coordinator in recipients.get(help_request.organisation_id, [])
    ]
    taken = dedupe_keys_taken(key for key, _request, _user in due)
    queued = 0
    for key, help_request, coordinator in due:
        if key in taken:
            continue
        notify(
            kind=REQUEST_KIND,
            recipient=coordinator,
            dedupe_key=key,
            context=_request_context(help_request),
        )
        queued += 1
    return queued
