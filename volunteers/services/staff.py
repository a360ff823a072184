"""KI staff work on the volunteering side: verifying organisations, recording that a
Führungszeugnis was seen, and the audit of staff access to a volunteer's personal data.

Every service here is for KI staff with two-factor authentication and checks that itself.
Organisations and Führungszeugnis records have no status column, so their audit rows are
written here directly (backend.models.StatusChange, the same trail backend.status writes).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

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


@transaction.atomic
def organisation_verify(*, organisation: Organisation, actor: User) -> Organisation:
    """Pending -> verified: the organisation may now post help requests and apply for money.

    Sets verified_at/verified_by by a conditional UPDATE (so two staff clicking at once verify
    once), writes the audit row and puts an email to every coordinator into the outbox.
    Raises PermissionDenied (not KI staff with two-factor) and ConflictError (already
    verified; then nothing changes)."""
    _require_staff(actor)
    now = timezone.now()
    changed = Organisation.objects.filter(pk=organisation.pk, verified_at__isnull=True).update(
        verified_at=now, verified_by=actor
    )
    if not changed:
        current = Organisation.objects.filter(pk=organisation.pk).values("verified_at").first()
        if current is None:
            raise ConflictError(_("Diese Organisation gibt es nicht mehr."))
        raise ConflictError(
            _("„%(name)s“ ist bereits geprüft (am %(date)s). Es wurde nichts geändert.")
            % {
                "name": organisation.name,
                "date": formats.date_format(
                    timezone.localtime(current["verified_at"]), "SHORT_DATE_FORMAT"
                ),
            }
        )
    organisation.verified_at, organisation.verified_by = now, actor
    _audit(
        organisation, from_status=ORGANISATION_PENDING, to_status=ORGANISATION_VERIFIED, actor=actor
    )
    organisation_url = settings.SITE_URL + reverse(
        "volunteers:organisation_detail", args=[organisation.pk]
    )
    coordinators = organisation.memberships.select_related("user").filter(user__is_active=True)
    for membership in coordinators.order_by("pk"):
        notify(
            kind="volunteers.organisation_verified",
            recipient=membership.user,
            context={"organisation": organisation.name, "organisation_url": organisation_url},
            dedupe_key=f"organisation-verified:{organisation.pk}:{membership.user_id}",
        )
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
