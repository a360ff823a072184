"""The KI's work over the API (KI staff with two-factor only): checking organisations, the
volunteer list and one volunteer's data (each reading is in the access log, as on the staff
pages), recording Führungszeugnis checks, and the overview per town."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.permissions import IsKIStaff
from volunteers.models import LanguageLevel, Organisation, VolunteerProfile
from volunteers.selectors_staff import (
    fuehrungszeugnis_status,
    organisation_get_for_staff,
    organisation_list_for_staff,
    town_overview,
    volunteer_facts_for_staff,
    volunteer_get_for_staff,
    volunteer_search_for_staff,
)
from volunteers.services.staff import (
    fuehrungszeugnis_record,
    organisation_reject,
    organisation_verify,
    volunteer_access_log,
)

from .ids import object_id, query_text
from .serializers_coordination import LanguageLevelSerializer, MyOrganisationSerializer

# --- Serializers ----------------------------------------------------------------------------


class CoordinatorSerializer(serializers.Serializer):
    name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email")


class RegistrantSerializer(serializers.Serializer):
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class StaffOrganisationSerializer(MyOrganisationSerializer):
    coordinators = CoordinatorSerializer(source="memberships", many=True, read_only=True)
    registered_by = RegistrantSerializer(read_only=True, allow_null=True)

    class Meta(MyOrganisationSerializer.Meta):
        fields = [*MyOrganisationSerializer.Meta.fields, "registered_by", "coordinators"]
        read_only_fields = fields


class OrganisationRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text="Sent to the person who registered the organisation and shown to it.",
    )


class FuehrungszeugnisStatusSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="none, valid, expiring (within 8 weeks) or expired.")
    valid_until = serializers.DateField(
        allow_null=True, help_text="The first day it is no longer valid."
    )


class StaffVolunteerSerializer(serializers.ModelSerializer):
    """A volunteer in the staff list: name, email, town, languages, areas, Führungszeugnis.
    The view puts `fz` (fuehrungszeugnis_status) on each profile."""

    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    town = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Null until onboarding."
    )
    languages = LanguageLevelSerializer(many=True, read_only=True)
    activity_areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    onboarding_complete = serializers.BooleanField(source="is_complete", read_only=True)
    fuehrungszeugnis = FuehrungszeugnisStatusSerializer(source="fz", read_only=True)

    class Meta:
        model = VolunteerProfile
        fields = [
            "id",
            "name",
            "email",
            "town",
            "languages",
            "activity_areas",
            "onboarding_complete",
            "fuehrungszeugnis",
        ]
        read_only_fields = fields


class StaffVolunteerDetailSerializer(StaffVolunteerSerializer):
    """One volunteer as the staff page shows them; the view adds `facts`."""

    postal_code = serializers.CharField(read_only=True)
    availability = serializers.IntegerField(read_only=True)
    travel_radius_km = serializers.IntegerField(read_only=True)
    consents = serializers.SerializerMethodField()
    confirmed_assignments = serializers.SerializerMethodField()
    hours_this_year = serializers.SerializerMethodField()

    class Meta(StaffVolunteerSerializer.Meta):
        fields = [
            *StaffVolunteerSerializer.Meta.fields,
            "postal_code",
            "availability",
            "travel_radius_km",
            "consents",
            "confirmed_assignments",
            "hours_this_year",
        ]
        read_only_fields = fields

    def get_consents(self, obj) -> list[str]:
        """The consents given and not withdrawn."""
        return [c["kind"] for c in obj.facts["consents"] if c["given"]]

    def get_confirmed_assignments(self, obj) -> int:
        return obj.facts["confirmed_assignments"]

    def get_hours_this_year(self, obj) -> float:
        return float(obj.facts["hours_this_year"])


class FuehrungszeugnisRecordSerializer(serializers.Serializer):
    certificate_date = serializers.DateField(help_text="The date the certificate was issued.")
    seen_on = serializers.DateField(help_text="The day KI staff saw it.")


class TownFiguresSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    open_requests = serializers.IntegerField()
    filled_requests = serializers.IntegerField()
    complete_volunteers = serializers.IntegerField()
    confirmed_hours = serializers.DecimalField(max_digits=12, decimal_places=2)


class TownOverviewSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rows = TownFiguresSerializer(many=True)
    unknown = TownFiguresSerializer(allow_null=True, help_text="Data without a town.")
    total = TownFiguresSerializer()


# --- Views ----------------------------------------------------------------------------------


def _text(request, name: str, limit: int = 100) -> str:
    return query_text(request, name, limit)


@extend_schema(tags=["staff"])
class StaffOrganisationViewSet(viewsets.GenericViewSet):
    """Every organisation, the pending ones first (a work queue); verifying one."""

    serializer_class = StaffOrganisationSerializer
    permission_classes = [IsKIStaff]
    filter_backends: list = []
    queryset = Organisation.objects.none()
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        responses=StaffOrganisationSerializer(many=True),
        parameters=[
            OpenApiParameter("status", str, enum=["pending", "verified", "rejected"]),
            OpenApiParameter("q", str, description="Part of the name."),
        ],
    )
    def list(self, request, **kwargs):
        rows = organisation_list_for_staff(status=_text(request, "status"), q=_text(request, "q"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(StaffOrganisationSerializer(page, many=True).data)

    @extend_schema(responses=StaffOrganisationSerializer)
    def retrieve(self, request, pk=None, **kwargs):
        """One organisation with what the check needs: its details, who registered it, its
        coordinators, and the state of the check (with the reason of a rejection)."""
        organisation = organisation_get_for_staff(organisation_id=object_id(pk))
        return Response(StaffOrganisationSerializer(organisation).data)

    @extend_schema(request=None, responses=StaffOrganisationSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None, **kwargs):
        """Verify a registration (also one rejected before); its active coordinators are
        emailed. 409 when already verified."""
        organisation = get_object_or_404(Organisation, pk=object_id(pk))
        organisation_verify(organisation=organisation, actor=request.user)
        rows = organisation_list_for_staff().filter(pk=organisation.pk)
        return Response(StaffOrganisationSerializer(rows.get()).data)

    @extend_schema(request=OrganisationRejectSerializer, responses=StaffOrganisationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        """Reject a pending registration with a reason: the person who registered it gets the
        reason by email, and the organisation sees it. 409 when already verified or
        rejected."""
        organisation = get_object_or_404(Organisation, pk=object_id(pk))
        serializer = OrganisationRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation_reject(
            organisation=organisation,
            reason=serializer.validated_data["reason"],
            actor=request.user,
        )
        rows = organisation_list_for_staff().filter(pk=organisation.pk)
        return Response(StaffOrganisationSerializer(rows.get()).data)


@extend_schema(tags=["staff"])
class StaffVolunteerViewSet(viewsets.GenericViewSet):
    """Volunteers for the KI: search, one volunteer's data (logged), Führungszeugnis checks."""

    serializer_class = StaffVolunteerSerializer
    permission_classes = [IsKIStaff]
    filter_backends: list = []
    queryset = VolunteerProfile.objects.none()
    lookup_value_regex = "[0-9]+"

    def _detail(self, request, profile: VolunteerProfile) -> Response:
        """Every answer that shows one volunteer's personal data is in the access log."""
        volunteer_access_log(
            volunteer=profile.user, actor=request.user, purpose="api:staff-volunteer-detail"
        )
        today = timezone.localdate()
        profile.fz = fuehrungszeugnis_status(profile, today=today)
        profile.facts = volunteer_facts_for_staff(profile=profile, year=today.year)
        return Response(StaffVolunteerDetailSerializer(profile).data)

    @extend_schema(
        responses=StaffVolunteerSerializer(many=True),
        parameters=[
            OpenApiParameter("q", str, description="Part of the name or email address."),
            OpenApiParameter("town", str, description="Slug of a town."),
            OpenApiParameter("language", str, description="Language code, e.g. ar."),
            OpenApiParameter(
                "min_level", int, enum=LanguageLevel.values, description="With language."
            ),
            OpenApiParameter("activity", str, description="Slug of an activity area."),
        ],
    )
    def list(self, request, **kwargs):
        level = _text(request, "min_level", 1)
        rows = volunteer_search_for_staff(
            q=_text(request, "q"),
            town=_text(request, "town"),
            language=_text(request, "language", 8),
            min_level=int(level) if level.isdigit() else None,
            activity=_text(request, "activity"),
        )
        page = self.paginate_queryset(rows)
        today = timezone.localdate()
        for profile in page:
            profile.fz = fuehrungszeugnis_status(profile, today=today)
        return self.get_paginated_response(StaffVolunteerSerializer(page, many=True).data)

    @extend_schema(responses=StaffVolunteerDetailSerializer)
    def retrieve(self, request, pk=None, **kwargs):
        return self._detail(request, volunteer_get_for_staff(user_id=object_id(pk)))

    @extend_schema(
        request=FuehrungszeugnisRecordSerializer, responses=StaffVolunteerDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def fuehrungszeugnis(self, request, pk=None, **kwargs):
        """Record that a Führungszeugnis was seen: its date and the day it was seen, nothing
        else. Replaces an earlier record; valid for five years from the certificate date."""
        profile = volunteer_get_for_staff(user_id=object_id(pk))
        serializer = FuehrungszeugnisRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fuehrungszeugnis_record(
            volunteer=profile.user, actor=request.user, **serializer.validated_data
        )
        return self._detail(request, volunteer_get_for_staff(user_id=profile.user_id))


@extend_schema(tags=["staff"])
class StaffOverviewView(APIView):
    """Per town: open and filled requests, volunteers with a complete profile, confirmed
    hours in the year (default: this year)."""

    permission_classes = [IsKIStaff]

    @extend_schema(
        responses=TownOverviewSerializer,
        parameters=[OpenApiParameter("year", int, description="Year of the hours.")],
    )
    def get(self, request, **kwargs):
        raw = _text(request, "year", 4)
        this_year = timezone.localdate().year
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year else None
        return Response(TownOverviewSerializer(town_overview(year=year)).data)
