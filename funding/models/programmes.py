"""Funding programmes as data: a programme, its funding years (call, pot, caps, deadlines), the
building blocks of a year with their own pots, and fixed-amount Pauschalen.

A pot row carries its running figures (committed, paid, returned). They are changed only by
funding.services under a row lock (year row first, then block row) and a database check keeps
`committed - returned <= pot` even if a code path forgot the lock.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


def _pot_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The backstop for every pot: never more committed (net of returns) than the pot, never
    more paid or returned than committed, nothing negative."""
    return [
        models.CheckConstraint(
            condition=Q(committed__lte=F("pot") + F("returned")),
            name=f"{prefix}_committed_within_pot",
        ),
        models.CheckConstraint(
            condition=Q(pot__gte=0, committed__gte=0, paid__gte=0, returned__gte=0),
            name=f"{prefix}_figures_not_negative",
        ),
        models.CheckConstraint(
            condition=Q(paid__lte=F("committed"), returned__lte=F("committed")),
            name=f"{prefix}_paid_returned_within_committed",
        ),
    ]


class PotFigures(models.Model):
    """Pot and running figures shared by a funding year and a building block."""

    pot = models.DecimalField(_("Fördertopf (EUR)"), **MONEY, validators=[MinValueValidator(0)])
    committed = models.DecimalField(_("gebunden (EUR)"), **MONEY, default=ZERO, editable=False)
    paid = models.DecimalField(_("ausgezahlt (EUR)"), **MONEY, default=ZERO, editable=False)
    returned = models.DecimalField(
        _("zurückgeflossen (EUR)"), **MONEY, default=ZERO, editable=False
    )

    class Meta:
        abstract = True

    @property
    def available(self) -> Decimal:
        """What can still be approved: the pot minus commitments, plus money that came back."""
        return self.pot - self.committed + self.returned


class Programme(models.Model):
    """A funding programme the KI passes money on from (KOMM-AN NRW Programmteil II, ...)."""

    name = models.CharField(_("Name"), max_length=200, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=40, unique=True)
    code = models.CharField(
        _("Kürzel für Aktenzeichen"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z0-9]+$", _("Nur Großbuchstaben und Ziffern, z. B. KA2."))
        ],
    )
    description = models.TextField(_("Beschreibung"), blank=True, max_length=5000)
    funding_authority = models.CharField(
        _("Mittelgeber"), max_length=200, default="Bezirksregierung Arnsberg"
    )

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeYear(PotFigures):
    """One funding year of a programme: the call, the yearly pot and the rules of that year."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("Förderprogramm"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(
        _("Förderjahr"), validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    call_opens_on = models.DateField(_("Antragsfrist ab"))
    call_closes_on = models.DateField(_("Antragsfrist bis"))
    subject_to_confirmation = models.BooleanField(
        _("vorbehaltlich"),
        default=False,
        help_text=_(
            "Der Aufruf ist geöffnet, bevor das Land den Fördertopf bestätigt hat. Anträge "
            "werden angenommen; Bewilligungen sind erst nach der Bestätigung möglich."
        ),
    )
    cap_per_application = models.DecimalField(
        _("Höchstbetrag je Antrag (EUR)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    proof_of_use_weeks = models.PositiveSmallIntegerField(
        _("Verwendungsnachweis fällig (Wochen nach Projektende)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
    )

    class Meta:
        verbose_name = _("Förderjahr")
        verbose_name_plural = _("Förderjahre")
        ordering = ["-year", "programme__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="programme_year_once"),
            models.CheckConstraint(
                condition=Q(call_closes_on__gte=F("call_opens_on")),
                name="programme_year_call_period_valid",
            ),
            *_pot_constraints("programme_year"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.short_name} {self.year}"

    def clean(self) -> None:
        if self.call_opens_on and self.call_closes_on and self.call_closes_on < self.call_opens_on:
            raise ValidationError(
                {"call_closes_on": _("Das Ende der Antragsfrist liegt vor ihrem Beginn.")}
            )
        if self.pot is not None and self.pk and self.pot < self.committed - self.returned:
            raise ValidationError(
                {"pot": _("Der Topf ist kleiner als die schon gebundenen Mittel.")}
            )

    def call_is_open(self, today: date) -> bool:
        return self.call_opens_on <= today <= self.call_closes_on

    def proof_due_on(self, project_end: date) -> date:
        return project_end + timedelta(weeks=self.proof_of_use_weeks)


class BuildingBlock(PotFigures):
    """A Baustein of a funding year (KOMM-AN II: A–D) with its own share of the pot."""

    programme_year = models.ForeignKey(
        ProgrammeYear, verbose_name=_("Förderjahr"), on_delete=models.CASCADE, related_name="blocks"
    )
    code = models.CharField(_("Kennung"), max_length=8)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("Baustein")
        verbose_name_plural = _("Bausteine")
        ordering = ["programme_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme_year", "code"], name="building_block_once"),
            *_pot_constraints("building_block"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def clean(self) -> None:
        if self.pot is not None and self.pk and self.pot < self.committed - self.returned:
            raise ValidationError(
                {"pot": _("Der Topf ist kleiner als die schon gebundenen Mittel.")}
            )


class Pauschale(models.Model):
    """A fixed amount per unit (e.g. 1,000 € per room, at most 2 rooms). A cost line that uses
    it must claim exactly units × amount."""

    programme_year = models.ForeignKey(
        ProgrammeYear,
        verbose_name=_("Förderjahr"),
        on_delete=models.CASCADE,
        related_name="pauschalen",
    )
    block = models.ForeignKey(
        BuildingBlock,
        verbose_name=_("nur für Baustein"),
        on_delete=models.CASCADE,
        related_name="pauschalen",
        null=True,
        blank=True,
    )
    title = models.CharField(_("Bezeichnung"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=60, default="Stück")
    amount = models.DecimalField(
        _("Betrag je Einheit (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_units = models.PositiveSmallIntegerField(
        _("höchstens Einheiten je Antrag"), default=1, validators=[MinValueValidator(1)]
    )
    conditions = models.TextField(_("Bedingungen"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("Pauschale")
        verbose_name_plural = _("Pauschalen")
        ordering = ["programme_year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pauschale_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.amount} € / {self.unit})"

    def clean(self) -> None:
        if (
            self.block_id
            and self.programme_year_id
            and self.block.programme_year_id != self.programme_year_id
        ):
            raise ValidationError({"block": _("Der Baustein gehört zu einem anderen Jahr.")})
