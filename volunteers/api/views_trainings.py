"""Trainings over the API: the public list and detail with the seats left, registering,
leaving, answering a seat offer, my registrations; for KI staff the registrations of a
training in queue order. Same services as the pages (volunteers/services/trainings.py)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from backend.api.permissions import IsKIStaff
from volunteers.models import Registration, Training, TrainingSession
from volunteers.services import trainings as services

from .ids import object_id


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingSession
        fields = ["starts_at", "ends_at"]
        read_only_fields = fields


class TrainingSerializer(serializers.ModelSerializer):
    sessions = SessionSerializer(many=True, read_only=True)
    # Empty when the training is not online: a plain string, not format "uri".
    online_url = serializers.CharField(read_only=True, help_text="Link to join online, or empty.")
    seats_left = serializers.IntegerField(read_only=True)
    qualification = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "description",
            "place",
            "online_url",
            "capacity",
            "seats_left",
            "registration_opens_at",
            "registration_closes_at",
            "cancellation_deadline",
            "language",
            "target_group",
            "hours_credited",
            "qualification",
            "sessions",
        ]
        read_only_fields = fields


class RegistrationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True,
        help_text="confirmed, waitlisted, offered, cancelled, offer_declined or offer_expired.",
    )
    position = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "training",
            "status",
            "position",
            "registered_at",
            "confirmed_at",
            "offer_expires_at",
        ]
        read_only_fields = fields

    def get_position(self, obj) -> int | None:
        """Place on the waiting list (1 = next), null when not waiting."""
        return services.waitlist_position(obj)


class StaffRegistrationSerializer(RegistrationSerializer):
    name = serializers.CharField(source="volunteer.get_full_name", read_only=True)
    email = serializers.EmailField(source="volunteer.email", read_only=True)

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "name", "email"]
        read_only_fields = fields


class OfferAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["confirm", "decline"])


@extend_schema(tags=["trainings"])
class TrainingViewSet(viewsets.GenericViewSet):
    """Published trainings that have not started, the next first."""

    serializer_class = TrainingSerializer
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        if self.action == "registrations":
            return [IsKIStaff()]
        return [IsAuthenticated()]

    def get_queryset(self):
        return (
            Training.objects.filter(status=Training.Status.PUBLISHED)
            .select_related("qualification")
            .prefetch_related("sessions")
            .order_by("first_starts_at", "pk")
        )

    def _get(self, pk) -> Training:
        training = self.get_queryset().filter(pk=object_id(pk)).first()
        if training is None:
            raise Http404
        return training

    @extend_schema(responses=TrainingSerializer(many=True))
    def list(self, request, **kwargs):
        upcoming = self.get_queryset().filter(first_starts_at__gte=timezone.now())
        page = self.paginate_queryset(upcoming)
        return self.get_paginated_response(TrainingSerializer(page, many=True).data)

    @extend_schema(responses=TrainingSerializer)
    def retrieve(self, request, pk=None, **kwargs):
        return Response(TrainingSerializer(self._get(pk)).data)

    @extend_schema(request=None, responses={201: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None, **kwargs):
        """A seat if one is left, else a place on the waiting list (see "position")."""
        registration = services.registration_create(training=self._get(pk), volunteer=request.user)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=StaffRegistrationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def registrations(self, request, pk=None, **kwargs):
        """KI staff: every registration of the training in queue order."""
        training = Training.objects.filter(pk=object_id(pk)).first()
        if training is None:
            raise Http404
        rows = training.registrations.select_related("volunteer").order_by("queued_at", "pk")
        return Response(StaffRegistrationSerializer(rows, many=True).data)


@extend_schema(tags=["trainings"])
class MyRegistrationViewSet(viewsets.GenericViewSet):
    """My training registrations; leaving one; answering a seat offer."""

    serializer_class = RegistrationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return Registration.objects.filter(volunteer=self.request.user).order_by(
            "-registered_at", "-pk"
        )

    def _own(self, pk) -> Registration:
        registration = self.get_queryset().filter(pk=object_id(pk)).first()
        if registration is None:
            raise Http404
        return registration

    @extend_schema(responses=RegistrationSerializer(many=True))
    def list(self, request, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        """Leave: a seat only before the cancellation deadline (it then goes to the first in
        line), the waiting list or an offer any time."""
        registration = services.registration_cancel(registration=self._own(pk), actor=request.user)
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=OfferAnswerSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None, **kwargs):
        """Confirm or decline an offered seat before the offer expires."""
        registration = self._own(pk)
        serializer = OfferAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.offer_answer(
            registration=registration,
            answer=serializer.validated_data["answer"],
            actor=request.user,
        )
        return Response(RegistrationSerializer(registration).data)
