"""Volunteers: profile, languages, weekly availability, consents, Führungszeugnis check."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .reference import ActivityArea, Town

WEEKDAYS = [
    _("Montag"),
    _("Dienstag"),
    _("Mittwoch"),
    _("Donnerstag"),
    _("Freitag"),
    _("Samstag"),
    _("Sonntag"),
]
DAY_PARTS = [_("vormittags"), _("nachmittags"), _("abends")]
ALL_SLOTS = (1 << 21) - 1


def slot_bit(weekday: int, part: int) -> int:
    """Weekly availability is a 21-bit mask: bit (weekday * 3 + part), Monday = 0,
    morning = 0, afternoon = 1, evening = 2. A mask ANDs in SQL, which matching relies on."""
    return 1 << (weekday * 3 + part)


# "dienstags nachmittags": the weekday as an adverb, for the weekly times of a help request.
WEEKDAYS_RECURRING = [
    _("montags"),
    _("dienstags"),
    _("mittwochs"),
    _("donnerstags"),
    _("freitags"),
    _("samstags"),
    _("sonntags"),
]


def weekly_slots_text(mask: int) -> str:
    """The weekly times of a mask in words, Monday first, one entry per day:
    "dienstags nachmittags, donnerstags vormittags und abends". Empty for 0.
    The one place that puts slots into words (pages, API, emails all call it); remembered
    per mask and language (a list of 20 requests asks for the same few masks)."""
    return _weekly_slots_text(mask, get_language())


@lru_cache(maxsize=4096)
def _weekly_slots_text(mask: int, language: str | None) -> str:
    days = []
    for weekday, day_name in enumerate(WEEKDAYS_RECURRING):
        parts = [str(DAY_PARTS[p]) for p in range(len(DAY_PARTS)) if mask & slot_bit(weekday, p)]
        if not parts:
            continue
        if len(parts) > 1:
            last = parts.pop()
            parts = [_("%(parts)s und %(last)s") % {"parts": ", ".join(parts), "last": last}]
        days.append(_("%(weekday)s %(times)s") % {"weekday": day_name, "times": parts[0]})
    return ", ".join(days)


class LanguageLevel(models.IntegerChoices):
    BASIC = 1, _("Grundkenntnisse")
    FLUENT = 2, _("fließend")
    NATIVE = 3, _("Muttersprache")


class VolunteerProfile(models.Model):
    """Being a volunteer. Until onboarding is complete the volunteer is offered to nobody."""

    class Radius(models.IntegerChoices):
        OWN_TOWN = 0, _("nur im eigenen Ort")
        KM_10 = 10, _("bis 10 km")
        KM_20 = 20, _("bis 20 km")
        KM_35 = 35, _("bis 35 km")
        DISTRICT = 60, _("im ganzen Kreis")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    town = models.ForeignKey(
        Town,
        verbose_name=_("Wohnort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    postal_code = models.CharField(
        _("Postleitzahl"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Bitte fünf Ziffern eingeben."))],
    )
    activity_areas = models.ManyToManyField(
        ActivityArea, verbose_name=_("Tätigkeitsbereiche"), blank=True, related_name="volunteers"
    )
    availability = models.PositiveIntegerField(
        _("Wöchentliche Verfügbarkeit"),
        default=0,
        help_text=_("Bitmaske: Wochentag × Tageszeit"),
    )
    travel_radius_km = models.PositiveSmallIntegerField(
        _("Wie weit würden Sie fahren?"), choices=Radius.choices, default=Radius.KM_10
    )
    phone = models.CharField(_("Telefon (freiwillig)"), max_length=30, blank=True)
    onboarding_step = models.PositiveSmallIntegerField(default=1)
    onboarding_completed_at = models.DateTimeField(
        _("Anmeldung abgeschlossen am"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Ehrenamtsprofil")
        verbose_name_plural = _("Ehrenamtsprofile")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(availability__lte=ALL_SLOTS), name="profile_availability_21_bits"
            ),
        ]
        indexes = [
            models.Index(
                fields=["town", "onboarding_completed_at"], name="profile_town_complete_idx"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_complete(self) -> bool:
        return self.onboarding_completed_at is not None

    def available(self, weekday: int, part: int) -> bool:
        return bool(self.availability & slot_bit(weekday, part))


class VolunteerLanguage(models.Model):
    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="languages"
    )
    code = models.CharField(_("Sprache"), max_length=8)
    level = models.PositiveSmallIntegerField(_("Niveau"), choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("Sprachkenntnis")
        verbose_name_plural = _("Sprachkenntnisse")
        ordering = ["-level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="volunteer_language_once"),
            models.CheckConstraint(
                condition=models.Q(level__in=[1, 2, 3]), name="volunteer_language_level_valid"
            ),
        ]
        indexes = [models.Index(fields=["code", "level"], name="volunteer_language_idx")]

    def __str__(self) -> str:
        return f"{self.code} ({self.level})"

    @property
    def name(self) -> str:
        from volunteers.languages import language_name

        return language_name(self.code)


# The material version of each consent text (volunteers.services.consents.CONSENT_TEXTS).
# Raise a kind's number when its text changes what the person agrees to (who sees what, for
# which purpose): consents given to an earlier number no longer count, and the person is asked
# again. An editorial change (wording, a typo) keeps the number: consents to the earlier
# wording still count (the ledger still records the wording's hash in text_version).
CONSENT_MATERIAL_VERSIONS = {"contact": 1, "digest": 1, "phone": 1}


class ConsentQuerySet(models.QuerySet):
    def in_force(self) -> ConsentQuerySet:
        """Given, not withdrawn, and to the current material version of its text."""
        current = models.Q()
        for kind, version in CONSENT_MATERIAL_VERSIONS.items():
            current |= models.Q(kind=kind, material_version=version)
        return self.filter(current, withdrawn_at__isnull=True)


class Consent(models.Model):
    """A consent ledger row: which consent, to which text version, given and withdrawn when.
    Rows are never edited except to set withdrawn_at; giving again writes a new row. Only
    rows `in_force()` count (see CONSENT_MATERIAL_VERSIONS)."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Kontakt für Hilfegesuche")
        DIGEST = "digest", _("Wöchentliche E-Mail mit passenden Hilfegesuchen")
        PHONE = "phone", _("Telefonnummer an bestätigte Initiativen weitergeben")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(_("Einwilligung"), max_length=16, choices=Kind.choices)
    text_version = models.CharField(_("Textversion (SHA-256)"), max_length=64)
    material_version = models.PositiveSmallIntegerField(default=1, editable=False)
    given_at = models.DateTimeField(_("erteilt am"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.given_at:%Y-%m-%d})"

    @staticmethod
    def current_material_version(kind: str) -> int:
        return CONSENT_MATERIAL_VERSIONS[kind]

    @property
    def in_force(self) -> bool:
        """Not withdrawn and given to the current material version of its text."""
        return self.withdrawn_at is None and self.material_version == (
            CONSENT_MATERIAL_VERSIONS.get(self.kind)
        )


class FuehrungszeugnisRecord(models.Model):
    """That a certificate of good conduct was seen: its date and the date seen. Never a copy,
    never free text (SGB VIII § 72a (5) as the benchmark)."""

    VALID_YEARS = 5

    volunteer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fuehrungszeugnis"
    )
    certificate_date = models.DateField(_("Ausstellungsdatum des Führungszeugnisses"))
    seen_on = models.DateField(_("eingesehen am"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Führungszeugnis-Einsicht")
        verbose_name_plural = _("Führungszeugnis-Einsichten")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seen_on__gte=models.F("certificate_date")),
                name="fz_seen_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"FZ {self.certificate_date}"

    @property
    def valid_until(self) -> dt.date:
        d = self.certificate_date
        try:
            return d.replace(year=d.year + self.VALID_YEARS)
        except ValueError:  # 29 February
            return d.replace(year=d.year + self.VALID_YEARS, day=28)

    def is_valid(self, on: dt.date | None = None) -> bool:
        return (on or timezone.localdate()) < self.valid_until
