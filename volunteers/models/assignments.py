"""Who helps where: assignments (offer or invitation, then confirmed), hours, certificates."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .help_requests import HelpRequest
from .organisations import Organisation
from .reference import Town

ACTIVE_ASSIGNMENT_STATUSES = ["invited", "offered", "confirmed"]


class Assignment(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("eingeladen")
        OFFERED = "offered", _("Hilfe angeboten")
        CONFIRMED = "confirmed", _("bestätigt")
        DECLINED = "declined", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")
        # An invitation nobody answered: its request ended, or INVITATION_EXPIRY_DAYS passed
        # (volunteers.services.assignments.invitations_expire).
        EXPIRED = "expired", _("abgelaufen")

    TRANSITIONS = {
        Status.INVITED: {Status.CONFIRMED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED},
        Status.OFFERED: {Status.CONFIRMED, Status.DECLINED, Status.WITHDRAWN},
        Status.CONFIRMED: {Status.WITHDRAWN},
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
        Status.EXPIRED: set(),
    }

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="assignments"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Offered by the volunteer themselves (not asked): does not count against the weekly
    # invitation budget. Kept apart from invited_by, which is emptied when the inviting
    # account is deleted.
    is_offer = models.BooleanField(default=False, editable=False)
    message = models.CharField(_("Nachricht"), max_length=500, blank=True)
    decline_reason = models.CharField(
        _("Grund der Absage"),
        max_length=500,
        blank=True,
        help_text=_("Freiwillig; die Initiative sieht ihn."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the assignment itself ended: withdrawn, declined or expired. An active assignment
    # also ends when its request ends (HelpRequest.ended_at).
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einsatz")
        verbose_name_plural = _("Einsätze")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["help_request", "volunteer"],
                condition=models.Q(status__in=ACTIVE_ASSIGNMENT_STATUSES),
                name="assignment_one_active_per_request",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "invited",
                        "offered",
                        "confirmed",
                        "declined",
                        "withdrawn",
                        "expired",
                    ]
                ),
                name="assignment_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "status"], name="assignment_volunteer_idx"),
            # Matching's fairness and weekly budget: who was asked in the last 7 / 30 days
            # (a range on created_at, grouped by volunteer, read from the index alone).
            models.Index(fields=["created_at", "volunteer"], name="assignment_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.help_request}"


class HoursEntry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("eingereicht")
        CONFIRMED = "confirmed", _("bestätigt")
        REJECTED = "rejected", _("abgelehnt")

    TRANSITIONS = {
        Status.SUBMITTED: {Status.CONFIRMED, Status.REJECTED},
        Status.CONFIRMED: set(),
        Status.REJECTED: set(),
    }

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="hours")
    date = models.DateField(_("Datum"))
    hours = models.DecimalField(_("Stunden"), max_digits=4, decimal_places=2)
    note = models.CharField(_("Notiz"), max_length=200, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Stunden")
        verbose_name_plural = _("Stunden")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="hours_between_0_and_24"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.hours} h"


class AnonymousHours(models.Model):
    """Confirmed hours of deleted accounts, kept only as counts per town, organisation, year."""

    town = models.ForeignKey(Town, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("Anonymisierte Stunden")
        verbose_name_plural = _("Anonymisierte Stunden")
        indexes = [models.Index(fields=["year", "town"], name="anonymous_hours_idx")]

    def __str__(self) -> str:
        return f"{self.year}: {self.hours} h"


class VolunteerCertificate(models.Model):
    """An Ehrenamtsnachweis as rendered: stored with its hash, re-rendered only when missing."""

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_certificates"
    )
    code = models.CharField(_("Prüfcode"), max_length=20, unique=True)
    # What the public check page shows, as printed (a later change of name does not alter it).
    holder_name = models.CharField(_("Name"), max_length=200, blank=True)
    total_hours = models.DecimalField(
        _("bestätigte Stunden"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    data_fingerprint = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Ehrenamtsnachweis")
        verbose_name_plural = _("Ehrenamtsnachweise")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code
