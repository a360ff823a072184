"""Offers not confirmed for six months are flagged to the organisation's coordinators; after
eight months the public directory hides them until confirmed (selectors.offers_public)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.services import dedupe_keys_taken, notify
from volunteers.selectors import coordinators_by_organisation

from ..models import HIDE_AFTER, REMIND_AFTER, Offer

KIND = "directory.offer_unconfirmed"


def offer_reminders_send(*, now=None) -> int:
    """Queue one reminder per coordinator and unconfirmed period; returns how many."""
    now = now or timezone.now()
    stale = list(
        Offer.objects.filter(confirmed_at__lt=now - REMIND_AFTER, hidden_at__isnull=True)
        .select_related("organisation")
        .order_by("pk")
    )
    if not stale:
        return 0
    coordinators = coordinators_by_organisation({offer.organisation_id for offer in stale})
    keys = {
        (offer.pk, user.pk): f"{KIND}:{offer.pk}:{offer.confirmed_at:%Y%m%d%H%M%S}:{user.pk}"
        for offer in stale
        for user in coordinators.get(offer.organisation_id, [])
    }
    taken = dedupe_keys_taken(keys.values())
    queued = 0
    for offer in stale:
        hidden_on = timezone.localtime(offer.confirmed_at + HIDE_AFTER).date()
        for user in coordinators.get(offer.organisation_id, []):
            key = keys[(offer.pk, user.pk)]
            if key in taken:
                continue
            notify(
                kind=KIND,
                recipient=user,
                dedupe_key=key,
                context={
                    "title": offer.title,
                    "organisation": offer.organisation.name,
                    "hidden_on": hidden_on,
                    "offer_url": settings.SITE_URL
                    + reverse("directory:offer_edit", args=[offer.pk]),
                },
            )
            queued += 1
    return queued
