"""Organisations (initiatives, Vereine, ...) and their coordinators."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reference import Town


class Organisation(models.Model):
    """Registers itself; only verified organisations may post help requests or apply for money."""

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Initiative")
        VEREIN = "verein", _("Verein")
        MIGRANT_ORG = "migrant_org", _("Migrantenorganisation")
        CONGREGATION = "congregation", _("Religiöse Gemeinde")
        INTEGRATION_AGENCY = "integration_agency", _("Integrationsagentur")
        MUNICIPALITY = "municipality", _("Kommune")

    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=32, choices=Kind.choices)
    town = models.ForeignKey(
        Town, verbose_name=_("Ort"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("Anschrift"), max_length=300, blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"))
    contact_phone = models.CharField(
        _("Kontakt-Telefon"),
        max_length=40,
        blank=True,
        help_text=_("Bestätigte Helfende sehen diese Nummer."),
    )
    description = models.TextField(_("Beschreibung"), blank=True, max_length=5000)
    verified_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A registration the KI turned down, with the reason the registrant was sent. Verifying
    # it later (after a correction) clears these; the audit trail keeps the rejection.
    rejected_at = models.DateTimeField(_("abgelehnt am"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("Grund der Ablehnung"), blank=True, max_length=2000)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registriert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registriert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "town"], name="organisation_name_town_unique"),
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True) | models.Q(rejected_at__isnull=True),
                name="organisation_not_verified_and_rejected",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_rejected(self) -> bool:
        return self.rejected_at is not None and self.verified_at is None

    @property
    def is_pending(self) -> bool:
        """Registered and waiting for the KI's check (neither verified nor rejected)."""
        return self.verified_at is None and self.rejected_at is None


class Membership(models.Model):
    """A coordinator of an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Koordination")
        verbose_name_plural = _("Koordinationen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class CoordinatorInvitation(models.Model):
    """A coordinator invites another person by email; accepting creates the membership."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung zur Koordination")
        verbose_name_plural = _("Einladungen zur Koordination")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_open_once",
            ),
        ]

    def __str__(self) -> str:
        return self.email
