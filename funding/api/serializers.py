"""Serializers of the funding API: programme years with their open calls, applications with
their cost plans, attachments, payments and history, and the KI's review.

Input serializers check the shape only (400 when a request does not fit the schema). What the
values refer to (a programme year, a block, a town, a Pauschale) is looked up by the views, and
the rules of the programme are the services' (both answer 422, naming every field at once)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from funding.models import (
    Application,
    Attachment,
    BuildingBlock,
    CostLine,
    InternalNote,
    Pauschale,
    Payment,
    ProgrammeYear,
)
from funding.services.review import CHECKLIST
from volunteers.api.ids import MAX_ID

AMOUNT_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
APPLICATION_STATUSES = ", ".join(Application.Status.values)
PAYMENT_STATUSES = ", ".join(Payment.Status.values)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": AMOUNT_PATTERN, "example": "1250.00"}
)
class AmountField(serializers.DecimalField):
    """An amount in euros as a decimal string ("1250.00"): not negative, at most ten digits
    before the point and two after it. A negative or malformed amount does not fit the schema
    (400); an amount the rules refuse (0 for a cost line, more than the cap) is a 422."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs)


class Amount(serializers.DecimalField):
    """An amount in an answer (always a decimal string with two places)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=14, decimal_places=2, **kwargs)


def reference(help_text: str, **kwargs) -> serializers.IntegerField:
    """The id of something the request refers to (looked up by the view: 422 when unknown)."""
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID - 1, help_text=help_text, **kwargs
    )


def _absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --- Programme years and their calls --------------------------------------------------------


class BlockSerializer(serializers.ModelSerializer):
    available = Amount(help_text="What can still be approved in the block.")
    pot = Amount()

    class Meta:
        model = BuildingBlock
        fields = ["id", "code", "title", "description", "pot", "available"]
        read_only_fields = fields


class PauschaleSerializer(serializers.ModelSerializer):
    amount = Amount(help_text="Per unit; a cost line claims exactly units × amount.")
    block = serializers.IntegerField(
        source="block_id", read_only=True, allow_null=True, help_text="Null: for every block."
    )

    class Meta:
        model = Pauschale
        fields = ["id", "title", "unit", "amount", "max_units", "conditions", "block"]
        read_only_fields = fields


class ProgrammeYearSerializer(serializers.ModelSerializer):
    """A funding year: its call, the rules and what is still available, per block."""

    programme = serializers.CharField(source="programme.name", read_only=True)
    programme_short_name = serializers.CharField(source="programme.short_name", read_only=True)
    subject_to_confirmation = serializers.BooleanField(
        read_only=True,
        help_text="Vorbehaltlich: applications are taken, approvals wait for the state's "
        "confirmation of the pot.",
    )
    call_open = serializers.SerializerMethodField()
    cap_per_application = Amount(allow_null=True, help_text="Null: no cap.")
    pot = Amount()
    available = Amount(help_text="What can still be approved in the year.")
    blocks = BlockSerializer(many=True, read_only=True)
    pauschalen = PauschaleSerializer(many=True, read_only=True)

    class Meta:
        model = ProgrammeYear
        fields = [
            "id",
            "programme",
            "programme_short_name",
            "year",
            "call_opens_on",
            "call_closes_on",
            "call_open",
            "subject_to_confirmation",
            "cap_per_application",
            "proof_of_use_weeks",
            "pot",
            "available",
            "blocks",
            "pauschalen",
        ]
        read_only_fields = fields

    def get_call_open(self, obj) -> bool:
        return obj.call_is_open(self.context["today"])


class PotRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    code = serializers.CharField(help_text="The block's code; empty for the whole year.")
    pot = Amount()
    committed = Amount(help_text="Bound by signed approvals.")
    paid = Amount()
    returned = Amount(help_text="Approved but not used, and repayments: available again.")
    available = Amount()
    requested_open = Amount(help_text="Requested by applications in review, not decided yet.")


class BudgetSerializer(serializers.Serializer):
    programme_year = serializers.IntegerField(source="programme_year.pk")
    year = serializers.IntegerField(source="programme_year.year")
    total = PotRowSerializer()
    blocks = PotRowSerializer(many=True)


# --- Applications: what clients send --------------------------------------------------------


class CostLineInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CostLine.Category.choices)
    description = serializers.CharField(max_length=300)
    amount = AmountField()
    pauschale = reference(
        "Id of a Pauschale of the year; then units × its amount exactly.",
        required=False,
        allow_null=True,
    )
    units = serializers.IntegerField(min_value=1, max_value=32767, required=False, allow_null=True)


class ApplicationWriteSerializer(serializers.Serializer):
    """What the applicant fills in. A draft may be incomplete; submitting checks the whole."""

    block = reference("Id of a building block of the programme year.")
    title = serializers.CharField(max_length=200)
    town = serializers.CharField(
        max_length=100, help_text="Slug of the town where the project runs (its id works too)."
    )
    description = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    goals = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    target_group = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    own_contribution = AmountField(required=False, default=Decimal("0.00"))
    requested_amount = AmountField(required=False, default=Decimal("0.00"))
    publication_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Title, organisation, block, year and amount may be published once approved.",
    )
    cost_lines = CostLineInputSerializer(
        many=True,
        required=False,
        help_text="The whole cost plan (at most 100 lines); it replaces the current one. "
        "Left out: unchanged.",
    )


class ApplicationCreateSerializer(ApplicationWriteSerializer):
    organisation = reference("Id of a verified organisation the caller coordinates.")
    programme_year = reference("Id of the programme year applied to.")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=5000, help_text="Shown to the applicant.")


class PaymentRequestSerializer(serializers.Serializer):
    amount = AmountField(help_text="Part of the approved amount that is not asked for yet.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ActualAmountSerializer(serializers.Serializer):
    cost_line = reference("Id of a line of the cost plan.")
    amount = AmountField(help_text="What was really spent on the line.")


class ProofSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=20000, help_text="The Sachbericht.")
    actual_amounts = ActualAmountSerializer(
        many=True, help_text="One entry for every line of the cost plan."
    )


class AttachmentUploadSerializer(serializers.Serializer):
    # Empty files and odd names are the service's to refuse (422), with its own words.
    file = serializers.FileField(
        allow_empty_file=True, help_text="PDF, PNG or JPEG (recognised by content)."
    )
    purpose = serializers.ChoiceField(
        choices=Attachment.Purpose.choices,
        required=False,
        default=Attachment.Purpose.APPLICATION,
        help_text="application: an annex (while editable); receipt: for the proof of use.",
    )


# --- Staff review: what clients send --------------------------------------------------------


class ChecklistInputSerializer(serializers.Serializer):
    checked = serializers.ListField(
        child=serializers.ChoiceField(choices=list(CHECKLIST)),
        max_length=50,
        help_text="The keys of the items the reviewer confirms; the others are unchecked.",
    )


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class ProposeSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Application.Decision.choices)
    amount = AmountField(
        required=False, allow_null=True, help_text="For an approval: at most the requested one."
    )
    conditions = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    reasons = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="For a rejection (required then).",
    )


class SignSerializer(serializers.Serializer):
    proposal = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="The proposal_stamp from sign-preview: signing is refused (409) when the "
        "proposal was changed since.",
    )


class PotEffectSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["block", "year"], read_only=True)
    label = serializers.CharField(read_only=True)
    pot = Amount()
    available_before = Amount(help_text="Free now.")
    amount = Amount(help_text="What this decision binds (0 for a rejection).")
    available_after = Amount(help_text="Free once the decision is signed.")
    proposed_elsewhere = Amount(
        help_text="Approvals of other applications proposed but not signed (not deducted)."
    )
    fits = serializers.BooleanField(read_only=True)


class DecisionPreviewSerializer(serializers.Serializer):
    """A decision before it is committed: the confirmation step of the pages."""

    decision = serializers.ChoiceField(choices=Application.Decision.choices, read_only=True)
    amount = Amount(allow_null=True)
    conditions = serializers.CharField(read_only=True)
    reasons = serializers.CharField(read_only=True)
    binds_money = serializers.BooleanField(
        read_only=True, help_text="Signing an approval binds the amount; a proposal binds none."
    )
    fits = serializers.BooleanField(read_only=True, help_text="Both pots have enough left.")
    proposal_stamp = serializers.CharField(
        read_only=True, help_text="Sign-preview: send it with sign to sign exactly this."
    )
    pots = PotEffectSerializer(many=True, read_only=True)


class CloseSerializer(serializers.Serializer):
    repayment = AmountField(
        required=False, default=Decimal("0.00"), help_text="At most what was paid."
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


# --- Applications: what clients get ---------------------------------------------------------


class ApplicationListSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    programme_year = serializers.IntegerField(source="programme_year_id", read_only=True)
    year = serializers.IntegerField(source="programme_year.year", read_only=True)
    programme = serializers.CharField(source="programme_year.programme.short_name", read_only=True)
    block = serializers.IntegerField(source="block_id", read_only=True)
    block_code = serializers.CharField(source="block.code", read_only=True)
    town = serializers.CharField(source="town.slug", read_only=True)
    status = serializers.CharField(read_only=True, help_text=APPLICATION_STATUSES)
    requested_amount = Amount()
    approved_amount = Amount(allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "title",
            "status",
            "organisation",
            "organisation_name",
            "programme_year",
            "programme",
            "year",
            "block",
            "block_code",
            "town",
            "requested_amount",
            "approved_amount",
            "created_at",
            "submitted_at",
        ]
        read_only_fields = fields


class CostLineSerializer(serializers.ModelSerializer):
    amount = Amount()
    actual_amount = Amount(allow_null=True, help_text="From the proof of use.")
    pauschale = serializers.IntegerField(source="pauschale_id", read_only=True, allow_null=True)

    class Meta:
        model = CostLine
        fields = [
            "id",
            "position",
            "category",
            "description",
            "amount",
            "pauschale",
            "units",
            "actual_amount",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    purpose = serializers.CharField(read_only=True, help_text="application or receipt.")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "purpose",
            "filename",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, obj) -> str:
        """URL of the file (GET; DELETE removes it while that is allowed)."""
        path = reverse("v1:funding-attachment-detail", kwargs={"pk": obj.pk})
        return _absolute(self.context, path)


class PaymentSerializer(serializers.ModelSerializer):
    amount = Amount()
    status = serializers.CharField(read_only=True, help_text=PAYMENT_STATUSES)

    class Meta:
        model = Payment
        fields = ["id", "application", "amount", "note", "status", "requested_at", "paid_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision = serializers.CharField(help_text="approve or reject.")
    amount = Amount(allow_null=True, help_text="The amount of an approval.")
    conditions = serializers.CharField()
    reasons = serializers.CharField()
    proposed_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True, help_text="Null: not signed yet.")


class ChecklistItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    checked = serializers.BooleanField()


class InternalNoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name", default=None, allow_null=True)

    class Meta:
        model = InternalNote
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = fields


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.get_full_name", default=None, allow_null=True)
    note = serializers.CharField()


STAFF_ONLY = ("checklist", "internal_notes")


class ApplicationDetailSerializer(ApplicationListSerializer):
    """One case as its applicant sees it; KI staff also get the checklist and the internal
    notes (the view passes `staff` in the context and puts `checklist_items` and
    `notes_for_staff` on the application)."""

    editable = serializers.BooleanField(source="is_editable", read_only=True)
    own_contribution = Amount()
    total_costs = Amount(help_text="Sum of the cost plan.")
    paid_amount = Amount()
    repaid_amount = Amount()
    change_request = serializers.CharField(
        read_only=True, help_text="What the KI asked to change (empty: nothing)."
    )
    cost_lines = CostLineSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    decision = serializers.SerializerMethodField()
    letter = serializers.SerializerMethodField()
    # Not read-only, so that the schema marks them optional: they are left out for applicants.
    checklist = ChecklistItemSerializer(
        source="checklist_items", many=True, required=False, help_text="KI staff only."
    )
    internal_notes = InternalNoteSerializer(
        source="notes_for_staff", many=True, required=False, help_text="KI staff only."
    )

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "editable",
            "description",
            "goals",
            "target_group",
            "starts_on",
            "ends_on",
            "own_contribution",
            "total_costs",
            "publication_consent",
            "change_request",
            "cost_lines",
            "attachments",
            "decision",
            "letter",
            "paid_amount",
            "repaid_amount",
            "payments",
            "proof_due_on",
            "proof_report",
            "proof_submitted_at",
            "closing_note",
            *STAFF_ONLY,
        ]
        read_only_fields = [f for f in fields if f not in STAFF_ONLY]

    def to_representation(self, instance):
        if not self.context.get("staff"):
            for name in STAFF_ONLY:
                self.fields.pop(name, None)
        return super().to_representation(instance)

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj) -> dict | None:
        """The signed decision; for KI staff also a proposal that waits for its signature."""
        if not obj.decision or not (obj.signed_at or self.context.get("staff")):
            return None
        return DecisionSerializer(
            {
                "decision": obj.decision,
                "amount": obj.approved_amount if obj.signed_at else obj.decision_amount,
                "conditions": obj.decision_conditions,
                "reasons": obj.decision_reasons,
                "proposed_at": obj.proposed_at,
                "signed_at": obj.signed_at,
            }
        ).data

    def get_letter(self, obj) -> str:
        """URL of the decision letter (PDF) once the decision is signed; else empty."""
        if obj.signed_at is None:
            return ""
        path = reverse("v1:funding-application-letter", kwargs={"pk": obj.pk})
        return _absolute(self.context, path)
