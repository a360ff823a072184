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


class TownDistance(models.Model):
    """Straight-line (great-circle) distance between the reference points of two towns, in
    whole kilometres; not the distance by road.

    Every ordered pair is stored, a town with itself at 0 km included, so that matching finds a
    volunteer's distance to a request with one indexed equality join in either direction.
    Written only by services.reference.town_distances_refresh (when towns are loaded or edited).
    """

    # No index of its own: the unique constraint's index starts with from_town.
    from_town = models.ForeignKey(
        Town, on_delete=models.CASCADE, related_name="distances", db_index=False
    )
    to_town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+")
    km = models.PositiveSmallIntegerField(_("Entfernung (km)"))

    class Meta:
        verbose_name = _("Entfernung")
        verbose_name_plural = _("Entfernungen")
        constraints = [
            # Its index (from_town, to_town) is the one the matching join uses.
            models.UniqueConstraint(fields=["from_town", "to_town"], name="town_distance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.from_town_id} → {self.to_town_id}: {self.km} km"


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
