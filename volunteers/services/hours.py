"""Hours: volunteers log them per assignment, coordinators confirm or reject them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from backend.conflicts import OWN_HOURS, records_refusals, refuse
from backend.errors import DomainError, InvalidTransition, ValidationFailed
from backend.status import transition
from notifications.services import notify
from volunteers.models import Assignment, HoursEntry
from volunteers.permissions import can_review_hours

MIN_HOURS = Decimal("0.25")
MAX_HOURS_PER_DAY = Decimal(24)


@transaction.atomic
def hours_log(*, assignment: Assignment, actor, date: dt.date, hours, note: str = "") -> HoursEntry:
    """Raises PermissionDenied (not the volunteer's assignment) and ValidationFailed (future
    date, a date before the assignment was confirmed or before the help request began, not
    more than 0, over 24 hours that day, assignment never confirmed). A wrong date and hours
    out of range are named together (`errors`), so a form shows both."""
    if actor.pk != assignment.volunteer_id:
        raise PermissionDenied
    # The stored row, not the caller's copy: when it was confirmed decides which days count.
    assignment = Assignment.objects.select_related("help_request").get(pk=assignment.pk)
    if assignment.confirmed_at is None:
        raise ValidationFailed(_("Stunden können erst nach der Zusage eingetragen werden."))
    problems: dict[str, list[str]] = {}
    if date > timezone.localdate():
        problems["date"] = [_("Stunden in der Zukunft können nicht eingetragen werden.")]
    elif (too_early := _too_early(assignment, date)) is not None:
        problems["date"] = [too_early]
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.01"))
    except InvalidOperation:
        problems["hours"] = [_("Bitte eine Zahl angeben.")]
    else:
        if not hours.is_finite() or hours < MIN_HOURS or hours > MAX_HOURS_PER_DAY:
            problems["hours"] = [_("Bitte zwischen 0,25 und 24 Stunden angeben.")]
    if problems:
        field, [message] = next(iter(problems.items()))
        raise ValidationFailed(message, field=field, errors=problems if len(problems) > 1 else None)
    # Lock the volunteer's row so two parallel entries cannot both pass the daily sum check.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
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


def _help_request_began(assignment: Assignment) -> dt.date:
    """The first day of the help request: its appointment when it has one, else the day it
    was first open (published), else the day it was made."""
    help_request = assignment.help_request
    began = help_request.starts_at or help_request.opened_at or help_request.created_at
    return timezone.localdate(began)


def _too_early(assignment: Assignment, date: dt.date) -> str | None:
    """Why hours on `date` cannot count: before the assignment was confirmed or before the
    help request began (the later of both is named)."""
    confirmed_on = timezone.localdate(assignment.confirmed_at)
    began_on = _help_request_began(assignment)
    if date < began_on and began_on > confirmed_on:
        return _(
            "Stunden vor dem Beginn des Hilfegesuchs (%(date)s) können nicht eingetragen werden."
        ) % {"date": formats.date_format(began_on, "SHORT_DATE_FORMAT")}
    if date < confirmed_on:
        return _(
            "Stunden vor der Zusage für diesen Einsatz (%(date)s) können nicht eingetragen werden."
        ) % {"date": formats.date_format(confirmed_on, "SHORT_DATE_FORMAT")}
    return None


def _review(entry: HoursEntry, actor, to: str) -> HoursEntry:
    if not can_review_hours(actor, entry):
        raise PermissionDenied
    if entry.assignment.volunteer_id == actor.pk:
        refuse(
            entry,
            actor=actor,
            rule=OWN_HOURS,
            message=_(
                "Interessenkonflikt: Eigene Stunden bestätigt oder lehnt eine andere Person "
                "der Koordination ab, nicht Sie selbst."
            ),
        )
    transition(entry, to=to, actor=actor, reviewed_by=actor, reviewed_at=timezone.now())
    return entry


@records_refusals
@transaction.atomic
def hours_confirm(*, entry: HoursEntry, actor) -> HoursEntry:
    _review(entry, actor, HoursEntry.Status.CONFIRMED)
    notify(
        kind="volunteers.hours_confirmed",
        recipient=entry.assignment.volunteer,
        # The date and the number are formatted in the volunteer's language when the email is
        # rendered (notifications/values.py); the link is where the email's button leads.
        context={
            "date": entry.date,
            "hours": entry.hours,
            "request_title": entry.assignment.help_request.title,
            "dashboard_url": settings.SITE_URL + reverse("volunteers:dashboard"),
        },
        dedupe_key=f"hours-confirmed:{entry.pk}",
    )
    return entry


@records_refusals
@transaction.atomic
def hours_reject(*, entry: HoursEntry, actor) -> HoursEntry:
    return _review(entry, actor, HoursEntry.Status.REJECTED)


@dataclass
class HoursConfirmations:
    """What confirming several entries at once did: which were confirmed, which not and
    why."""

    confirmed: list[HoursEntry] = field(default_factory=list)
    refused: list[tuple[HoursEntry, str]] = field(default_factory=list)  # (entry, message)


def _refusal(entry: HoursEntry, exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return _("Sie dürfen diese Stunden nicht bestätigen.")
    if isinstance(exc, InvalidTransition):
        status = HoursEntry.objects.filter(pk=entry.pk).values_list("status", flat=True).first()
        if status == HoursEntry.Status.CONFIRMED:
            return _("Diese Stunden wurden inzwischen schon bestätigt.")
        if status == HoursEntry.Status.REJECTED:
            return _("Diese Stunden wurden inzwischen abgelehnt.")
    return getattr(exc, "message", None) or _("Diese Stunden können nicht bestätigt werden.")


def hours_confirm_many(*, entries: list[HoursEntry], actor) -> HoursConfirmations:
    """Confirm the entries the coordinator saw ("Alle bestätigen"), each through
    hours_confirm in its own transaction: an entry that cannot be confirmed (answered by a
    colleague meanwhile, not the actor's to review, the actor's own hours) does not stop the
    others and is returned with the reason. Nothing is refused silently."""
    result = HoursConfirmations()
    for entry in entries:
        try:
            result.confirmed.append(hours_confirm(entry=entry, actor=actor))
        except (DomainError, PermissionDenied) as exc:
            result.refused.append((entry, _refusal(entry, exc)))
    return result


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
    """Whether confirmed hours meet the Ehrenamtskarte NRW thresholds over the last
    EHRENAMTSKARTE_YEARS years, counted back from today (a rolling window, so the unfinished
    calendar year does not count against anyone): at least the hours per year in each
    12-month slice, or on average the hours per week over the whole window."""
    today = today or timezone.localdate()
    years = settings.EHRENAMTSKARTE_YEARS
    slices = []
    for offset in range(years):
        end = today - dt.timedelta(weeks=52 * offset)
        start = end - dt.timedelta(weeks=52)
        total = HoursEntry.objects.filter(
            assignment__volunteer=volunteer,
            status=HoursEntry.Status.CONFIRMED,
            date__gt=start,
            date__lte=end,
        ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
        slices.append({"from": start + dt.timedelta(days=1), "to": end, "hours": total})
    total = sum((s["hours"] for s in slices), Decimal(0))
    weekly_average = total / Decimal(52 * years)
    meets_yearly = all(s["hours"] >= settings.EHRENAMTSKARTE_HOURS_PER_YEAR for s in slices)
    meets_weekly = weekly_average >= settings.EHRENAMTSKARTE_HOURS_PER_WEEK
    return {
        "slices": slices,
        "total": total,
        "weekly_average": weekly_average.quantize(Decimal("0.1")),
        "threshold_per_year": settings.EHRENAMTSKARTE_HOURS_PER_YEAR,
        "threshold_per_week": settings.EHRENAMTSKARTE_HOURS_PER_WEEK,
        "years": years,
        "eligible": meets_yearly or meets_weekly,
    }
