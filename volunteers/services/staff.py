"""KI staff work on the volunteering side: verifying or rejecting organisations, recording that a
Führungszeugnis was seen, and the audit of staff access to a volunteer's personal data.

Every service here is for KI staff with two-factor authentication and checks that itself.
Organisations and Führungszeugnis records have no status column, so their audit rows are
written here directly (backend.models.StatusChange, the same trail backend.status writes).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from backend.conflicts import records_refusals, refuse_if_biased
from backend.errors import ConflictError, ValidationFailed
from backend.models import StatusChange
from notifications.services import notify
from volunteers.models import FuehrungszeugnisRecord, Organisation
from volunteers.permissions import is_ki_staff_with_mfa
from volunteers.selectors_staff import FZ_VALID, fuehrungszeugnis_state

if TYPE_CHECKING:
    from backend.accounts.models import User

# Audit vocabulary (StatusChange.from_status / to_status).
ORGANISATION_PENDING = "pending"
ORGANISATION_VERIFIED = "verified"
ORGANISATION_REJECTED = "rejected"
VIEWED = "viewed"


def _audit(
    subject: models.Model, *, from_status: str, to_status: str, actor: User, note: str = ""
) -> StatusChange:
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
    )


def _require_staff(actor: User) -> None:
    if not is_ki_staff_with_mfa(actor):
        raise PermissionDenied


def _organisation_url(organisation: Organisation) -> str:
    return settings.SITE_URL + reverse("volunteers:organisation_detail", args=[organisation.pk])


def _already_decided(organisation_id: int, name: str) -> ConflictError:
    current = (
        Organisation.objects.filter(pk=organisation_id).values("verified_at", "rejected_at").first()
    )
    if current is None:
        return ConflictError(_("Diese Organisation gibt es nicht mehr."))
    if current["verified_at"] is not None:
        return ConflictError(
            _("„%(name)s“ ist bereits geprüft (am %(date)s). Es wurde nichts geändert.")
            % {
                "name": name,
                "date": formats.date_format(
                    timezone.localtime(current["verified_at"]), "SHORT_DATE_FORMAT"
                ),
            }
        )
    return ConflictError(
        _("„%(name)s“ ist bereits abgelehnt (am %(date)s). Es wurde nichts geändert.")
        % {
            "name": name,
            "date": formats.date_format(
                timezone.localtime(current["rejected_at"]), "SHORT_DATE_FORMAT"
            ),
        }
    )


@records_refusals
@transaction.atomic
def organisation_verify(*, organisation: Organisation, actor: User) -> Organisation:
    """Pending (or rejected, after a correction) -> verified: the organisation may now post
    help requests and apply for money.

    Sets verified_at/verified_by by a conditional UPDATE (so two staff clicking at once verify
    once), writes the audit row and puts an email to every active coordinator into the outbox;
    `organisation.emailed` lists them afterwards (empty: nobody could be told). Raises
    PermissionDenied (not KI staff with two-factor), ConflictError (already verified; then
    nothing changes) and ConflictOfInterest (the actor is a member or the registrant; an audit
    row, nothing else changes)."""
    _require_staff(actor)
    refuse_if_biased(organisation, actor=actor, organisation=organisation)
    now = timezone.now()
    was_rejected = Organisation.objects.filter(
        pk=organisation.pk, verified_at__isnull=True, rejected_at__isnull=False
    ).exists()
    changed = Organisation.objects.filter(pk=organisation.pk, verified_at__isnull=True).update(
        verified_at=now,
        verified_by=actor,
        rejected_at=None,
        rejected_by=None,
        rejection_reason="",
    )
    if not changed:
        raise _already_decided(organisation.pk, organisation.name)
    organisation.verified_at, organisation.verified_by = now, actor
    organisation.rejected_at, organisation.rejected_by, organisation.rejection_reason = (
        None,
        None,
        "",
    )
    _audit(
        organisation,
        from_status=ORGANISATION_REJECTED if was_rejected else ORGANISATION_PENDING,
        to_status=ORGANISATION_VERIFIED,
        actor=actor,
    )
    coordinators = [
        membership.user
        for membership in organisation.memberships.select_related("user")
        .filter(user__is_active=True)
        .order_by("pk")
    ]
    for user in coordinators:
        notify(
            kind="volunteers.organisation_verified",
            recipient=user,
            context={
                "organisation": organisation.name,
                "organisation_url": _organisation_url(organisation),
            },
            dedupe_key=f"organisation-verified:{organisation.pk}:{user.pk}",
        )
    organisation.emailed = coordinators
    return organisation


REJECTION_REASON_MAX = 2000


@records_refusals
@transaction.atomic
def organisation_reject(*, organisation: Organisation, reason: str, actor: User) -> Organisation:
    """Pending -> rejected, with a reason: the organisation may not post help requests or
    apply for money, and sees the reason on its page; the person who registered it gets it by
    email (when that account is gone, the active coordinators do). `organisation.emailed`
    lists who was emailed.

    A conditional UPDATE decides once between two staff acting at the same moment; the audit
    row keeps the reason. Raises PermissionDenied, ValidationFailed (no reason, too long) and
    ConflictError (already verified or rejected; nothing changes), ConflictOfInterest (the
    actor is a member or the registrant; an audit row, nothing else changes)."""
    _require_staff(actor)
    refuse_if_biased(organisation, actor=actor, organisation=organisation)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("Bitte schreiben Sie, warum die Organisation nicht bestätigt wird."),
            field="reason",
        )
    if len(reason) > REJECTION_REASON_MAX:
        raise ValidationFailed(
            _("Der Grund ist zu lang (höchstens %(n)s Zeichen).") % {"n": REJECTION_REASON_MAX},
            field="reason",
        )
    now = timezone.now()
    changed = Organisation.objects.filter(
        pk=organisation.pk, verified_at__isnull=True, rejected_at__isnull=True
    ).update(rejected_at=now, rejected_by=actor, rejection_reason=reason)
    if not changed:
        raise _already_decided(organisation.pk, organisation.name)
    organisation.rejected_at, organisation.rejected_by = now, actor
    organisation.rejection_reason = reason
    _audit(
        organisation,
        from_status=ORGANISATION_PENDING,
        to_status=ORGANISATION_REJECTED,
        actor=actor,
        note=reason,
    )
    registrant = (
        get_user_model().objects.filter(pk=organisation.registered_by_id, is_active=True).first()
        if organisation.registered_by_id
        else None
    )
    if registrant is not None:
        recipients = [registrant]
    else:
        recipients = [
            membership.user
            for membership in organisation.memberships.select_related("user")
            .filter(user__is_active=True)
            .order_by("pk")
        ]
    stamp = f"{now.timestamp():.6f}"
    for user in recipients:
        notify(
            kind="volunteers.organisation_rejected",
            recipient=user,
            context={
                "organisation": organisation.name,
                "reason": reason,
                "organisation_url": _organisation_url(organisation),
            },
            dedupe_key=f"organisation-rejected:{organisation.pk}:{user.pk}:{stamp}",
        )
    organisation.emailed = recipients
    return organisation


def _check_fuehrungszeugnis_dates(
    *, certificate_date: dt.date, seen_on: dt.date, today: dt.date
) -> None:
    if certificate_date > today:
        raise ValidationFailed(
            _("Das Ausstellungsdatum darf nicht in der Zukunft liegen."), field="certificate_date"
        )
    if seen_on > today:
        raise ValidationFailed(
            _("Das Datum der Einsicht darf nicht in der Zukunft liegen."), field="seen_on"
        )
    if seen_on < certificate_date:
        raise ValidationFailed(
            _("Der Tag der Einsicht kann nicht vor dem Ausstellungsdatum liegen."),
            field="seen_on",
        )
    probe = FuehrungszeugnisRecord(certificate_date=certificate_date, seen_on=seen_on)
    if not probe.is_valid(today):
        raise ValidationFailed(
            _(
                "Dieses Führungszeugnis ist älter als %(years)d Jahre und damit bereits "
                "abgelaufen. Bitte ein neues Führungszeugnis vorlegen lassen."
            )
            % {"years": FuehrungszeugnisRecord.VALID_YEARS},
            field="certificate_date",
        )


@transaction.atomic
def fuehrungszeugnis_record(
    *,
    volunteer: User,
    certificate_date: dt.date,
    seen_on: dt.date,
    actor: User,
    today: dt.date | None = None,
) -> FuehrungszeugnisRecord:
    """Record that staff saw the volunteer's Führungszeugnis: only its date and the date seen
    (never a copy, never free text). Recording again replaces the record. Every recording is
    an audit row on the record (from "none"/"valid"/"expired" to "valid", the dates as note).

    Raises PermissionDenied (not KI staff with two-factor) and ValidationFailed (no volunteer
    profile; a date in the future; seen before issued; older than five years)."""
    _require_staff(actor)
    today = today or timezone.localdate()
    if not hasattr(volunteer, "volunteer_profile"):
        raise ValidationFailed(_("Diese Person hat kein Ehrenamtsprofil."))
    _check_fuehrungszeugnis_dates(certificate_date=certificate_date, seen_on=seen_on, today=today)
    # Lock the volunteer's row: two recordings at once replace one after the other instead of
    # both trying to create the one record the volunteer may have.
    type(volunteer).objects.select_for_update().filter(pk=volunteer.pk).first()
    record = FuehrungszeugnisRecord.objects.filter(volunteer=volunteer).first()
    previous = fuehrungszeugnis_state(record, on=today)
    if record is None:
        record = FuehrungszeugnisRecord(volunteer=volunteer)
    record.certificate_date = certificate_date
    record.seen_on = seen_on
    record.recorded_by = actor
    record.recorded_at = timezone.now()
    record.save()
    _audit(
        record,
        from_status=previous,
        to_status=FZ_VALID,
        actor=actor,
        note=f"certificate_date={certificate_date.isoformat()}; seen_on={seen_on.isoformat()}",
    )
    # The cached reverse relation would still say "no record" on this user object.
    volunteer.fuehrungszeugnis = record
    return record


def volunteer_access_log(*, volunteer: User, actor: User, purpose: str) -> StatusChange:
    """Audit of staff access to personal data (GDPR): one row per time a KI staff member
    opens a volunteer's personal data. The subject is the volunteer's account, `purpose` says
    which page (a URL name, never data of the volunteer)."""
    _require_staff(actor)
    return _audit(volunteer, from_status=VIEWED, to_status=VIEWED, actor=actor, note=purpose)
