from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from volunteers.models import (
    MAX_AUTO_INVITE_BATCH,
    MAX_AUTO_INVITE_DAYS,
    MAX_HELPERS,
    ActivityArea,
    Assignment,
    Consent,
    HelpRequest,
    HelpRequestLanguage,
    HoursEntry,
    Organisation,
    Qualification,
    Town,
)
from volunteers.models.people import LanguageLevel
from volunteers.selectors import assignment_contact

from .ids import SlugField


class TownSerializer(serializers.ModelSerializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()

    class Meta:
        model = Town
        fields = ["slug", "name", "kind", "postal_codes", "latitude", "longitude"]


class OrganisationPublicSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "town", "description"]


# --- Help requests, assignments, hours, consents ---------------------------------------------


class HelpRequestLanguageSerializer(serializers.ModelSerializer):
    code = serializers.CharField(max_length=8)
    min_level = serializers.ChoiceField(choices=LanguageLevel.choices, default=LanguageLevel.BASIC)

    class Meta:
        model = HelpRequestLanguage
        fields = ["code", "min_level"]


class HelpRequestListSerializer(serializers.ModelSerializer):
    """What the public list shows: no address, no personal data."""

    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    town = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    activity_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    languages = HelpRequestLanguageSerializer(many=True, read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    weekly_times = serializers.CharField(
        read_only=True,
        help_text='The weekly slots in words, e.g. "dienstags nachmittags"; "" unless weekly.',
    )

    status = serializers.CharField(
        read_only=True, help_text="draft, open, filled, closed or expired."
    )

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "title",
            "description",
            "activity_area",
            "town",
            "place",
            "schedule",
            "starts_at",
            "weekly_slots",
            "weekly_times",
            "helpers_needed",
            "confirmed_count",
            "seats_left",
            "requires_fuehrungszeugnis",
            "open_until",
            "status",
            "languages",
        ]
        read_only_fields = fields


class HelpRequestDetailSerializer(HelpRequestListSerializer):
    """The detail adds the address, for members of the organisation and confirmed helpers
    (the view passes `show_address` in the context)."""

    address = serializers.SerializerMethodField()
    required_qualification = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta(HelpRequestListSerializer.Meta):
        fields = [
            *HelpRequestListSerializer.Meta.fields,
            "address",
            "required_qualification",
            "auto_invite_batch",
            "auto_invite_after_days",
        ]
        read_only_fields = fields

    def get_address(self, obj) -> str | None:
        return obj.address if self.context.get("show_address") else None


class HelpRequestWriteSerializer(serializers.Serializer):
    """Fields a coordinator sets; the rules across fields are the service's (help_request_*)."""

    title = serializers.CharField(max_length=140)
    description = serializers.CharField(max_length=5000)
    activity_area = SlugField(slug_field="slug", queryset=ActivityArea.objects.all())
    town = SlugField(slug_field="slug", queryset=Town.objects.all())
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    schedule = serializers.ChoiceField(choices=HelpRequest.Schedule.choices, required=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    weekly_slots = serializers.IntegerField(min_value=0, max_value=(1 << 21) - 1, required=False)
    helpers_needed = serializers.IntegerField(min_value=1, max_value=MAX_HELPERS, required=False)
    requires_fuehrungszeugnis = serializers.BooleanField(required=False)
    required_qualification = SlugField(
        slug_field="slug",
        queryset=Qualification.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of the qualification (a completed training) helpers need.",
    )
    open_until = serializers.DateField()
    languages = HelpRequestLanguageSerializer(many=True, required=False)
    auto_invite_batch = serializers.IntegerField(
        min_value=0,
        max_value=MAX_AUTO_INVITE_BATCH,
        required=False,
        help_text="Invite this many best-fitting volunteers on opening (0 = off).",
    )
    auto_invite_after_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_AUTO_INVITE_DAYS,
        required=False,
        help_text="While not filled, invite the next batch after this many days.",
    )


class HelpRequestCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OfferSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AssignmentSerializer(serializers.ModelSerializer):
    help_request = serializers.PrimaryKeyRelatedField(read_only=True)
    help_request_title = serializers.CharField(source="help_request.title", read_only=True)
    organisation_name = serializers.CharField(
        source="help_request.organisation.name", read_only=True
    )

    status = serializers.CharField(
        read_only=True, help_text="invited, offered, confirmed, declined or withdrawn."
    )
    message = serializers.CharField(
        read_only=True, help_text="The message of the invitation or of the offer."
    )
    decline_reason = serializers.CharField(
        read_only=True, help_text="Why the invitation or offer was declined (optional)."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "help_request",
            "help_request_title",
            "organisation_name",
            "status",
            "message",
            "decline_reason",
            "created_at",
            "responded_at",
            "confirmed_at",
            "ended_at",
        ]
        read_only_fields = fields


class ContactSerializer(serializers.Serializer):
    """Whom a confirmed helper talks to and where they meet (volunteers.selectors.Contact)."""

    coordinators = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the initiative's coordinators."
    )
    email = serializers.EmailField(help_text="The initiative's contact email.")
    phone = serializers.CharField(help_text="The initiative's contact phone, or empty.")
    place = serializers.CharField(help_text="Meeting place, or empty.")
    address = serializers.CharField(help_text="Address of the meeting place, or empty.")


class MyAssignmentSerializer(AssignmentSerializer):
    """An assignment as its volunteer sees it: when the request takes place, who invited,
    and once confirmed the contact and meeting place (null before)."""

    weekly_times = serializers.CharField(source="help_request.weekly_times", read_only=True)
    starts_at = serializers.DateTimeField(
        source="help_request.starts_at", read_only=True, allow_null=True
    )
    invited_by_name = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [
            *AssignmentSerializer.Meta.fields,
            "weekly_times",
            "starts_at",
            "invited_by_name",
            "contact",
        ]
        read_only_fields = fields

    def get_invited_by_name(self, obj) -> str | None:
        """The inviting coordinator's name (None for offers and nameless accounts)."""
        return (obj.invited_by.name or None) if obj.invited_by_id else None

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, obj) -> dict | None:
        contact = assignment_contact(obj)
        return ContactSerializer(contact).data if contact is not None else None


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional; the other side sees it.",
    )


class HoursLogSerializer(serializers.Serializer):
    date = serializers.DateField()
    hours = serializers.FloatField(
        min_value=0.25, max_value=24, help_text="Hours that day (rounded to 0.01)."
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HoursEntrySerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="submitted, confirmed or rejected.")

    class Meta:
        model = HoursEntry
        fields = ["id", "assignment", "date", "hours", "note", "status", "reviewed_at"]
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="contact, digest or phone.")

    class Meta:
        model = Consent
        fields = ["kind", "text_version", "given_at", "withdrawn_at"]
        read_only_fields = fields


class ConsentStatusSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="contact, digest or phone.")
    active = serializers.BooleanField()
