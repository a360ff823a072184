"""The volunteer's own profile over the API (onboarding and later changes), the Ehrenamts-
nachweis status, and GDPR self-service: the data export and deleting the account.

The profile goes through the same step services as the onboarding pages
(volunteers/services/profiles.py). A request that changes several parts is one transaction: if
a later part is refused, the earlier ones are undone, so bad input changes nothing."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.schema import ErrorSerializer
from backend.errors import ValidationFailed
from volunteers.languages import LANGUAGE_NAMES
from volunteers.models import (
    ALL_SLOTS,
    ActivityArea,
    Consent,
    LanguageLevel,
    Town,
    VolunteerProfile,
)
from volunteers.services.certificates import certificate_filename, certificate_for
from volunteers.services.gdpr import account_delete, person_export
from volunteers.services.hours import ehrenamtskarte_status, hours_confirmed_per_year
from volunteers.services.profiles import (
    TOTAL_STEPS,
    can_have_volunteer_profile,
    fuehrungszeugnis_state,
    profile_complete,
    profile_current_step,
    profile_save_activities,
    profile_save_availability,
    profile_save_contact,
    profile_save_languages,
    profile_save_location,
    profile_start,
)
from volunteers.views_documents import pdf_attachment

from .ids import SlugField
from .serializers_coordination import LanguageLevelSerializer

AVAILABILITY_HELP = (
    "Weekly availability as a 21-bit mask: bit (weekday * 3 + part), Monday = 0, "
    "part 0 = morning, 1 = afternoon, 2 = evening. 2 = Monday afternoon."
)


class LanguageInputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=sorted(LANGUAGE_NAMES), help_text="ISO 639 code.")
    level = serializers.ChoiceField(
        choices=LanguageLevel.choices, help_text="1 = basic, 2 = fluent, 3 = native."
    )


class OnboardingSerializer(serializers.Serializer):
    complete = serializers.BooleanField()
    step = serializers.IntegerField(help_text="The step reached so far.")
    steps = serializers.IntegerField(help_text="How many steps there are.")


class FuehrungszeugnisStateSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="none, valid or expired.")
    valid_until = serializers.DateField(allow_null=True)


class ProfileSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Null until step 1."
    )
    languages = LanguageLevelSerializer(many=True, read_only=True)
    activity_areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    availability = serializers.IntegerField(read_only=True, help_text=AVAILABILITY_HELP)
    consents = serializers.SerializerMethodField()
    onboarding = serializers.SerializerMethodField()
    fuehrungszeugnis = serializers.SerializerMethodField()

    class Meta:
        model = VolunteerProfile
        fields = [
            "town",
            "postal_code",
            "languages",
            "activity_areas",
            "availability",
            "travel_radius_km",
            "phone",
            "consents",
            "onboarding",
            "fuehrungszeugnis",
        ]
        read_only_fields = fields

    def get_consents(self, obj) -> list[str]:
        """The consents given and not withdrawn (contact, digest, phone)."""
        return sorted(
            Consent.objects.in_force().filter(user=obj.user_id).values_list("kind", flat=True)
        )

    @extend_schema_field(OnboardingSerializer)
    def get_onboarding(self, obj) -> dict[str, object]:
        return {
            "complete": obj.is_complete,
            "step": profile_current_step(obj),
            "steps": TOTAL_STEPS,
        }

    @extend_schema_field(FuehrungszeugnisStateSerializer)
    def get_fuehrungszeugnis(self, obj) -> dict[str, object]:
        state, until = fuehrungszeugnis_state(obj.user)
        return {"state": state, "valid_until": until}


class ProfileWriteSerializer(serializers.Serializer):
    """Every part of the profile. PUT needs the parts of steps 1 to 4 and completes the
    onboarding; PATCH changes the parts it names."""

    town = SlugField(slug_field="slug", queryset=Town.objects.all())
    postal_code = serializers.RegexField(r"^[0-9]{5}$", max_length=5)
    # How many (at least one, each once) is the service's rule: a 422 naming the field.
    languages = LanguageInputSerializer(many=True)
    activity_areas = SlugField(slug_field="slug", queryset=ActivityArea.objects.all(), many=True)
    availability = serializers.IntegerField(
        min_value=1, max_value=ALL_SLOTS, help_text=AVAILABILITY_HELP
    )
    travel_radius_km = serializers.ChoiceField(choices=VolunteerProfile.Radius.choices)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    consents = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.Kind.choices),
        required=False,
        max_length=len(Consent.Kind.values),
        help_text="The consents to hold afterwards; every other one is withdrawn.",
    )


def _slots(mask: int) -> set[tuple[int, int]]:
    return {(bit // 3, bit % 3) for bit in range(21) if mask & (1 << bit)}


def _save(profile: VolunteerProfile, data: dict) -> None:
    """Write the parts named in `data` through the step services, in step order."""
    if "town" in data or "postal_code" in data:
        # One without the other is checked against the profile's current value.
        town = data.get("town", profile.town)
        postal_code = data.get("postal_code", profile.postal_code)
        profile_save_location(profile=profile, town=town, postal_code=postal_code)
    if "languages" in data:
        rows = [(row["code"], row["level"]) for row in data["languages"]]
        profile_save_languages(profile=profile, languages=rows)
    if "activity_areas" in data:
        profile_save_activities(profile=profile, activity_areas=data["activity_areas"])
    if "availability" in data or "travel_radius_km" in data:
        mask = data.get("availability", profile.availability)
        radius = data.get("travel_radius_km", profile.travel_radius_km)
        profile_save_availability(profile=profile, slots=_slots(mask), travel_radius_km=radius)
    if "phone" in data or "consents" in data:
        active = Consent.objects.in_force().filter(user=profile.user)
        consents = data.get("consents", active.values_list("kind", flat=True))
        phone = data.get("phone", profile.phone)
        profile_save_contact(profile=profile, phone=phone, consents=set(consents))


def _member(request):
    if not can_have_volunteer_profile(request.user):
        raise exceptions.PermissionDenied(_("Ein Ehrenamtsprofil gibt es nur für Mitgliedskonten."))
    return request.user


@extend_schema(tags=["profile"])
class ProfileView(APIView):
    """My volunteer profile. Until the onboarding is complete I am offered to nobody."""

    permission_classes = [IsAuthenticated]

    def _profile(self, request) -> VolunteerProfile:
        profile = VolunteerProfile.objects.filter(user=_member(request)).first()
        if profile is None:
            raise Http404
        return profile

    def _answer(self, profile: VolunteerProfile) -> Response:
        profile = (
            VolunteerProfile.objects.select_related("town", "user")
            .prefetch_related("languages", "activity_areas")
            .get(pk=profile.pk)
        )
        return Response(ProfileSerializer(profile).data)

    @extend_schema(responses={200: ProfileSerializer, 404: ErrorSerializer})
    def get(self, request, **kwargs):
        """404 while there is no profile yet (before the first PUT or PATCH)."""
        return self._answer(self._profile(request))

    @extend_schema(request=ProfileWriteSerializer, responses=ProfileSerializer)
    def put(self, request, **kwargs):
        """The whole profile at once; completes the onboarding."""
        user = _member(request)
        serializer = ProfileWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            profile = profile_start(user=user)
            _save(profile, serializer.validated_data)
            profile = profile_complete(profile=profile)
        return self._answer(profile)

    @extend_schema(request=ProfileWriteSerializer(partial=True), responses=ProfileSerializer)
    def patch(self, request, **kwargs):
        """Change some parts. A profile still in onboarding stays there; PUT completes it."""
        user = _member(request)
        serializer = ProfileWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            profile = profile_start(user=user)
            _save(profile, serializer.validated_data)
        return self._answer(profile)


@extend_schema(tags=["profile"])
class ExportView(APIView):
    """All my data as JSON (GDPR Art. 15 and 20): the same document as the download on the
    site."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request, **kwargs):
        return Response(person_export(user=request.user))


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


@extend_schema(tags=["profile"])
class AccountDeleteView(APIView):
    """Delete my account: personal data is removed, confirmed hours stay only as anonymous
    counts per town and organisation, every session and the API token end. Asks for the
    password, limited like the re-authentication on the site."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AccountDeleteSerializer, responses={204: None, 429: ErrorSerializer})
    def post(self, request, **kwargs):
        user = request.user
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not ratelimit.consume(request._request, action="reauthenticate", user=user):
            raise exceptions.Throttled()
        if not user.check_password(serializer.validated_data["password"]):
            raise ValidationFailed(_("Das Passwort ist nicht richtig."), field="password")
        account_delete(user=user, actor=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HoursSliceSerializer(serializers.Serializer):
    start = serializers.DateField(source="from")
    end = serializers.DateField(source="to")
    hours = serializers.DecimalField(max_digits=8, decimal_places=2)


class EhrenamtskarteSerializer(serializers.Serializer):
    eligible = serializers.BooleanField(help_text="Whether the thresholds are met.")
    years = serializers.IntegerField()
    threshold_per_year = serializers.IntegerField()
    threshold_per_week = serializers.IntegerField()
    weekly_average = serializers.DecimalField(max_digits=8, decimal_places=1)
    slices = HoursSliceSerializer(
        many=True, help_text="Confirmed hours per 52 weeks, newest first."
    )


class MyHoursSerializer(serializers.Serializer):
    confirmed_per_year = serializers.DictField(
        child=serializers.DecimalField(max_digits=8, decimal_places=2),
        help_text="Confirmed hours per calendar year.",
    )
    ehrenamtskarte = EhrenamtskarteSerializer()


@extend_schema(tags=["profile"])
class MyHoursView(APIView):
    """My confirmed hours per year and whether they meet the Ehrenamtskarte NRW thresholds."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MyHoursSerializer)
    def get(self, request, **kwargs):
        data = {
            "confirmed_per_year": {
                str(year): total
                for year, total in hours_confirmed_per_year(volunteer=request.user).items()
            },
            "ehrenamtskarte": ehrenamtskarte_status(volunteer=request.user),
        }
        return Response(MyHoursSerializer(data).data)


@extend_schema(tags=["profile"])
class EhrenamtsnachweisView(APIView):
    """My Ehrenamtsnachweis as PDF (activities, organisations, confirmed hours per year,
    verification code and QR code of the public check page): the same document as the
    download on the site. 409 while the account has no name or no confirmed hours, with the
    same reasons as the page (every one of them in `errors`)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Not issued: the account has no name, or no confirmed hours.",
            ),
        }
    )
    def get(self, request, **kwargs):
        volunteer = get_user_model().objects.get(pk=request.user.pk)  # not the lazy wrapper
        certificate = certificate_for(volunteer=volunteer)
        return pdf_attachment(bytes(certificate.pdf), filename=certificate_filename(certificate))
