"""Serializers of the coordinator side of the API: own organisations, coordinator invitations,
the helpers and hours of a request, the volunteer search."""

from rest_framework import serializers

from volunteers.models import (
    Assignment,
    CoordinatorInvitation,
    HoursEntry,
    Organisation,
    Town,
    VolunteerLanguage,
    VolunteerProfile,
)

from .ids import SlugField
from .serializers import AssignmentSerializer, HelpRequestWriteSerializer


class MyOrganisationSerializer(serializers.ModelSerializer):
    """An organisation as its coordinators see it: with its verification state."""

    town = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    verified = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(
        help_text="pending (waits for the KI's check), verified or rejected (see rejection_reason)."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "town",
            "address",
            "contact_email",
            "contact_phone",
            "description",
            "verified",
            "verified_at",
            "status",
            "rejected_at",
            "rejection_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_verified(self, obj) -> bool:
        return obj.verified_at is not None

    def get_status(self, obj) -> str:
        if obj.is_verified:
            return "verified"
        return "rejected" if obj.is_rejected else "pending"


class OrganisationRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    town = SlugField(slug_field="slug", queryset=Town.objects.all())
    contact_email = serializers.EmailField(max_length=254)
    contact_phone = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown to confirmed helpers only.",
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


class CoordinatorInvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.CharField(source="invited_by.get_full_name", default=None)

    class Meta:
        model = CoordinatorInvitation
        fields = ["id", "email", "invited_by", "created_at", "accepted_at"]
        read_only_fields = fields


class CoordinatorInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class InvitationTokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500, help_text="The token from the email's link.")


class HelpRequestCreateSerializer(HelpRequestWriteSerializer):
    """A new draft: the organisation it is for (one the caller coordinates), and its fields."""

    organisation = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class HelperSerializer(serializers.ModelSerializer):
    """An assignment on the coordinator's request. Name, email and phone only for confirmed
    helpers (the phone only while they consent to share it); others by first name."""

    volunteer = serializers.IntegerField(source="volunteer_id", read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    status = serializers.CharField(
        read_only=True, help_text="invited, offered, confirmed, declined or withdrawn."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "volunteer",
            "name",
            "email",
            "phone",
            "status",
            "message",
            "decline_reason",
            "created_at",
            "confirmed_at",
            "ended_at",
        ]
        read_only_fields = fields

    def _confirmed(self, obj) -> bool:
        return obj.status == Assignment.Status.CONFIRMED

    def get_name(self, obj) -> str:
        user = obj.volunteer
        return user.get_full_name() if self._confirmed(obj) else user.get_short_name()

    def get_email(self, obj) -> str | None:
        return obj.volunteer.email if self._confirmed(obj) else None

    def get_phone(self, obj) -> str | None:
        if not (self._confirmed(obj) and getattr(obj, "shares_phone", False)):
            return None
        profile = getattr(obj.volunteer, "volunteer_profile", None)
        return (profile.phone or None) if profile is not None else None


class RequestHoursSerializer(serializers.ModelSerializer):
    volunteer_name = serializers.CharField(source="assignment.volunteer.get_full_name")
    status = serializers.CharField(read_only=True, help_text="submitted, confirmed or rejected.")

    class Meta:
        model = HoursEntry
        fields = ["id", "assignment", "volunteer_name", "date", "hours", "note", "status"]
        read_only_fields = fields


class LanguageLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = VolunteerLanguage
        fields = ["code", "level"]
        read_only_fields = fields


class VolunteerSearchResultSerializer(serializers.ModelSerializer):
    """What a coordinator may see of a volunteer before an assignment: what the CONTACT
    consent allows (first name, town, languages, activity areas)."""

    volunteer = serializers.IntegerField(source="user_id", read_only=True)
    first_name = serializers.CharField(source="user.get_short_name", read_only=True)
    town = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    languages = LanguageLevelSerializer(many=True, read_only=True)
    activity_areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    assignment_status = serializers.CharField(
        read_only=True, allow_null=True, help_text="Status of an active assignment, if any."
    )

    class Meta:
        model = VolunteerProfile
        fields = [
            "volunteer",
            "first_name",
            "town",
            "languages",
            "activity_areas",
            "assignment_status",
        ]
        read_only_fields = fields


class InviteVolunteerSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The volunteer's id from the search."
    )
    message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SuggestionSerializer(serializers.Serializer):
    """A suggested volunteer: what the CONTACT consent allows, the score and the reasons."""

    volunteer = serializers.IntegerField(source="item.user_id")
    first_name = serializers.CharField(source="item.user.get_short_name")
    town = serializers.CharField(source="item.town.slug", help_text="Slug of the town.")
    score = serializers.FloatField(help_text="Higher is better; comparable within one list.")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why, in the request's language."
    )


class InviteManySerializer(serializers.Serializer):
    volunteers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        help_text="Volunteer ids from the suggestions or the search (at most 20).",
    )
    message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RefusedInvitationSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField()
    detail = serializers.CharField()


class InviteManyResultSerializer(serializers.Serializer):
    invited = AssignmentSerializer(many=True)
    refused = RefusedInvitationSerializer(many=True)


class FunnelStepSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="contactable, reach, languages, fuehrungszeugnis, qualification, budget, "
        "asked (suggestions); contactable, town, language, activity, fuehrungszeugnis "
        "(search)."
    )
    label = serializers.CharField(help_text="The condition, in the request's language.")
    before = serializers.IntegerField(
        allow_null=True, help_text="How many reached this step (null for the first)."
    )
    remaining = serializers.IntegerField(help_text="How many passed it.")
    sentence = serializers.CharField(help_text="The step in words.")


class FunnelSerializer(serializers.Serializer):
    """How many volunteers remain after each hard filter; `blocking` is the step after which
    nobody was left (null while somebody remains)."""

    steps = FunnelStepSerializer(many=True)
    remaining = serializers.IntegerField()
    blocking = FunnelStepSerializer(allow_null=True)


class ConfirmHoursSerializer(serializers.Serializer):
    entries = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=200,
        help_text="Ids of the pending hours to confirm (those the client listed).",
    )


class RefusedHoursSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    detail = serializers.CharField()


class ConfirmHoursResultSerializer(serializers.Serializer):
    confirmed = RequestHoursSerializer(many=True)
    refused = RefusedHoursSerializer(many=True)
