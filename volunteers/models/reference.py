"""Reference data of the deployment: towns and activity areas (loaded by load_reference)."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Town(models.Model):
    """A municipality of the district."""

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


class ActivityArea(models.Model):
    """A field of volunteer work (Sprachförderung, Begleitung zu Behörden, ...)."""

    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name_de = models.CharField(_("Name (Deutsch)"), max_length=120)
    name_en = models.CharField(_("Name (Englisch)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Tätigkeitsbereich")
        verbose_name_plural = _("Tätigkeitsbereiche")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_en if translation.get_language() == "en" else self.name_de
