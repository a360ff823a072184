"""Trainings of the KI (KOMM-AN building block D): sessions, registrations with a waiting list,
reminder rules, attendance and the Teilnahmebescheinigung.

Seats: a training's `seats_taken` counts confirmed registrations and open offers (an offered
seat is held for the person in line). Services lock the training row before they count or
change it; the CHECK constraint seats_taken <= capacity is the backstop.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from volunteers.languages import language_name

ACTIVE_REGISTRATION_STATUSES = ["confirmed", "waitlisted", "offered"]


class Qualification(models.Model):
    """What completing a training proves ("Sprachmittlung Grundkurs", "Kinderschutz"). Help
    requests can require one; matching then suggests only volunteers who have it."""

    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name_de = models.CharField(_("Name (Deutsch)"), max_length=120)
    name_en = models.CharField(_("Name (Englisch)"), max_length=120)

    class Meta:
        verbose_name = _("Qualifikation")
        verbose_name_plural = _("Qualifikationen")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name_de

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


class Training(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")
        CANCELLED = "cancelled", _("abgesagt")

    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED, Status.CANCELLED},
        Status.PUBLISHED: {Status.CANCELLED},
        Status.CANCELLED: set(),
    }

    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=10000)
    place = models.CharField(_("Ort"), max_length=300, blank=True)
    online_url = models.URLField(_("Online-Link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("Plätze"))
    seats_taken = models.PositiveSmallIntegerField(default=0, editable=False)
    registration_opens_at = models.DateTimeField(_("Anmeldung ab"))
    registration_closes_at = models.DateTimeField(_("Anmeldung bis"))
    cancellation_deadline = models.DateTimeField(_("Abmeldung bis"))
    language = models.CharField(_("Sprache"), max_length=8, default="de")
    target_group = models.CharField(_("Zielgruppe"), max_length=300, blank=True)
    hours_credited = models.DecimalField(
        _("Anrechenbare Stunden"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    qualification = models.ForeignKey(
        Qualification,
        verbose_name=_("Qualifikation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
    )
    # The waiting list: how long an offered seat is held, and how close to the start no seat
    # is offered any more (volunteers.services.trainings).
    offer_hours = models.PositiveSmallIntegerField(_("Angebot gilt (Stunden)"), default=48)
    last_offer_hours_before_start = models.PositiveSmallIntegerField(
        _("Keine Nachrücker ab (Stunden vor Beginn)"), default=12
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    first_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Schulung")
        verbose_name_plural = _("Schulungen")
        ordering = ["first_starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="training_capacity"),
            # The backstop for "never more confirmed registrations than capacity".
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")),
                name="training_not_overbooked",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="training_registration_window",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "cancelled"]),
                name="training_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "first_starts_at"], name="training_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    @property
    def language_name(self) -> str:
        return language_name(self.language)


class TrainingSession(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.training} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at) / dt.timedelta(hours=1)).quantize(
            Decimal("0.01")
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("angemeldet")
        WAITLISTED = "waitlisted", _("auf der Warteliste")
        OFFERED = "offered", _("Platz angeboten")
        CANCELLED = "cancelled", _("abgemeldet")
        OFFER_DECLINED = "offer_declined", _("Angebot abgelehnt")
        OFFER_EXPIRED = "offer_expired", _("Angebot abgelaufen")

    TRANSITIONS = {
        Status.CONFIRMED: {Status.CANCELLED},
        Status.WAITLISTED: {Status.OFFERED, Status.CANCELLED},
        Status.OFFERED: {
            Status.CONFIRMED,
            Status.OFFER_DECLINED,
            Status.OFFER_EXPIRED,
            Status.CANCELLED,
        },
        Status.CANCELLED: set(),
        Status.OFFER_DECLINED: set(),
        Status.OFFER_EXPIRED: set(),
    }

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="registrations")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations"
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices)
    # The waiting list is strictly first come, first served: by `queued_at`, then id. Staff
    # moving someone up set an earlier queued_at (with a logged reason).
    queued_at = models.DateTimeField(default=timezone.now)
    registered_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "volunteer"],
                condition=models.Q(status__in=ACTIVE_REGISTRATION_STATUSES),
                name="registration_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "confirmed",
                        "waitlisted",
                        "offered",
                        "cancelled",
                        "offer_declined",
                        "offer_expired",
                    ]
                ),
                name="registration_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["training", "status", "queued_at"], name="registration_queue_idx"),
            models.Index(
                fields=["offer_expires_at"],
                condition=models.Q(status="offered"),
                name="registration_offer_expiry_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.training}"


class ReminderRule(models.Model):
    """Send a reminder `days_before` the first session, at `at_time` Europe/Berlin."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="reminder_rules")
    days_before = models.PositiveSmallIntegerField(_("Tage vorher"), default=2)
    at_time = models.TimeField(_("Uhrzeit"), default=dt.time(9, 0))

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        ordering = ["-days_before", "at_time", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "days_before", "at_time"], name="reminder_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.training}: {self.days_before} d, {self.at_time:%H:%M}"


class Attendance(models.Model):
    """Whether a confirmed participant was at one session (absent = a no-show)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("anwesend"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        constraints = [
            models.UniqueConstraint(fields=["session", "registration"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.session}: {'present' if self.present else 'absent'}"


def certificate_code() -> str:
    """A human-readable verification code: 12 characters of an alphabet without look-alikes
    (no 0/O, 1/I/L), in groups of four: "K7QM-4TXR-9HCW" (about 60 bits)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


class TrainingCertificate(models.Model):
    """A Teilnahmebescheinigung: stored with its SHA-256, re-rendered only when missing."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("Prüfcode"), max_length=14, unique=True, default=certificate_code)
    # What the public verification page shows (kept here: it must not change afterwards).
    holder_name = models.CharField(_("Name"), max_length=200)
    training_title = models.CharField(_("Schulung"), max_length=200)
    training_dates = models.CharField(_("Datum"), max_length=200)
    hours = models.DecimalField(_("Stunden"), max_digits=5, decimal_places=2)
    pdf = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(_("Grund des Widerrufs"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Teilnahmebescheinigung")
        verbose_name_plural = _("Teilnahmebescheinigungen")
        ordering = ["-issued_at", "pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CertificateJob(models.Model):
    """Issuing the certificates of a whole training in the background, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="certificate_jobs"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # Of this run only: the training's certificates that still lacked their PDF when it
    # started (`total`) and how many of them it has stored and sent since (`done`).
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Certificates of the training that had their PDF before this run (not counted above).
    sent_before = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Bescheinigungslauf")
        verbose_name_plural = _("Bescheinigungsläufe")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.training}: {self.done}/{self.total} ({self.status})"


def calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a volunteer's personal calendar (trainings and confirmed
    assignments). Resetting it gives a new token; the old address stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Kalender-Abo")
        verbose_name_plural = _("Kalender-Abos")

    def __str__(self) -> str:
        return f"calendar of {self.user}"
