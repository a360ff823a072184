"""The outbox: every email is first a row here, written in the transaction that causes it."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("abgebrochen")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Empfänger/in"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    to_email = models.EmailField(_("E-Mail-Adresse"))
    kind = models.CharField(_("Art"), max_length=80)
    language = models.CharField(_("Sprache"), max_length=8, default="de")
    context = models.JSONField(_("Inhalt"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    dedupe_key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    # A consent the recipient must still hold when the email goes out (see Consent.Kind);
    # withdrawing it cancels what is still waiting in the outbox.
    required_consent = models.CharField(_("erforderliche Einwilligung"), max_length=16, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert"), default=timezone.now)
    claimed_at = models.DateTimeField(_("in Zustellung seit"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet"), null=True, blank=True)
    # After a temporary error: not before this time (the sweep respects it).
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    # Shown in the recipient's in-app list (kinds with an in-app text; see catalogue.py).
    in_app = models.BooleanField(_("in der Plattform angezeigt"), default=False)
    read_at = models.DateTimeField(_("gelesen"), null=True, blank=True)

    # Status changes made by people (staff resending a failed email); the worker's own
    # changes are conditional updates in services.py.
    TRANSITIONS = {"failed": {"pending"}}

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep and /healthz look only at undelivered rows.
            models.Index(
                fields=["status", "updated_at"],
                name="notification_open_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The unread count in the header of every page.
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=models.Q(in_app=True, read_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "sending", "sent", "failed", "cancelled"]
                ),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.get_status_display()})"


class Preference(models.Model):
    """A person's choice for one optional kind. No row: the kind's default (catalogue.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("Art"), max_length=80)
    enabled = models.BooleanField(_("per E-Mail"))
    updated_at = models.DateTimeField(_("geändert"), default=timezone.now)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'on' if self.enabled else 'off'}"
