"""Towns (reference data), volunteer profiles and organisations.

This is the foundation: the volunteers issue adds onboarding fields, help requests, assignments
and hours on top of these tables.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Town(models.Model):
    """A municipality of the district, loaded from the deployment's reference data."""

    class Kind(models.TextChoices):
        STADT = "Stadt", _("Stadt")
        GEMEINDE = "Gemeinde", _("Gemeinde")

    name = models.CharField(_("Name"), max_length=80, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    postal_codes = models.JSONField(_("Postleitzahlen"), default=list)
    latitude = models.DecimalField(_("Breitengrad"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("Längengrad"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("Stadt/Gemeinde")
        verbose_name_plural = _("Städte und Gemeinden")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VolunteerProfile(models.Model):
    """Being a volunteer. Onboarding fields arrive with the volunteers issue."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    town = models.ForeignKey(
        Town, verbose_name=_("Wohnort"), null=True, blank=True, on_delete=models.PROTECT
    )
    onboarding_completed_at = models.DateTimeField(
        _("Anmeldung abgeschlossen am"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("Ehrenamtsprofil")
        verbose_name_plural = _("Ehrenamtsprofile")

    def __str__(self) -> str:
        return str(self.user)


class Organisation(models.Model):
    """An initiative, Verein, Migrantenorganisation, congregation, Integrationsagentur or
    Kommune. Only verified organisations may post help requests or apply for money."""

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Initiative")
        VEREIN = "verein", _("Verein")
        MIGRANT_ORG = "migrant_org", _("Migrantenorganisation")
        CONGREGATION = "congregation", _("Religiöse Gemeinde")
        INTEGRATION_AGENCY = "integration_agency", _("Integrationsagentur")
        MUNICIPALITY = "municipality", _("Kommune")

    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=32, choices=Kind.choices)
    town = models.ForeignKey(Town, verbose_name=_("Ort"), on_delete=models.PROTECT)
    address = models.CharField(_("Anschrift"), max_length=300, blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"))
    description = models.TextField(_("Beschreibung"), blank=True)
    verified_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    created_at = models.DateTimeField(_("registriert am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "town"], name="organisation_name_town_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Membership(models.Model):
    """A coordinator of an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Koordination")
        verbose_name_plural = _("Koordinationen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"
