"""The public directory "Integration von Ahlen bis Warendorf": offers of verified organisations,
contact persons who agreed to be published, and the town administrations' contacts for
integration; plus which town a municipal account may see figures of."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from volunteers.models import Organisation, Town

from .search import folded

# An offer nobody confirmed for this long is flagged to its organisation; after the second
# period it is hidden from the public until confirmed again.
REMIND_AFTER = timedelta(days=183)  # 6 months
HIDE_AFTER = timedelta(days=244)  # 8 months


class Offer(models.Model):
    """An Angebot: something people can go to (a Sprachcafé on Tuesdays, counselling by
    appointment, a bicycle workshop)."""

    class Kind(models.TextChoices):
        SPRACHCAFE = "sprachcafe", _("Sprachcafé")
        BERATUNG = "beratung", _("Beratung")
        HAUSAUFGABEN = "hausaufgabenhilfe", _("Hausaufgabenhilfe")
        FAHRRADWERKSTATT = "fahrradwerkstatt", _("Fahrradwerkstatt")
        BEGEGNUNGSCAFE = "begegnungscafe", _("Begegnungscafé")
        KLEIDERKAMMER = "kleiderkammer", _("Kleiderkammer")
        SPRACHKURS = "sprachkurs", _("Sprachkurs")
        FREIZEIT = "freizeit", _("Freizeit und Sport")
        SONSTIGES = "sonstiges", _("Sonstiges")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("montags")
        TUESDAY = 1, _("dienstags")
        WEDNESDAY = 2, _("mittwochs")
        THURSDAY = 3, _("donnerstags")
        FRIDAY = 4, _("freitags")
        SATURDAY = 5, _("samstags")
        SUNDAY = 6, _("sonntags")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="offers",
    )
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=32, choices=Kind.choices)
    description = models.TextField(_("Beschreibung"), max_length=5000)
    town = models.ForeignKey(
        Town, verbose_name=_("Ort"), on_delete=models.PROTECT, related_name="offers"
    )
    place = models.CharField(_("Treffpunkt / Anschrift"), max_length=300)
    # When: a weekly slot, or free text for dates ("jeden 1. Samstag", "nach Vereinbarung").
    weekday = models.PositiveSmallIntegerField(
        _("Wochentag"), choices=Weekday.choices, null=True, blank=True
    )
    starts_at = models.TimeField(_("von"), null=True, blank=True)
    ends_at = models.TimeField(_("bis"), null=True, blank=True)
    dates = models.CharField(_("Termine"), max_length=300, blank=True)
    target_group = models.CharField(_("Für wen"), max_length=300, blank=True)
    free_of_charge = models.BooleanField(_("kostenlos"), default=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=120, blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    confirmed_at = models.DateTimeField(_("zuletzt bestätigt"), default=timezone.now)
    hidden_at = models.DateTimeField(_("vom KI ausgeblendet am"), null=True, blank=True)
    hidden_reason = models.CharField(_("Grund für das Ausblenden"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert"), default=timezone.now)
    # The offer's own words for the public search, folded by the database (directory.search):
    # always in step with the fields, whoever writes them.
    search_text = models.GeneratedField(
        expression=folded(
            # Flat "a || ' ' || b": Concat() nests a level per part, and SQLite's parser
            # allows only so much nesting (directory.search.FOLDS). No field is NULL.
            models.Func(
                models.F("title"),
                models.F("description"),
                models.F("place"),
                models.F("target_group"),
                template="(%(expressions)s)",
                arg_joiner=" || ' ' || ",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["town__name", "title", "pk"]
        indexes = [
            models.Index(fields=["town", "kind"], name="offer_town_kind_idx"),
            models.Index(fields=["confirmed_at"], name="offer_confirmed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__isnull=True) | models.Q(weekday__range=(0, 6)),
                name="offer_weekday_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True)
                | models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="offer_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def address(self) -> str:
        """Where it takes place, with the town unless the place already names it
        ("Marktplatz 1, 59227 Ahlen", not "…, 59227 Ahlen, Ahlen")."""
        place = self.place.strip().rstrip(",").strip()
        town = self.town.name
        if not place:
            return town
        if re.search(rf"(?<!\w){re.escape(town)}(?!\w)", place, flags=re.IGNORECASE):
            return place
        return f"{place}, {town}"

    @property
    def is_stale(self) -> bool:
        return self.confirmed_at < timezone.now() - REMIND_AFTER

    @property
    def is_expired(self) -> bool:
        return self.confirmed_at < timezone.now() - HIDE_AFTER


class OfferLanguage(models.Model):
    """A language spoken at the offer (ISO code, volunteers.languages)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("Sprache"), max_length=8)

    class Meta:
        verbose_name = _("Sprache des Angebots")
        verbose_name_plural = _("Sprachen des Angebots")
        constraints = [
            models.UniqueConstraint(fields=["offer", "code"], name="offer_language_once")
        ]
        indexes = [models.Index(fields=["code"], name="offer_language_code_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        from volunteers.languages import language_name

        return language_name(self.code)


class ContactPerson(models.Model):
    """An Ansprechpartner/in: of an organisation or of a town administration ("Integration und
    Flucht"). Published only while the person's consent is recorded; the person withdraws it
    with the signed link they got by email, which removes the entry."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="contact_persons",
        null=True,
        blank=True,
    )
    town = models.ForeignKey(
        Town,
        verbose_name=_("Stadt-/Gemeindeverwaltung"),
        on_delete=models.CASCADE,
        related_name="contact_persons",
        null=True,
        blank=True,
    )
    name = models.CharField(_("Name"), max_length=120)
    function = models.CharField(_("Funktion"), max_length=200)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail"))
    # The consent to publication: who recorded it, when, to which text.
    consent_at = models.DateTimeField(_("Einwilligung erteilt am"))
    consent_text_version = models.CharField(_("Textversion (SHA-256)"), max_length=64)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)

    class Meta:
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")
        ordering = ["name", "pk"]
        constraints = [
            # Exactly one of organisation and town administration.
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, town__isnull=True)
                    | models.Q(organisation__isnull=True, town__isnull=False)
                ),
                name="contact_person_of_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.function})"


class MunicipalAccess(models.Model):
    """A person of a town administration who may see that town's figures (no personal data)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="municipal_access",
    )
    town = models.ForeignKey(
        Town, verbose_name=_("Stadt/Gemeinde"), on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(_("eingerichtet am"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Zugang einer Kommune")
        verbose_name_plural = _("Zugänge der Kommunen")

    def __str__(self) -> str:
        return f"{self.user} → {self.town}"
