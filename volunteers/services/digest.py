"""The weekly digest: volunteers who opted in (the DIGEST consent) get one email a week with the
new open requests that fit them, best first, each with the reasons. Nothing fits, no email.

The weekly beat task splits the recipients into chunks, one task each, so no task runs long;
the dedupe key (volunteer and ISO week) makes every chunk safe to run twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation

from backend.accounts.models import User
from notifications.services import notify
from volunteers.matching import suggest_requests
from volunteers.models import Consent, VolunteerProfile

DIGEST_REQUESTS = 5  # requests in one digest at most
DIGEST_WINDOW = dt.timedelta(days=7)
CHUNK = 100  # volunteers per task


def digest_recipients() -> list[int]:
    """Ids of volunteers who want the digest: active, onboarding complete, DIGEST consent."""
    consenting = Consent.objects.in_force().filter(user=OuterRef("user"), kind=Consent.Kind.DIGEST)
    return list(
        VolunteerProfile.objects.filter(
            Exists(consenting), user__is_active=True, onboarding_completed_at__isnull=False
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def digest_chunks(user_ids: list[int]) -> list[list[int]]:
    return [user_ids[i : i + CHUNK] for i in range(0, len(user_ids), CHUNK)]


def _week(now: dt.datetime) -> str:
    year, week, _day = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


def digest_send(*, user: User, now: dt.datetime | None = None) -> bool:
    """Put this week's digest for one volunteer into the outbox, if anything new fits.
    Returns whether a digest was queued (once per ISO week, whatever happens)."""
    now = now or timezone.now()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        found = suggest_requests(user, limit=DIGEST_REQUESTS, opened_since=now - DIGEST_WINDOW)
        if not found:
            return False
        requests = [
            {
                "title": s.item.title,
                "organisation": s.item.organisation.name,
                "town": s.item.town.name,
                "url": settings.SITE_URL
                + reverse("volunteers:help_request_detail", args=[s.item.pk]),
                "reasons": [str(reason) for reason in s.reasons],
            }
            for s in found
        ]
    notify(
        kind="volunteers.digest",
        recipient=user,
        context={
            "requests": requests,
            "list_url": settings.SITE_URL + reverse("volunteers:help_request_list"),
            "consents_url": settings.SITE_URL + reverse("volunteers:consents"),
        },
        dedupe_key=f"digest:{user.pk}:{_week(now)}",
        required_consent=Consent.Kind.DIGEST,
    )
    return True


def digest_send_chunk(*, user_ids: list[int], now: dt.datetime | None = None) -> int:
    """The digests of some volunteers; returns how many were queued."""
    users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    return sum(digest_send(user=user, now=now) for user in users)
