"""Trainings: creating and publishing them, registration, the waiting list and its offers,
moving someone up, attendance.

Seats. `Training.seats_taken` counts confirmed registrations and open offers. Every change of
it happens with the training row locked (SELECT ... FOR UPDATE) and re-read, so 200 people
clicking in the same second are counted one after the other; the CHECK constraint
seats_taken <= capacity is the backstop.

The waiting list is strictly first come, first served (queued_at, then id). A freed seat goes
to the first in line as an offer that holds the seat for `offer_hours` (shorter when the
training is close: never past `last_offer_hours_before_start` before the start); an offer that
expires or is declined passes the seat to the next. From `last_offer_hours_before_start` on, no
seat is offered any more. Staff may move someone up only with a written reason (audit trail).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ConflictError, InvalidTransition, ValidationFailed
from backend.models import StatusChange
from backend.status import transition
from notifications.services import notify
from volunteers.models import (
    ACTIVE_REGISTRATION_STATUSES,
    Attendance,
    Registration,
    Training,
    TrainingSession,
)
from volunteers.permissions import is_ki_staff_with_mfa

OFFER_SALT = "volunteers.training-offer"
ACTIVE = ACTIVE_REGISTRATION_STATUSES


def _require_staff(actor) -> None:
    if not is_ki_staff_with_mfa(actor):
        raise PermissionDenied


def _site(path: str) -> str:
    return settings.SITE_URL + path


def training_url(training: Training) -> str:
    return _site(reverse("volunteers:training_detail", args=[training.pk]))


# --- Staff: trainings and sessions ----------------------------------------------------------


def _check_training(data: dict[str, Any], sessions: list[tuple[dt.datetime, dt.datetime]]):
    if not sessions:
        raise ValidationFailed(_("Bitte mindestens einen Termin angeben."), field="sessions")
    for starts_at, ends_at in sessions:
        if ends_at <= starts_at:
            raise ValidationFailed(_("Ein Termin endet vor seinem Beginn."), field="sessions")
    opens, closes = data["registration_opens_at"], data["registration_closes_at"]
    if closes <= opens:
        raise ValidationFailed(
            _("Das Ende der Anmeldung muss nach ihrem Beginn liegen."),
            field="registration_closes_at",
        )
    first = min(starts for starts, _ends in sessions)
    if closes > first:
        raise ValidationFailed(
            _("Die Anmeldung muss vor dem ersten Termin enden."), field="registration_closes_at"
        )
    if data["cancellation_deadline"] > first:
        raise ValidationFailed(
            _("Die Abmeldefrist muss vor dem ersten Termin liegen."),
            field="cancellation_deadline",
        )
    if not data.get("place") and not data.get("online_url"):
        raise ValidationFailed(_("Bitte einen Ort oder einen Online-Link angeben."), field="place")


TRAINING_FIELDS = [
    "title",
    "description",
    "place",
    "online_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "language",
    "target_group",
    "hours_credited",
    "qualification",
    "offer_hours",
    "last_offer_hours_before_start",
]


def _set_sessions(training: Training, sessions: list[tuple[dt.datetime, dt.datetime]]) -> None:
    training.sessions.all().delete()
    TrainingSession.objects.bulk_create(
        TrainingSession(training=training, starts_at=s, ends_at=e) for s, e in sorted(sessions)
    )
    training.first_starts_at = min(s for s, _e in sessions)
    training.save(update_fields=["first_starts_at"])


@transaction.atomic
def training_create(
    *, actor, data: dict[str, Any], sessions: list[tuple[dt.datetime, dt.datetime]]
) -> Training:
    """A draft training with its sessions and the default reminder (2 days before, 09:00)."""
    _require_staff(actor)
    _check_training(data, sessions)
    fields = {k: v for k, v in data.items() if k in TRAINING_FIELDS}
    training = Training.objects.create(created_by=actor, **fields)
    _set_sessions(training, sessions)
    training.reminder_rules.create(days_before=2, at_time=dt.time(9, 0))
    return training


@transaction.atomic
def training_update(
    *,
    training: Training,
    actor,
    data: dict[str, Any],
    sessions: list[tuple[dt.datetime, dt.datetime]] | None = None,
) -> Training:
    """Change a training. The capacity cannot go below the seats taken (confirmed and
    offered); more capacity offers the new seats to the waiting list at once."""
    _require_staff(actor)
    locked = Training.objects.select_for_update().get(pk=training.pk)
    if locked.status == Training.Status.CANCELLED:
        raise InvalidTransition(_("Eine abgesagte Schulung kann nicht geändert werden."))
    current = list(locked.sessions.values_list("starts_at", "ends_at"))
    merged = {f: getattr(locked, f) for f in TRAINING_FIELDS} | data
    _check_training(merged, sessions if sessions is not None else current)
    capacity = merged["capacity"]
    if capacity < locked.seats_taken:
        raise ValidationFailed(
            _(
                "Es sind schon %(n)d Plätze vergeben (angemeldet oder angeboten); weniger "
                "Plätze gehen nicht."
            )
            % {"n": locked.seats_taken},
            field="capacity",
        )
    for name in TRAINING_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    locked.save()
    if sessions is not None:
        _set_sessions(locked, sessions)
    _offer_free_seats(locked)
    return locked


@transaction.atomic
def training_publish(*, training: Training, actor) -> Training:
    _require_staff(actor)
    locked = Training.objects.select_for_update().get(pk=training.pk)
    transition(locked, to=Training.Status.PUBLISHED, actor=actor)
    return locked


@transaction.atomic
def training_cancel(*, training: Training, actor, reason: str) -> Training:
    """Cancel the training; everybody registered, waiting or offered is told."""
    _require_staff(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Bitte einen Grund angeben."), field="reason")
    locked = Training.objects.select_for_update().get(pk=training.pk)
    transition(locked, to=Training.Status.CANCELLED, actor=actor, note=reason)
    now = timezone.now()
    for registration in locked.registrations.filter(status__in=ACTIVE).select_related("volunteer"):
        notify(
            kind="volunteers.training_cancelled",
            recipient=registration.volunteer,
            context={"title": locked.title, "reason": reason, "url": training_url(locked)},
            dedupe_key=f"training-cancelled:{registration.pk}",
        )
    locked.registrations.filter(status__in=ACTIVE).update(
        status=Registration.Status.CANCELLED, ended_at=now
    )
    locked.seats_taken = 0
    locked.save(update_fields=["seats_taken"])
    return locked


# --- Registration ---------------------------------------------------------------------------


def _locked(training: Training) -> Training:
    return Training.objects.select_for_update().get(pk=training.pk)


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waiting."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        training=registration.training_id, status=Registration.Status.WAITLISTED
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


@transaction.atomic
def registration_create(*, training: Training, volunteer, now: dt.datetime | None = None):
    """Register for a published training while registration is open: a seat if one is left,
    else a place on the waiting list (with the position in the confirmation email). One
    active registration per volunteer and training. Raises ValidationFailed, ConflictError."""
    profile = getattr(volunteer, "volunteer_profile", None)
    if profile is None or not profile.is_complete:
        raise ValidationFailed(_("Bitte vervollständigen Sie zuerst Ihr Ehrenamtsprofil."))
    locked = _locked(training)
    # The time is taken once the lock is held: the queue order is the order in which the
    # registrations were counted, so nobody gets a seat after somebody who waits.
    now = now or timezone.now()
    if locked.status != Training.Status.PUBLISHED:
        raise ConflictError(_("Für diese Schulung ist keine Anmeldung möglich."))
    if now < locked.registration_opens_at:
        raise ConflictError(_("Die Anmeldung ist noch nicht geöffnet."))
    if now >= locked.registration_closes_at:
        raise ConflictError(_("Die Anmeldung ist geschlossen."))
    seat = locked.seats_taken < locked.capacity and not _queue_exists(locked)
    status = Registration.Status.CONFIRMED if seat else Registration.Status.WAITLISTED
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                training=locked,
                volunteer=volunteer,
                status=status,
                queued_at=now,
                registered_at=now,
                confirmed_at=now if seat else None,
            )
    except IntegrityError as exc:
        raise ConflictError(_("Sie sind für diese Schulung schon angemeldet.")) from exc
    if seat:
        Training.objects.filter(pk=locked.pk).update(seats_taken=F("seats_taken") + 1)
        locked.seats_taken += 1
        notify(
            kind="volunteers.training_registered",
            recipient=volunteer,
            context=_mail_context(locked),
            dedupe_key=f"training-registered:{registration.pk}",
        )
    else:
        notify(
            kind="volunteers.training_waitlisted",
            recipient=volunteer,
            context={**_mail_context(locked), "position": waitlist_position(registration)},
            dedupe_key=f"training-waitlisted:{registration.pk}",
        )
    registration.training = locked
    return registration


def _queue_exists(training: Training) -> bool:
    """Somebody waits: a free seat is theirs, not a newcomer's. (Open offers already hold
    their seats; a free seat beside them is free.)"""
    return training.registrations.filter(status=Registration.Status.WAITLISTED).exists()


def _mail_context(training: Training) -> dict[str, Any]:
    first = training.first_starts_at
    return {
        "title": training.title,
        "starts_at": first or "",
        "place": training.place or training.online_url,
        "url": training_url(training),
    }


@transaction.atomic
def registration_cancel(*, registration: Registration, actor, now: dt.datetime | None = None):
    """The volunteer leaves: a seat (only before the cancellation deadline; it is then offered
    to the first in line), the waiting list or an offer (any time)."""
    now = now or timezone.now()
    if actor.pk != registration.volunteer_id:
        raise PermissionDenied
    locked_training = _locked(registration.training)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    held = registration.status in (Registration.Status.CONFIRMED, Registration.Status.OFFERED)
    if (
        registration.status == Registration.Status.CONFIRMED
        and now > locked_training.cancellation_deadline
    ):
        raise ConflictError(
            _(
                "Die Abmeldefrist ist vorbei. Bitte wenden Sie sich an das Kommunale "
                "Integrationszentrum."
            )
        )
    transition(registration, to=Registration.Status.CANCELLED, actor=actor, ended_at=now)
    if held:
        _free_seat(locked_training)
        _offer_free_seats(locked_training, now=now)
    return registration


def _free_seat(training: Training) -> None:
    Training.objects.filter(pk=training.pk).update(seats_taken=F("seats_taken") - 1)
    training.seats_taken -= 1


def offer_deadline(training: Training, now: dt.datetime) -> dt.datetime | None:
    """Until when an offer made now holds the seat: `offer_hours` from now, but never past
    `last_offer_hours_before_start` before the start. None when no offer may be made any more."""
    if training.first_starts_at is None:
        return None
    stop = training.first_starts_at - dt.timedelta(hours=training.last_offer_hours_before_start)
    if now >= stop:
        return None
    return min(now + dt.timedelta(hours=training.offer_hours), stop)


def _offer_free_seats(training: Training, *, now: dt.datetime | None = None) -> int:
    """Offer every free seat to the next in line (the training row is locked). Returns how
    many offers were made."""
    now = now or timezone.now()
    if training.status != Training.Status.PUBLISHED:
        return 0
    deadline = offer_deadline(training, now)
    if deadline is None:
        return 0
    made = 0
    while training.seats_taken < training.capacity:
        first = (
            training.registrations.select_for_update()
            .filter(status=Registration.Status.WAITLISTED)
            .order_by("queued_at", "pk")
            .select_related("volunteer")
            .first()
        )
        if first is None:
            break
        transition(
            first,
            to=Registration.Status.OFFERED,
            offered_at=now,
            offer_expires_at=deadline,
        )
        Training.objects.filter(pk=training.pk).update(seats_taken=F("seats_taken") + 1)
        training.seats_taken += 1
        notify(
            kind="volunteers.training_offer",
            recipient=first.volunteer,
            context={
                **_mail_context(training),
                "confirm_url": offer_url(first, "confirm"),
                "decline_url": offer_url(first, "decline"),
                "expires_at": deadline,
            },
            dedupe_key=f"training-offer:{first.pk}",
        )
        made += 1
    return made


def offer_token(registration: Registration, answer: str) -> str:
    return signing.dumps(
        {"r": registration.pk, "v": registration.volunteer_id, "x": answer}, salt=OFFER_SALT
    )


def offer_url(registration: Registration, answer: str) -> str:
    return _site(
        reverse("volunteers:training_offer_link", args=[offer_token(registration, answer)])
    )


def registration_from_offer_token(token: str) -> tuple[Registration, str]:
    """The registration and the answer ("confirm"/"decline") a link stands for. Raises
    ValidationFailed for a broken link (the offer's own expiry is checked when answering)."""
    try:
        data = signing.loads(token, salt=OFFER_SALT)
    except signing.BadSignature as exc:
        raise ValidationFailed(_("Dieser Link ist ungültig.")) from exc
    registration = (
        Registration.objects.select_related("training")
        .filter(pk=data.get("r"), volunteer_id=data.get("v"))
        .first()
    )
    if registration is None or data.get("x") not in ("confirm", "decline"):
        raise ValidationFailed(_("Dieser Link ist ungültig."))
    return registration, data["x"]


@transaction.atomic
def offer_answer(
    *, registration: Registration, answer: str, actor=None, now: dt.datetime | None = None
) -> Registration:
    """Confirm or decline an offered seat (from the email link or on the site). An expired
    offer cannot be confirmed; a declined one passes the seat to the next in line.

    `actor` None means the signed link (the volunteer's own, by construction); otherwise it
    must be the volunteer."""
    now = now or timezone.now()
    if actor is not None and actor.pk != registration.volunteer_id:
        raise PermissionDenied
    training = _locked(registration.training)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.OFFERED:
        raise ConflictError(_("Dieses Angebot ist nicht mehr offen."))
    if registration.offer_expires_at is not None and now >= registration.offer_expires_at:
        _expire(registration, training, now=now)
        raise ConflictError(
            _("Dieses Angebot ist abgelaufen. Der Platz ging an die nächste Person.")
        )
    if answer == "confirm":
        transition(registration, to=Registration.Status.CONFIRMED, confirmed_at=now)
        notify(
            kind="volunteers.training_registered",
            recipient=registration.volunteer,
            context=_mail_context(training),
            dedupe_key=f"training-registered:{registration.pk}",
        )
    else:
        transition(registration, to=Registration.Status.OFFER_DECLINED, ended_at=now)
        _free_seat(training)
        _offer_free_seats(training, now=now)
    return registration


def _expire(registration: Registration, training: Training, *, now: dt.datetime) -> None:
    transition(
        registration, to=Registration.Status.OFFER_EXPIRED, ended_at=now, note="offer expired"
    )
    _free_seat(training)
    _offer_free_seats(training, now=now)


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Periodic: offers past their time pass to the next in line. Each training is locked and
    the offer re-checked, so a second run expires nothing. Returns how many expired."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(status=Registration.Status.OFFERED, offer_expires_at__lte=now)
        .order_by("training_id", "pk")
        .values_list("training_id", "pk")
    )
    expired = 0
    for training_id, pk in list(due):
        with transaction.atomic():
            training = Training.objects.select_for_update().get(pk=training_id)
            registration = Registration.objects.select_for_update().get(pk=pk)
            if (
                registration.status == Registration.Status.OFFERED
                and registration.offer_expires_at <= now
            ):
                _expire(registration, training, now=now)
                expired += 1
    return expired


@transaction.atomic
def registration_move_up(*, registration: Registration, actor, reason: str) -> Registration:
    """Staff put a waiting person first in line, with a written reason (audit trail)."""
    _require_staff(actor)
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationFailed(
            _("Bitte begründen Sie das Vorziehen (mindestens 10 Zeichen)."), field="reason"
        )
    training = _locked(registration.training)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.WAITLISTED:
        raise ConflictError(_("Nur wer auf der Warteliste steht, kann vorgezogen werden."))
    head = training.registrations.filter(status=Registration.Status.WAITLISTED).aggregate(
        first=Min("queued_at")
    )["first"]
    registration.queued_at = min(head, registration.queued_at) - dt.timedelta(microseconds=1)
    registration.save(update_fields=["queued_at"])
    # Not a status change, but the audit trail is where it belongs: from/to "waitlisted".
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=registration.pk,
        from_status=Registration.Status.WAITLISTED,
        to_status=Registration.Status.WAITLISTED,
        actor=actor,
        note=f"moved up: {reason}",
    )
    _offer_free_seats(training)
    return registration


# --- Attendance -----------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(*, session: TrainingSession, registration: Registration, present: bool, actor):
    """Mark one participant present or absent at one session (idempotent; last mark wins)."""
    _require_staff(actor)
    if registration.training_id != session.training_id:
        raise ValidationFailed(_("Diese Anmeldung gehört zu einer anderen Schulung."))
    if registration.status != Registration.Status.CONFIRMED:
        raise ConflictError(_("Anwesenheit gibt es nur für angemeldete Teilnehmende."))
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        registration=registration,
        defaults={"present": present, "marked_by": actor, "marked_at": timezone.now()},
    )
    return attendance


def training_attendees(training: Training):
    """Confirmed registrations present at every session of the training: who gets a
    Teilnahmebescheinigung and whose training counts as completed."""
    sessions = training.sessions.count()
    return (
        training.registrations.filter(status=Registration.Status.CONFIRMED)
        .annotate(
            present_at=Count("attendances", filter=Q(attendances__present=True), distinct=True)
        )
        .filter(present_at=sessions)
        .exclude(present_at=0)
        .select_related("volunteer")
        .order_by("volunteer__full_name", "pk")
    )
