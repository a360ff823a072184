"""Help requests (Hilfegesuche) of verified organisations."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation
from .people import ALL_SLOTS, LanguageLevel, weekly_slots_text
from .reference import ActivityArea, Town

MAX_HELPERS = 50
MAX_AUTO_INVITE_BATCH = 10
MAX_AUTO_INVITE_DAYS = 30


class HelpRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        OPEN = "open", _("offen")
        FILLED = "filled", _("besetzt")
        CLOSED = "closed", _("geschlossen")
        EXPIRED = "expired", _("abgelaufen")

    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN, Status.CLOSED},
        Status.OPEN: {Status.FILLED, Status.CLOSED, Status.EXPIRED},
        Status.FILLED: {Status.OPEN, Status.CLOSED, Status.EXPIRED},
        Status.CLOSED: set(),
        Status.EXPIRED: set(),
    }

    class Schedule(models.TextChoices):
        ONCE = "once", _("einmaliger Termin")
        WEEKLY = "weekly", _("wöchentlich")
        FLEXIBLE = "flexible", _("flexibel")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="help_requests"
    )
    title = models.CharField(_("Titel"), max_length=140)
    description = models.TextField(_("Beschreibung"), max_length=5000)
    activity_area = models.ForeignKey(
        ActivityArea,
        verbose_name=_("Tätigkeitsbereich"),
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    town = models.ForeignKey(
        Town, verbose_name=_("Ort"), on_delete=models.PROTECT, related_name="help_requests"
    )
    place = models.CharField(
        _("Treffpunkt"),
        max_length=200,
        blank=True,
        help_text=_("Öffentlich sichtbar, z. B. „Stadtbücherei“."),
    )
    address = models.CharField(
        _("Anschrift"),
        max_length=300,
        blank=True,
        help_text=_("Nur für bestätigte Helfende sichtbar."),
    )
    schedule = models.CharField(
        _("Zeitplan"), max_length=16, choices=Schedule.choices, default=Schedule.FLEXIBLE
    )
    starts_at = models.DateTimeField(_("Termin"), null=True, blank=True)
    weekly_slots = models.PositiveIntegerField(_("Wöchentliche Zeiten"), default=0)
    helpers_needed = models.PositiveSmallIntegerField(_("Benötigte Helfende"), default=1)
    confirmed_count = models.PositiveSmallIntegerField(default=0, editable=False)
    requires_fuehrungszeugnis = models.BooleanField(
        _("Führungszeugnis erforderlich"), default=False
    )
    required_qualification = models.ForeignKey(
        "volunteers.Qualification",
        verbose_name=_("Erforderliche Schulung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Nur Freiwillige, die diese Schulung abgeschlossen haben, werden gefragt."),
    )
    open_until = models.DateField(_("Offen bis"))
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    # When the request was closed or expired: its assignments end then (Führungszeugnis
    # retention, volunteers.services.gdpr).
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Auto-invite (volunteers.services.auto_invite): when the request opens, the best
    # `auto_invite_batch` suggestions are invited; while it is not filled, the next batch every
    # `auto_invite_after_days` days. 0 = off.
    auto_invite_batch = models.PositiveSmallIntegerField(
        _("Automatisch einladen"),
        default=0,
        help_text=_(
            "So viele passende Freiwillige werden beim Veröffentlichen eingeladen "
            "(0 = aus, höchstens 10)."
        ),
    )
    auto_invite_after_days = models.PositiveSmallIntegerField(
        _("Nächste einladen nach (Tagen)"),
        default=3,
        help_text=_("Ist das Gesuch dann noch nicht besetzt, werden die Nächsten eingeladen."),
    )
    auto_invited_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Hilfegesuch")
        verbose_name_plural = _("Hilfegesuche")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(helpers_needed__gte=1, helpers_needed__lte=MAX_HELPERS),
                name="help_request_helpers_1_to_50",
            ),
            # The backstop for "never more confirmed helpers than needed".
            models.CheckConstraint(
                condition=models.Q(confirmed_count__lte=models.F("helpers_needed")),
                name="help_request_not_overfilled",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_slots__lte=ALL_SLOTS), name="help_request_slots_21_bits"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "open", "filled", "closed", "expired"]),
                name="help_request_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    auto_invite_batch__lte=MAX_AUTO_INVITE_BATCH,
                    auto_invite_after_days__gte=1,
                    auto_invite_after_days__lte=MAX_AUTO_INVITE_DAYS,
                ),
                name="help_request_auto_invite_bounds",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "town"], name="help_request_status_town_idx"),
            models.Index(
                fields=["auto_invited_at"],
                condition=models.Q(status="open", auto_invite_batch__gt=0),
                name="help_request_auto_invite_idx",
            ),
            models.Index(fields=["status", "open_until"], name="help_request_expiry_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return self.helpers_needed - self.confirmed_count

    @property
    def weekly_times(self) -> str:
        """The weekly times in words ("dienstags nachmittags, ..."), "" unless weekly."""
        if self.schedule != self.Schedule.WEEKLY:
            return ""
        return weekly_slots_text(self.weekly_slots)


class HelpRequestLanguage(models.Model):
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="languages"
    )
    code = models.CharField(_("Sprache"), max_length=8)
    min_level = models.PositiveSmallIntegerField(
        _("Mindestens"), choices=LanguageLevel.choices, default=LanguageLevel.BASIC
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["help_request", "code"], name="request_language_once")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        from volunteers.languages import language_name

        return language_name(self.code)
