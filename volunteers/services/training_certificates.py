"""Teilnahmebescheinigungen: issuing them to the attendees of a training, rendering, the
background job with its progress, revoking, and looking a certificate up by its code.

Who gets one: exactly `training_attendees(training)` (confirmed and present at every session);
nobody else, ever. An attendee whose account has no name yet gets theirs once they have entered
it (the next run issues it): a certificate never names an email address in place of a person.
A certificate row is created once per registration (one-to-one) with a unique verification
code and a frozen copy of what the public page shows (name, title, dates, hours), so
later edits of the training or the account do not change an issued certificate.

Rendering is separate from creating: rows are created first (cheap, under the training's row
lock), PDFs are rendered afterwards in batches for the rows whose PDF is missing and stored
with their SHA-256. A stored PDF is never rendered again. A batch is one WeasyPrint layout
split into one standalone PDF per person (backend.documents.render_pdf_parts): one render per
person spends most of its time loading and subsetting the fonts, a batch does that once.

Every step finds its own remaining work in the database (missing rows, missing PDFs, the
email's dedupe key), so running any of it twice, in parallel or after a crash acts once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import segno
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.documents import render_pdf_parts, sha256_hex
from backend.errors import ConflictError, InvalidTransition, ValidationFailed
from backend.models import StatusChange
from notifications.services import notify
from volunteers.models import (
    CertificateJob,
    Registration,
    Training,
    TrainingCertificate,
    TrainingSession,
)
from volunteers.models.trainings import certificate_code
from volunteers.permissions import is_ki_staff_with_mfa

from .trainings import training_attendees

if TYPE_CHECKING:
    from backend.accounts.models import User

logger = logging.getLogger(__name__)

TEMPLATE = "pdf/teilnahmebescheinigung.html"
# Certificates per WeasyPrint layout: large enough that loading the fonts is paid rarely,
# small enough that a batch stays a few megabytes in memory and a few seconds of work.
RENDER_BATCH = 250
# The alphabet of volunteers.models.certificate_code: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
NOTIFICATION_KIND = "volunteers.training_certificate"
# Audit vocabulary (StatusChange.from_status / to_status) of a certificate.
CERTIFICATE_VALID = "valid"
CERTIFICATE_REVOKED = "revoked"
REVOKE_REASON_MAX = 500
DATES_MAX = 200  # TrainingCertificate.training_dates
# How long one run of the job task works before it hands the rest to a fresh task (below
# the Celery soft time limit, so a big training never hits it).
JOB_TIME_BUDGET_SECONDS = 30.0


def _require_staff(actor: User) -> None:
    if not is_ki_staff_with_mfa(actor):
        raise PermissionDenied


def _site(path: str) -> str:
    return settings.SITE_URL + path


# --- Codes and addresses ----------------------------------------------------------------------


def certificate_code_normalise(raw: str) -> str | None:
    """The canonical form ("K7QM-4TXR-9HCW") of a code as a person types it: any case,
    spaces, dashes or none. None when it cannot be a code (wrong length or a character
    outside the alphabet); callers treat that exactly like an unknown code."""
    compact = re.sub(r"[\s\-‐‑‒–—_.]", "", raw or "").upper()
    if len(compact) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in compact):
        return None
    return "-".join(compact[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def certificate_verify_url(code: str) -> str:
    """The public verification page of one code (what the QR code encodes)."""
    return _site(reverse("volunteers:certificate_verify", args=[code]))


def certificate_download_url(certificate: TrainingCertificate) -> str:
    return _site(reverse("volunteers:certificate_download", args=[certificate.pk]))


def certificate_qr_data_uri(url: str) -> str:
    """An SVG QR code of `url` as a data: URI (the PDF fetcher allows data:, nothing remote).

    Error correction "M" survives a crease or a smudge on paper; the quiet zone is part of the
    image so the code scans next to other print."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4)


def certificate_filename(certificate: TrainingCertificate) -> str:
    return f"Teilnahmebescheinigung-{certificate.code}.pdf"


# --- What a certificate says ------------------------------------------------------------------


def _dates(sessions: Sequence[TrainingSession]) -> str:
    """The session days in Europe/Berlin, e.g. "07.03.2026, 14.03.2026". Long series become
    a range with the number of sessions so the text fits the stored field."""
    days = sorted({timezone.localtime(s.starts_at).date() for s in sessions})
    listed = ", ".join(f"{day:%d.%m.%Y}" for day in days)
    if len(listed) <= DATES_MAX:
        return listed
    return f"{days[0]:%d.%m.%Y} – {days[-1]:%d.%m.%Y} ({len(sessions)})"


def _hours(training: Training, sessions: Sequence[TrainingSession]) -> Decimal:
    """The training's credited hours; when staff set none, the length of its sessions."""
    if training.hours_credited:
        return Decimal(training.hours_credited).quantize(Decimal("0.01"))
    return sum((s.hours for s in sessions), Decimal(0)).quantize(Decimal("0.01"))


def _values(certificate: TrainingCertificate, *, session_count: int) -> dict[str, Any]:
    """Plain values of one certificate for the PDF template; all of it is stored on the row
    (or derived from the code), so a re-render prints exactly what was issued."""
    verify_url = certificate_verify_url(certificate.code)
    return {
        "part_id": f"certificate-{certificate.pk}",
        "code": certificate.code,
        "name": certificate.holder_name,
        "title": certificate.training_title,
        "dates": certificate.training_dates,
        "session_count": session_count,
        "hours": certificate.hours,
        "issued_on": timezone.localdate(certificate.issued_at),
        "verify_url": verify_url,
        "qr_data_uri": certificate_qr_data_uri(verify_url),
    }


def _document_context(values: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "certificates": values,
        "verify_page_url": _site(reverse("volunteers:certificate_verify_form")),
        "ki_address": settings.KI_ADDRESS,
    }


def certificates_render(certificates: Sequence[TrainingCertificate]) -> dict[int, bytes]:
    """Render PDFs (no database writes): {certificate id: PDF bytes}, one page each.

    Grouped by the holder's language (the PDF speaks it), and within that in batches of
    RENDER_BATCH laid out together. Expects `registration__volunteer` and
    `registration__training` loaded (select_related) to stay at a fixed number of queries."""
    session_counts: dict[int, int] = {}
    rendered: dict[int, bytes] = {}

    def language(certificate: TrainingCertificate) -> str:
        return certificate.registration.volunteer.language or settings.LANGUAGE_CODE

    for lang, group in itertools.groupby(sorted(certificates, key=language), key=language):
        members = list(group)
        for start in range(0, len(members), RENDER_BATCH):
            batch = members[start : start + RENDER_BATCH]
            values = []
            for certificate in batch:
                training_id = certificate.registration.training_id
                if training_id not in session_counts:
                    session_counts[training_id] = TrainingSession.objects.filter(
                        training_id=training_id
                    ).count()
                values.append(_values(certificate, session_count=session_counts[training_id]))
            titles = {
                value["part_id"]: f"{_('Teilnahmebescheinigung')} {value['code']}"
                for value in values
            }
            with translation.override(lang):
                parts = render_pdf_parts(TEMPLATE, _document_context(values), part_titles=titles)
            for certificate, value in zip(batch, values, strict=True):
                rendered[certificate.pk] = parts[value["part_id"]]
    return rendered


def certificate_render_context(certificate: TrainingCertificate) -> dict[str, Any]:
    """The template context of one certificate alone (the one-render-per-person baseline of
    tests/bench/certificates.py renders this with backend.documents.render_pdf)."""
    count = TrainingSession.objects.filter(training_id=certificate.registration.training_id).count()
    return _document_context([_values(certificate, session_count=count)])


# --- Reads ------------------------------------------------------------------------------------


def _with_relations(queryset: QuerySet[TrainingCertificate]) -> QuerySet[TrainingCertificate]:
    return queryset.select_related("registration__volunteer", "registration__training")


def certificates_for_training(training: Training) -> QuerySet[TrainingCertificate]:
    """The training's certificates for its staff page, by holder name; the PDF column is
    deferred (a list needs no document bytes)."""
    return (
        _with_relations(TrainingCertificate.objects.filter(registration__training=training))
        .defer("pdf")
        .order_by("holder_name", "pk")
    )


def certificates_of_volunteer(user: User) -> QuerySet[TrainingCertificate]:
    """The volunteer's own certificates, newest first, without the PDF bytes."""
    return (
        TrainingCertificate.objects.filter(registration__volunteer=user)
        .defer("pdf")
        .order_by("-issued_at", "-pk")
    )


def certificate_lookup(code: str) -> TrainingCertificate | None:
    """The certificate with this code, or None (also for anything that is not a code)."""
    normalised = certificate_code_normalise(code)
    if normalised is None:
        return None
    return TrainingCertificate.objects.defer("pdf").filter(code=normalised).first()


def certificate_job_latest(training: Training) -> CertificateJob | None:
    return training.certificate_jobs.order_by("-created_at", "-pk").first()


# --- Issuing ----------------------------------------------------------------------------------


def _certificates_create_missing(*, training: Training, issued_by: User | None) -> int:
    """Create the certificate rows of attendees who have none; returns how many.

    The training row is locked so two issuers count and create one after the other; the
    one-to-one on the registration is the backstop. Codes come from certificate_code (60
    bits); a clash with an existing code is checked before inserting, and a clash inside the
    same moment retries with fresh codes."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Training.objects.select_for_update().filter(pk=training.pk).first()
                sessions = list(training.sessions.order_by("starts_at", "pk"))
                if not sessions:
                    return 0
                dates, hours = _dates(sessions), _hours(training, sessions)
                missing = list(attendees_without_certificate(training).select_related("volunteer"))
                if not missing:
                    return 0
                now = timezone.now()
                rows = [
                    TrainingCertificate(
                        registration=registration,
                        code=certificate_code(),
                        holder_name=registration.volunteer.name[:200],
                        training_title=training.title[:200],
                        training_dates=dates,
                        hours=hours,
                        issued_at=now,
                        issued_by=issued_by,
                    )
                    for registration in missing
                ]
                taken = set(
                    TrainingCertificate.objects.filter(
                        code__in=[row.code for row in rows]
                    ).values_list("code", flat=True)
                )
                codes = {row.code for row in rows}
                if taken or len(codes) != len(rows):
                    raise IntegrityError("certificate code clash")
                TrainingCertificate.objects.bulk_create(rows)
                return len(rows)
        except IntegrityError:
            logger.info("Certificate code clash for training %s; trying new codes", training.pk)
    raise RuntimeError("Could not find free certificate codes in 3 attempts.")


def _store(certificate: TrainingCertificate, pdf: bytes) -> bool:
    """Store a rendered PDF unless one is stored already, and tell the holder (once per
    certificate, by dedupe key). Returns whether this call stored it."""
    with transaction.atomic():
        stored = TrainingCertificate.objects.filter(pk=certificate.pk, pdf__isnull=True).update(
            pdf=pdf, sha256=sha256_hex(pdf)
        )
        if stored and certificate.revoked_at is None:
            volunteer = certificate.registration.volunteer
            notify(
                kind=NOTIFICATION_KIND,
                recipient=volunteer,
                context={
                    "title": certificate.training_title,
                    "code": certificate.code,
                    "download_url": certificate_download_url(certificate),
                    "list_url": _site(reverse("volunteers:my_certificates")),
                    "verify_url": certificate_verify_url(certificate.code),
                },
                dedupe_key=f"training-certificate:{certificate.pk}",
            )
    return bool(stored)


def _missing_pdfs(training: Training) -> QuerySet[TrainingCertificate]:
    return _with_relations(
        TrainingCertificate.objects.filter(registration__training=training, pdf__isnull=True)
    ).order_by("pk")


def certificates_render_missing(*, training: Training, limit: int | None = None) -> int:
    """Render, store and send the certificates of the training that have no PDF yet (at
    most `limit`, in render batches); returns how many this call stored."""
    pending = _missing_pdfs(training).defer("pdf")
    batch = list(pending[:limit] if limit is not None else pending)
    if not batch:
        return 0
    rendered = certificates_render(batch)
    return sum(_store(certificate, rendered[certificate.pk]) for certificate in batch)


def certificates_issue_for_training(*, training: Training, actor: User) -> int:
    """Issue the Teilnahmebescheinigung to every attendee who has none, render what is
    missing and email the holders; returns how many PDFs were stored. Runs in the caller's
    process: the background job (certificate_job_start) is the way for a whole course.

    Raises PermissionDenied for anyone but KI staff with two-factor authentication."""
    _require_staff(actor)
    _certificates_create_missing(training=training, issued_by=actor)
    stored = 0
    while done := certificates_render_missing(training=training, limit=RENDER_BATCH):
        stored += done
    return stored


def certificate_pdf(*, certificate: TrainingCertificate) -> bytes:
    """The stored PDF; rendered and stored only when it is missing (a job that has not got
    to it yet, or a PDF removed on purpose). The stored bytes are never replaced."""
    stored = (
        TrainingCertificate.objects.filter(pk=certificate.pk).values_list("pdf", flat=True).get()
    )
    if stored is not None:
        return bytes(stored)
    loaded = _with_relations(TrainingCertificate.objects.filter(pk=certificate.pk)).get()
    pdf = certificates_render([loaded])[loaded.pk]
    if not _store(loaded, pdf):
        # Someone stored it in the meantime: serve theirs, it is the one with the hash.
        return bytes(
            TrainingCertificate.objects.filter(pk=certificate.pk)
            .values_list("pdf", flat=True)
            .get()
        )
    return pdf


# --- Revoking ---------------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(
    *, certificate: TrainingCertificate, actor: User, reason: str
) -> TrainingCertificate:
    """Revoke a certificate with a written reason (audit trail: valid -> revoked, the reason
    as note). The public verification page then says revoked and since when; the reason is
    for the KI team only (volunteers/services/verification.py).

    Raises PermissionDenied (not KI staff with 2FA), ValidationFailed (no reason, too long),
    InvalidTransition (revoked already)."""
    _require_staff(actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_("Bitte einen Grund für den Widerruf angeben."), field="reason")
    if len(reason) > REVOKE_REASON_MAX:
        raise ValidationFailed(
            _("Der Grund darf höchstens %(n)d Zeichen lang sein.") % {"n": REVOKE_REASON_MAX},
            field="reason",
        )
    now = timezone.now()
    changed = TrainingCertificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=reason
    )
    if not changed:
        raise InvalidTransition(_("Diese Bescheinigung ist schon widerrufen."))
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(TrainingCertificate),
        object_id=certificate.pk,
        from_status=CERTIFICATE_VALID,
        to_status=CERTIFICATE_REVOKED,
        actor=actor,
        note=reason,
    )
    certificate.revoked_at, certificate.revoked_reason = now, reason
    return certificate


# --- The background job -----------------------------------------------------------------------

OPEN_JOB = [CertificateJob.Status.QUEUED, CertificateJob.Status.RUNNING]


def certificate_job_start(*, training: Training, actor: User) -> CertificateJob:
    """Start issuing a training's certificates in the background; returns the job to watch.

    A job that is still queued or running for the training is returned (and its task queued
    again, which is harmless: the work is idempotent, and it revives a job whose task was
    lost) instead of a second one. Raises PermissionDenied, ConflictError (a cancelled
    training, or no attendees to certify)."""
    from volunteers.tasks_certificates import certificate_job_task

    _require_staff(actor)
    with transaction.atomic():
        locked = Training.objects.select_for_update().get(pk=training.pk)
        if locked.status == Training.Status.CANCELLED:
            raise ConflictError(_("Für eine abgesagte Schulung gibt es keine Bescheinigungen."))
        job = locked.certificate_jobs.filter(status__in=OPEN_JOB).order_by("-pk").first()
        if job is None:
            if not training_attendees(locked).exists():
                raise ConflictError(
                    _(
                        "Es gibt noch niemanden, der an allen Terminen anwesend war. Bitte "
                        "zuerst die Anwesenheit erfassen."
                    )
                )
            # What was sent before this run is not this run's work: its progress counts
            # only the certificates it stores itself.
            sent_before = TrainingCertificate.objects.filter(
                registration__training_id=locked.pk, pdf__isnull=False
            ).count()
            job = CertificateJob.objects.create(
                training=locked, started_by=actor, sent_before=sent_before
            )
        job_id = job.pk
        transaction.on_commit(lambda: certificate_job_task.delay(job_id))
    return job


def _job_progress(job: CertificateJob) -> tuple[int, int]:
    """(total, done) of this run, from the rows themselves (so a rerun of the task never counts
    anything twice): the certificates that had no PDF when the run started, and how many of
    them have one now. Certificates sent by earlier runs are not counted."""
    certificates = TrainingCertificate.objects.filter(registration__training_id=job.training_id)
    total, done = certificates.count(), certificates.filter(pdf__isnull=False).count()
    return max(total - job.sent_before, 0), max(done - job.sent_before, 0)


def certificate_job_run(
    *, job_id: int, time_budget: float = JOB_TIME_BUDGET_SECONDS, now: dt.datetime | None = None
) -> bool:
    """Work on a job for about `time_budget` seconds; True when it has nothing left.

    Claims the job by a conditional update (queued or running -> running); a finished or
    failed job is left alone. Creates the missing rows, then renders batch after batch and
    writes the progress (`done` of `total`) after each. An error marks the job failed with a
    short message (no personal data) and is raised again for the worker's log."""
    claimed = CertificateJob.objects.filter(pk=job_id, status__in=OPEN_JOB).update(
        status=CertificateJob.Status.RUNNING
    )
    if not claimed:
        return True
    job = CertificateJob.objects.select_related("training", "started_by").get(pk=job_id)
    started = time.monotonic()
    try:
        _certificates_create_missing(training=job.training, issued_by=job.started_by)
        _job_progress_save(job)
        while certificates_render_missing(training=job.training, limit=RENDER_BATCH):
            _job_progress_save(job)
            if time.monotonic() - started >= time_budget:
                break
        finished = not _missing_pdfs(job.training).exists()
    except Exception as exc:
        CertificateJob.objects.filter(pk=job_id, status=CertificateJob.Status.RUNNING).update(
            status=CertificateJob.Status.FAILED,
            error=f"{type(exc).__name__}: {str(exc)[:300]}",
            finished_at=now or timezone.now(),
        )
        raise
    if finished:
        total, done = _job_progress(job)
        CertificateJob.objects.filter(pk=job_id, status=CertificateJob.Status.RUNNING).update(
            status=CertificateJob.Status.DONE,
            total=total,
            done=done,
            finished_at=now or timezone.now(),
        )
    return finished


def _job_progress_save(job: CertificateJob) -> None:
    total, done = _job_progress(job)
    CertificateJob.objects.filter(pk=job.pk).update(total=total, done=done)


def attendees_without_certificate(training: Training) -> QuerySet[Registration]:
    """Attendees who have no certificate yet and a name to print on it (what the next run
    would issue)."""
    return (
        training_attendees(training)
        .filter(certificate__isnull=True)
        .exclude(volunteer__first_name="", volunteer__last_name="")
    )


def attendees_without_name(training: Training) -> QuerySet[Registration]:
    """Attendees without a certificate whose account has no name yet: they get theirs once
    they have entered it."""
    return training_attendees(training).filter(
        certificate__isnull=True, volunteer__first_name="", volunteer__last_name=""
    )
