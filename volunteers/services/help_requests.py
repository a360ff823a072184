"""Help requests: create, edit, open, close, and the periodic expiry."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ValidationFailed
from backend.status import transition
from volunteers.models import (
    MAX_AUTO_INVITE_BATCH,
    MAX_AUTO_INVITE_DAYS,
    MAX_HELPERS,
    HelpRequest,
    HelpRequestLanguage,
    Organisation,
)
from volunteers.permissions import can_manage_help_request, can_post_help_request

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = [
    "auto_invite_batch",
    "auto_invite_after_days",
    "title",
    "description",
    "activity_area",
    "town",
    "place",
    "address",
    "schedule",
    "starts_at",
    "weekly_slots",
    "helpers_needed",
    "requires_fuehrungszeugnis",
    "required_qualification",
    "open_until",
]


def _validate(data: dict[str, Any], *, confirmed: int = 0) -> None:
    helpers = data.get("helpers_needed", 1)
    if not 1 <= helpers <= MAX_HELPERS:
        raise ValidationFailed(
            _("Bitte zwischen 1 und %(max)d Helfende angeben.") % {"max": MAX_HELPERS},
            field="helpers_needed",
        )
    if helpers < confirmed:
        raise ValidationFailed(
            _("Es sind schon %(n)d Helfende bestätigt; weniger geht nicht.") % {"n": confirmed},
            field="helpers_needed",
        )
    batch = data.get("auto_invite_batch", 0)
    if not 0 <= batch <= MAX_AUTO_INVITE_BATCH:
        raise ValidationFailed(
            _("Bitte zwischen 0 und %(max)d angeben.") % {"max": MAX_AUTO_INVITE_BATCH},
            field="auto_invite_batch",
        )
    days = data.get("auto_invite_after_days", 3)
    if not 1 <= days <= MAX_AUTO_INVITE_DAYS:
        raise ValidationFailed(
            _("Bitte zwischen 1 und %(max)d Tagen angeben.") % {"max": MAX_AUTO_INVITE_DAYS},
            field="auto_invite_after_days",
        )
    open_until = data.get("open_until")
    if open_until is not None and open_until < timezone.localdate():
        raise ValidationFailed(
            _("Das Datum „offen bis“ liegt in der Vergangenheit."), field="open_until"
        )
    schedule = data.get("schedule", HelpRequest.Schedule.FLEXIBLE)
    if schedule == HelpRequest.Schedule.ONCE and not data.get("starts_at"):
        raise ValidationFailed(_("Bitte den Termin angeben."), field="starts_at")
    if schedule == HelpRequest.Schedule.WEEKLY and not data.get("weekly_slots"):
        raise ValidationFailed(
            _("Bitte mindestens eine wöchentliche Zeit wählen."), field="weekly_slots"
        )


def _set_languages(help_request: HelpRequest, languages: list[tuple[str, int]] | None) -> None:
    if languages is None:
        return
    help_request.languages.all().delete()
    HelpRequestLanguage.objects.bulk_create(
        HelpRequestLanguage(help_request=help_request, code=code, min_level=level)
        for code, level in dict(languages).items()
    )


@transaction.atomic
def help_request_create(
    *,
    organisation: Organisation,
    actor,
    data: dict[str, Any],
    languages: list[tuple[str, int]] | None = None,
) -> HelpRequest:
    """A draft request of a verified organisation. Raises PermissionDenied, ValidationFailed."""
    if not can_post_help_request(actor, organisation):
        raise PermissionDenied
    _validate(data)
    fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    help_request = HelpRequest.objects.create(organisation=organisation, created_by=actor, **fields)
    _set_languages(help_request, languages)
    return help_request


@transaction.atomic
def help_request_update(
    *,
    help_request: HelpRequest,
    actor,
    data: dict[str, Any],
    languages: list[tuple[str, int]] | None = None,
) -> HelpRequest:
    if not can_manage_help_request(actor, help_request):
        raise PermissionDenied
    locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if locked.status in (HelpRequest.Status.CLOSED, HelpRequest.Status.EXPIRED):
        raise ValidationFailed(_("Ein geschlossenes Hilfegesuch kann nicht geändert werden."))
    merged = {f: getattr(locked, f) for f in EDITABLE_FIELDS} | data
    _validate(merged, confirmed=locked.confirmed_count)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    changed = [name for name in data if name in EDITABLE_FIELDS]
    if changed:
        locked.save(update_fields=changed)
    _set_languages(locked, languages)
    _refresh_fill_state(locked, actor=actor)
    return locked


def _refresh_fill_state(help_request: HelpRequest, *, actor) -> None:
    """open <-> filled after helpers_needed or confirmed_count changed (row already locked)."""
    full = help_request.confirmed_count >= help_request.helpers_needed
    if full and help_request.status == HelpRequest.Status.OPEN:
        transition(help_request, to=HelpRequest.Status.FILLED, actor=actor)
    elif not full and help_request.status == HelpRequest.Status.FILLED:
        transition(help_request, to=HelpRequest.Status.OPEN, actor=actor)


@transaction.atomic
def help_request_open(*, help_request: HelpRequest, actor) -> HelpRequest:
    """Draft -> open (published). Raises PermissionDenied, InvalidTransition."""
    if not can_manage_help_request(actor, help_request):
        raise PermissionDenied
    if not help_request.organisation.is_verified:
        raise PermissionDenied
    if help_request.open_until < timezone.localdate():
        raise ValidationFailed(
            _("Das Datum „offen bis“ liegt in der Vergangenheit."), field="open_until"
        )
    transition(help_request, to=HelpRequest.Status.OPEN, actor=actor, opened_at=timezone.now())
    if help_request.auto_invite_batch:
        pk = help_request.pk
        transaction.on_commit(lambda: _enqueue_auto_invite(pk))
    return help_request


def _enqueue_auto_invite(help_request_id: int) -> None:
    """The first auto-invite batch, right after opening. A broker outage is logged, not
    raised: the hourly sweep (auto_invite_sweep_task) sends the batch then."""
    from volunteers.tasks import auto_invite_task

    try:
        auto_invite_task.delay(help_request_id)
    except Exception:  # any broker/connection failure: the sweep is the safety net
        logger.warning(
            "Could not enqueue auto-invite for request %s; the sweep will.",
            help_request_id,
            exc_info=True,
        )


@transaction.atomic
def help_request_close(*, help_request: HelpRequest, actor, note: str = "") -> HelpRequest:
    if not can_manage_help_request(actor, help_request):
        raise PermissionDenied
    transition(
        help_request,
        to=HelpRequest.Status.CLOSED,
        actor=actor,
        note=note,
        ended_at=timezone.now(),
    )
    return help_request


def help_requests_expire(*, today: dt.date | None = None) -> int:
    """Periodic: open or filled requests past their "open until" date become expired.
    Safe to run twice. Returns how many expired."""
    today = today or timezone.localdate()
    expired = 0
    overdue = HelpRequest.objects.filter(
        status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.FILLED], open_until__lt=today
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            help_request = HelpRequest.objects.select_for_update().get(pk=pk)
            if help_request.status in (HelpRequest.Status.OPEN, HelpRequest.Status.FILLED):
                transition(
                    help_request,
                    to=HelpRequest.Status.EXPIRED,
                    note="open_until passed",
                    ended_at=timezone.now(),
                )
                expired += 1
    return expired
