"""An application (Antrag) and everything on its case: cost plan, attachments, internal notes,
the decision letters, payments (Mittelabruf) and the proof of use (Verwendungsnachweis)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from volunteers.models import Organisation, Town

from .programmes import MONEY, ZERO, BuildingBlock, Pauschale, ProgrammeYear


@deconstructible(path="funding.models.applications.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_STORAGE_ROOT, outside MEDIA_ROOT: served only by views that check
    access. The folder is read from the settings when first used (and again when the setting
    changes), so a migration never records a machine's path."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_STORAGE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_STORAGE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


private_storage = PrivateStorage()


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the uploader: no '..', no odd characters.
    return f"funding/{instance.application_id}/{uuid.uuid4().hex}"


class Application(models.Model):
    """A request for money by a verified organisation, from draft to closed case."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")
        CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
        PROPOSED = "proposed", _("Entscheidung vorgeschlagen")
        APPROVED = "approved", _("bewilligt")
        REJECTED = "rejected", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")
        PROOF_SUBMITTED = "proof_submitted", _("Verwendungsnachweis eingereicht")
        CLOSED = "closed", _("abgeschlossen")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Bewilligung")
        REJECT = "reject", _("Ablehnung")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.CHANGES_REQUESTED, Status.PROPOSED, Status.WITHDRAWN},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED, Status.WITHDRAWN},
        # The lead signs the proposal (approved/rejected) or sends it back to review.
        Status.PROPOSED: {Status.APPROVED, Status.REJECTED, Status.SUBMITTED},
        Status.APPROVED: {Status.PROOF_SUBMITTED},
        # Staff close the case, or return the proof of use for changes.
        Status.PROOF_SUBMITTED: {Status.CLOSED, Status.APPROVED},
    }
    EDITABLE = {Status.DRAFT, Status.CHANGES_REQUESTED}
    IN_REVIEW = {Status.SUBMITTED, Status.PROPOSED}

    reference = models.CharField(_("Aktenzeichen"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    programme_year = models.ForeignKey(
        ProgrammeYear,
        verbose_name=_("Förderjahr"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    block = models.ForeignKey(
        BuildingBlock,
        verbose_name=_("Baustein"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    title = models.CharField(_("Projekttitel"), max_length=200)
    description = models.TextField(_("Projektbeschreibung"), blank=True, max_length=10000)
    goals = models.TextField(_("Ziele"), blank=True, max_length=5000)
    target_group = models.TextField(_("Zielgruppe"), blank=True, max_length=2000)
    town = models.ForeignKey(
        Town, verbose_name=_("Ort"), on_delete=models.PROTECT, related_name="applications"
    )
    starts_on = models.DateField(_("geplanter Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("geplantes Ende"), null=True, blank=True)
    own_contribution = models.DecimalField(
        _("Eigenanteil (EUR)"), **MONEY, default=ZERO, validators=[MinValueValidator(0)]
    )
    requested_amount = models.DecimalField(
        _("beantragter Betrag (EUR)"), **MONEY, default=ZERO, validators=[MinValueValidator(0)]
    )
    publication_consent = models.BooleanField(
        _("Veröffentlichung erlaubt"),
        default=False,
        help_text=_(
            "Titel, Organisation, Baustein, Jahr und Betrag dürfen nach der Bewilligung im "
            "öffentlichen Verzeichnis erscheinen."
        ),
    )
    status = models.CharField(
        _("Status"), max_length=32, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    # What the applicant was asked to change (shown to them; the history keeps every request).
    change_request = models.TextField(_("erbetene Änderungen"), blank=True, max_length=5000)
    # Review (staff only).
    checklist = models.JSONField(_("Prüfliste"), default=dict, blank=True)
    # The proposed decision; a lead signs it (four eyes).
    decision = models.CharField(
        _("Entscheidung"), max_length=16, choices=Decision.choices, blank=True
    )
    decision_amount = models.DecimalField(
        _("Bewilligungsbetrag (EUR)"), **MONEY, null=True, blank=True
    )
    decision_conditions = models.TextField(_("Auflagen"), blank=True, max_length=5000)
    decision_reasons = models.TextField(_("Begründung"), blank=True, max_length=5000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("vorgeschlagen am"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("gezeichnet am"), null=True, blank=True)
    # After approval.
    approved_amount = models.DecimalField(
        _("bewilligt (EUR)"), **MONEY, null=True, blank=True, editable=False
    )
    paid_amount = models.DecimalField(_("ausgezahlt (EUR)"), **MONEY, default=ZERO, editable=False)
    repaid_amount = models.DecimalField(
        _("zurückgefordert (EUR)"), **MONEY, default=ZERO, editable=False
    )
    proof_due_on = models.DateField(_("Verwendungsnachweis fällig am"), null=True, blank=True)
    proof_report = models.TextField(_("Sachbericht"), blank=True, max_length=20000)
    proof_submitted_at = models.DateTimeField(
        _("Verwendungsnachweis eingereicht am"), null=True, blank=True
    )
    closing_note = models.TextField(_("Prüfvermerk"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("Förderantrag")
        verbose_name_plural = _("Förderanträge")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="application_queue_idx"),
            models.Index(fields=["programme_year", "status"], name="application_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "changes_requested",
                        "proposed",
                        "approved",
                        "rejected",
                        "withdrawn",
                        "proof_submitted",
                        "closed",
                    ]
                ),
                name="application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="application_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0, own_contribution__gte=0),
                name="application_amounts_not_negative",
            ),
            # Never more paid than approved; never more repaid than approved.
            models.CheckConstraint(
                condition=Q(paid_amount=0) | Q(paid_amount__lte=F("approved_amount")),
                name="application_paid_within_approved",
            ),
            models.CheckConstraint(
                condition=Q(repaid_amount=0) | Q(repaid_amount__lte=F("approved_amount")),
                name="application_repaid_within_approved",
            ),
            # Four eyes, also for a code path that forgot the rule.
            models.CheckConstraint(
                condition=Q(signed_by__isnull=True) | ~Q(signed_by=F("proposed_by")),
                name="application_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def total_costs(self) -> Decimal:
        """Sum of the cost plan (uses prefetched lines when present)."""
        return sum((line.amount for line in self.cost_lines.all()), ZERO)

    @property
    def open_to_pay(self) -> Decimal:
        return (self.approved_amount or ZERO) - self.paid_amount


class CostLine(models.Model):
    """One line of the cost plan; `actual_amount` is filled with the proof of use."""

    class Category(models.TextChoices):
        FEES = "fees", _("Honorare")
        MATERIAL = "material", _("Sachkosten")
        ROOM = "room", _("Raumkosten und Miete")
        EQUIPMENT = "equipment", _("Ausstattung")
        TRAVEL = "travel", _("Fahrtkosten")
        PUBLICITY = "publicity", _("Öffentlichkeitsarbeit")
        CATERING = "catering", _("Verpflegung")
        OTHER = "other", _("Sonstiges")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="cost_lines"
    )
    position = models.PositiveSmallIntegerField(default=0)
    category = models.CharField(_("Kategorie"), max_length=16, choices=Category.choices)
    description = models.CharField(_("Beschreibung"), max_length=300)
    amount = models.DecimalField(
        _("Betrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    pauschale = models.ForeignKey(
        Pauschale,
        verbose_name=_("Pauschale"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    units = models.PositiveSmallIntegerField(_("Einheiten"), null=True, blank=True)
    actual_amount = models.DecimalField(
        _("tatsächlich ausgegeben (EUR)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenplan")
        ordering = ["application", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_line_amount_positive"),
            models.CheckConstraint(
                condition=Q(actual_amount__isnull=True) | Q(actual_amount__gte=0),
                name="cost_line_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} €"


class Attachment(models.Model):
    """A PDF, PNG or JPEG belonging to an application (its annexes or the receipts of the proof
    of use). Stored in private storage under a random name; the type was checked by content."""

    class Purpose(models.TextChoices):
        APPLICATION = "application", _("Anlage zum Antrag")
        RECEIPT = "receipt", _("Beleg zum Verwendungsnachweis")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(_("Zweck"), max_length=16, choices=Purpose.choices)
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(_("Dateityp"), max_length=40)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["application", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class InternalNote(models.Model):
    """A reviewer's note on a case. Staff only: never shown to the applicant."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="internal_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("Notiz"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interne Notiz")
        verbose_name_plural = _("interne Notizen")
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class DecisionLetter(models.Model):
    """The signed decision as PDF (approval letter / Weiterleitungsvertrag or rejection),
    stored with its hash; rendered once when the decision is signed."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Zuwendungsbescheid / Weiterleitungsvertrag")
        REJECTION = "rejection", _("Ablehnungsbescheid")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="letter")
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    pdf = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Bescheid")
        verbose_name_plural = _("Bescheide")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.application_id}"


class Payment(models.Model):
    """A Mittelabruf: the organisation asks for part of the approved money; staff record the
    payment. Requested and paid parts together never exceed the approved amount."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("angefordert")
        PAID = "paid", _("ausgezahlt")
        CANCELLED = "cancelled", _("storniert")

    TRANSITIONS = {
        Status.REQUESTED: {Status.PAID, Status.CANCELLED},
    }

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(
        _("Betrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    note = models.CharField(_("Verwendungszweck"), max_length=300, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Mittelabruf")
        verbose_name_plural = _("Mittelabrufe")
        ordering = ["application", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} € ({self.get_status_display()})"
