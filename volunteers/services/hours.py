"""Hours: volunteers log them per assignment, coordinators confirm or reject them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ValidationFailed
from backend.status import transition
from notifications.services import notify
from volunteers.models import Assignment, HoursEntry
from volunteers.permissions import can_review_hours

MAX_HOURS_PER_DAY = Decimal(24)


@transaction.atomic
def hours_log(*, assignment: Assignment, actor, date: dt.date, hours, note: str = "") -> HoursEntry:
    """Raises PermissionDenied (not the volunteer's assignment) and ValidationFailed (future
    date, not more than 0, over 24 hours that day, assignment never confirmed)."""
    if actor.pk != assignment.volunteer_id:
        raise PermissionDenied
    if assignment.confirmed_at is None:
        raise ValidationFailed(_("Stunden können erst nach der Zusage eingetragen werden."))
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValidationFailed(_("Bitte eine Zahl angeben."), field="hours") from exc
    if date > timezone.localdate():
        raise ValidationFailed(
            _("Stunden in der Zukunft können nicht eingetragen werden."), field="date"
        )
    if hours <= 0 or hours > MAX_HOURS_PER_DAY:
        raise ValidationFailed(_("Bitte zwischen 0,25 und 24 Stunden angeben."), field="hours")
    # Lock the volunteer's row so two parallel entries cannot both pass the daily sum check.
    type(actor).objects.select_for_update().filter(pk=actor.pk).first()
    same_day = HoursEntry.objects.filter(
        assignment__volunteer=actor,
        date=date,
        status__in=[HoursEntry.Status.SUBMITTED, HoursEntry.Status.CONFIRMED],
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if same_day + hours > MAX_HOURS_PER_DAY:
        raise ValidationFailed(
            _("An einem Tag sind höchstens 24 Stunden möglich (schon eingetragen: %(h)s).")
            % {"h": same_day},
            field="hours",
        )
    return HoursEntry.objects.create(
        assignment=assignment, date=date, hours=hours, note=note.strip()[:200]
    )


def _review(entry: HoursEntry, actor, to: str) -> HoursEntry:
    if not can_review_hours(actor, entry):
        raise PermissionDenied
    transition(entry, to=to, actor=actor, reviewed_by=actor, reviewed_at=timezone.now())
    return entry


@transaction.atomic
def hours_confirm(*, entry: HoursEntry, actor) -> HoursEntry:
    _review(entry, actor, HoursEntry.Status.CONFIRMED)
    notify(
        kind="volunteers.hours_confirmed",
        recipient=entry.assignment.volunteer,
        context={
            "date": entry.date.isoformat(),
            "hours": str(entry.hours),
            "request_title": entry.assignment.help_request.title,
        },
        dedupe_key=f"hours-confirmed:{entry.pk}",
    )
    return entry


@transaction.atomic
def hours_reject(*, entry: HoursEntry, actor) -> HoursEntry:
    return _review(entry, actor, HoursEntry.Status.REJECTED)


def hours_confirmed_per_year(*, volunteer) -> dict[int, Decimal]:
    rows = (
        HoursEntry.objects.filter(
            assignment__volunteer=volunteer, status=HoursEntry.Status.CONFIRMED
        )
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(total=Sum("hours"))
        .order_by("year")
    )
    return {row["year"]: row["total"] for row in rows}


def ehrenamtskarte_status(*, volunteer, today: dt.date | None = None) -> dict:
    """Whether confirmed hours meet the Ehrenamtskarte NRW thresholds: in each of the last
    EHRENAMTSKARTE_YEARS years at least the hours per year, or on average the hours per week
    over those years."""
    today = today or timezone.localdate()
    years = settings.EHRENAMTSKARTE_YEARS
    per_year = hours_confirmed_per_year(volunteer=volunteer)
    window = [today.year - offset for offset in range(years)]
    in_window = [per_year.get(year, Decimal(0)) for year in window]
    total = sum(in_window, Decimal(0))
    weekly_average = total / Decimal(52 * years)
    meets_yearly = all(h >= settings.EHRENAMTSKARTE_HOURS_PER_YEAR for h in in_window)
    meets_weekly = weekly_average >= settings.EHRENAMTSKARTE_HOURS_PER_WEEK
    return {
        "years": window,
        "hours_per_year": dict(zip(window, in_window, strict=True)),
        "weekly_average": weekly_average.quantize(Decimal("0.1")),
        "threshold_per_year": settings.EHRENAMTSKARTE_HOURS_PER_YEAR,
        "threshold_per_week": settings.EHRENAMTSKARTE_HOURS_PER_WEEK,
        "eligible": meets_yearly or meets_weekly,
    }
