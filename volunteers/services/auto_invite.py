"""Auto-invite: a request that asks for it invites the best suggestions itself.

When the request opens, the top `auto_invite_batch` eligible volunteers are invited; while it
is open and not filled, the next batch every `auto_invite_after_days` days. The matching's hard
filters leave out everyone already asked about the request and everyone whose weekly
invitation budget is used up, and assignment_invite checks the budget again under a lock, so
nobody is flooded. The invitations are sent in the name of the coordinator who created the
request (or, if that account is gone, the organisation's longest-serving coordinator).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from backend.errors import DomainError
from volunteers.matching import suggest_volunteers
from volunteers.models import HelpRequest, Membership

from .assignments import assignment_invite


def _sender(help_request: HelpRequest):
    memberships = Membership.objects.filter(organisation=help_request.organisation_id)
    if help_request.created_by_id and memberships.filter(user=help_request.created_by_id).exists():
        return help_request.created_by
    first = memberships.select_related("user").order_by("created_at", "pk").first()
    return first.user if first is not None else None


def _is_due(help_request: HelpRequest, now: dt.datetime) -> bool:
    last = help_request.auto_invited_at
    return last is None or last <= now - dt.timedelta(days=help_request.auto_invite_after_days)


def auto_invite_due(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of open requests with auto-invite whose next batch is due: never invited yet, or
    the last batch is `auto_invite_after_days` old. (Few rows, through a partial index; the
    day arithmetic is done here because SQLite cannot multiply intervals.)"""
    now = now or timezone.now()
    candidates = HelpRequest.objects.filter(
        status=HelpRequest.Status.OPEN, auto_invite_batch__gt=0, opened_at__isnull=False
    ).only("pk", "auto_invited_at", "auto_invite_after_days")
    return [r.pk for r in candidates.order_by("pk") if _is_due(r, now)]


def auto_invite_batch(*, help_request_id: int, now: dt.datetime | None = None) -> int:
    """Invite the next batch for one request, if it is due. Returns how many were invited.

    The request row is locked and the due condition checked again, so two workers running
    this at once invite one batch, not two."""
    now = now or timezone.now()
    with transaction.atomic():
        help_request = (
            HelpRequest.objects.select_for_update(of=("self",))
            .select_related("organisation", "created_by")
            .filter(pk=help_request_id, status=HelpRequest.Status.OPEN)
            .first()
        )
        if help_request is None or help_request.auto_invite_batch == 0:
            return 0
        if not _is_due(help_request, now):
            return 0
        sender = _sender(help_request)
        invited = 0
        if sender is not None:
            for suggestion in suggest_volunteers(
                help_request, limit=help_request.auto_invite_batch
            ):
                try:
                    assignment_invite(
                        help_request=help_request, volunteer=suggestion.item.user, actor=sender
                    )
                except DomainError:
                    continue  # e.g. the budget ran out since the ranking: the next batch
                invited += 1
        help_request.auto_invited_at = now
        help_request.save(update_fields=["auto_invited_at"])
    return invited
