import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response

from volunteers.models import Assignment, Consent, HelpRequest, HoursEntry, Organisation, Town
from volunteers.permissions import (
    assignment_get_for_view,
    help_request_get_for_manage,
    help_request_get_for_view,
    is_member_of,
)
from volunteers.selectors import (
    help_request_list_public,
    organisation_list_public,
    volunteer_assignments,
)
from volunteers.services.assignments import (
    assignment_accept,
    assignment_decline,
    assignment_offer,
    assignment_offer_withdraw,
    assignment_withdraw,
)
from volunteers.services.consents import consent_give, consent_withdraw
from volunteers.services.help_requests import (
    help_request_close,
    help_request_create,
    help_request_open,
    help_request_update,
)
from volunteers.services.hours import hours_confirm, hours_log, hours_reject

from .ids import object_id as _pk
from .ids import query_text
from .serializers import (
    AssignmentSerializer,
    ConsentSerializer,
    ConsentStatusSerializer,
    DeclineSerializer,
    HelpRequestCloseSerializer,
    HelpRequestDetailSerializer,
    HelpRequestListSerializer,
    HelpRequestWriteSerializer,
    HoursEntrySerializer,
    HoursLogSerializer,
    MyAssignmentSerializer,
    OfferSerializer,
    OrganisationPublicSerializer,
    TownSerializer,
)
from .serializers_coordination import HelpRequestCreateSerializer
from .views_coordination import HelpRequestCoordinationMixin, organisation_for_new_request


class TownViewSet(viewsets.ReadOnlyModelViewSet):
    """The district's towns and municipalities (public reference data)."""

    queryset = Town.objects.all()
    serializer_class = TownSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"
    filterset_fields = ["kind"]
    ordering_fields = ["name"]


class OrganisationFilter(django_filters.FilterSet):
    town = django_filters.CharFilter(field_name="town__slug")

    class Meta:
        model = Organisation
        fields = ["kind", "town"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Verified organisations (public: no personal data)."""

    serializer_class = OrganisationPublicSerializer
    permission_classes = [AllowAny]
    filterset_class = OrganisationFilter
    ordering_fields = ["name"]

    def get_queryset(self):
        return organisation_list_public()


# --- Help requests, assignments, hours, consents ---------------------------------------------
# Parse input, call one access function and one service, render. Services check permissions
# themselves; DomainError, PermissionDenied and Http404 propagate to the one exception handler.


class HasCompleteVolunteerProfile(BasePermission):
    """Only volunteers (a complete profile) offer help; others get 403, not a 400 later."""

    message = "Nur mit vollständigem Ehrenamtsprofil."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        profile = getattr(user, "volunteer_profile", None)
        return profile is not None and profile.is_complete


def _languages(data: dict) -> list[tuple[str, int]] | None:
    rows = data.pop("languages", None)
    if rows is None:
        return None
    return [(row["code"], row["min_level"]) for row in rows]


def _show_address(user, help_request: HelpRequest) -> bool:
    if is_member_of(user, help_request.organisation):
        return True
    return (
        user.is_authenticated
        and help_request.assignments.filter(
            volunteer=user, status=Assignment.Status.CONFIRMED
        ).exists()
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("town", str, description="Slug of a town."),
            OpenApiParameter("activity", str, description="Slug of an activity area."),
            OpenApiParameter("language", str, description="Language code, e.g. ar."),
        ]
    )
)
@extend_schema(tags=["help-requests"])
class HelpRequestViewSet(HelpRequestCoordinationMixin, viewsets.GenericViewSet):
    """Help requests: the public list of open ones, details, and what coordinators and
    volunteers do with them."""

    serializer_class = HelpRequestDetailSerializer
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        if self.action == "offer":
            return [HasCompleteVolunteerProfile()]
        return [IsAuthenticated()]

    def get_queryset(self):
        request = self.request
        return help_request_list_public(
            town=query_text(request, "town"),
            activity=query_text(request, "activity"),
            language=query_text(request, "language", 8),
        )

    def _detail(self, help_request: HelpRequest, *, status_code=status.HTTP_200_OK) -> Response:
        user = self.request.user
        help_request = help_request_get_for_view(user=user, request_id=help_request.pk)
        context = {"show_address": _show_address(user, help_request)}
        return Response(
            HelpRequestDetailSerializer(help_request, context=context).data, status_code
        )

    @extend_schema(responses=HelpRequestListSerializer(many=True))
    def list(self, request, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(HelpRequestListSerializer(page, many=True).data)

    @extend_schema(responses=HelpRequestDetailSerializer)
    def retrieve(self, request, pk=None, **kwargs):
        return self._detail(help_request_get_for_view(user=request.user, request_id=_pk(pk)))

    @extend_schema(
        request=HelpRequestCreateSerializer, responses={201: HelpRequestDetailSerializer}
    )
    def create(self, request, **kwargs):
        """A new draft of an organisation the caller coordinates (verified organisations
        only). Open it with POST .../open/."""
        serializer = HelpRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = organisation_for_new_request(
            user=request.user, organisation_id=data.pop("organisation")
        )
        languages = _languages(data)
        help_request = help_request_create(
            organisation=organisation, actor=request.user, data=data, languages=languages
        )
        return self._detail(help_request, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=HelpRequestWriteSerializer(partial=True), responses=HelpRequestDetailSerializer
    )
    def partial_update(self, request, pk=None, **kwargs):
        help_request = help_request_get_for_manage(user=request.user, request_id=_pk(pk))
        serializer = HelpRequestWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        languages = _languages(data)
        help_request = help_request_update(
            help_request=help_request, actor=request.user, data=data, languages=languages
        )
        return self._detail(help_request)

    @extend_schema(request=None, responses=HelpRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None, **kwargs):
        help_request = help_request_get_for_manage(user=request.user, request_id=_pk(pk))
        return self._detail(help_request_open(help_request=help_request, actor=request.user))

    @extend_schema(request=HelpRequestCloseSerializer, responses=HelpRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, **kwargs):
        help_request = help_request_get_for_manage(user=request.user, request_id=_pk(pk))
        serializer = HelpRequestCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        help_request = help_request_close(
            help_request=help_request, actor=request.user, note=serializer.validated_data["note"]
        )
        return self._detail(help_request)

    @extend_schema(request=OfferSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def offer(self, request, pk=None, **kwargs):
        help_request = help_request_get_for_view(user=request.user, request_id=_pk(pk))
        serializer = OfferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = assignment_offer(
            help_request=help_request,
            volunteer=request.user,
            message=serializer.validated_data["message"],
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["assignments"])
class AssignmentViewSet(viewsets.GenericViewSet):
    """My assignments as a volunteer (with the invitation's message, when the request takes
    place, and once confirmed the contact and meeting place); answering, withdrawing an
    offer, ending an assignment and logging hours."""

    serializer_class = MyAssignmentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return volunteer_assignments(user=self.request.user)

    @extend_schema(responses=MyAssignmentSerializer(many=True))
    def list(self, request, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MyAssignmentSerializer(page, many=True).data)

    def _answer(self, service, pk) -> Response:
        assignment = assignment_get_for_view(user=self.request.user, assignment_id=_pk(pk))
        assignment = service(assignment=assignment, actor=self.request.user)
        return Response(MyAssignmentSerializer(assignment).data)

    @extend_schema(request=None, responses=MyAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, **kwargs):
        return self._answer(assignment_accept, pk)

    @extend_schema(request=DeclineSerializer, responses=MyAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None, **kwargs):
        """Decline an invitation (the volunteer) or an offer (a coordinator), with an
        optional reason the other side sees."""
        assignment = assignment_get_for_view(user=request.user, assignment_id=_pk(pk))
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = assignment_decline(
            assignment=assignment, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(MyAssignmentSerializer(assignment).data)

    @extend_schema(request=None, responses=MyAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, **kwargs):
        return self._answer(assignment_withdraw, pk)

    @extend_schema(request=None, responses=MyAssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-offer")
    def withdraw_offer(self, request, pk=None, **kwargs):
        """Take back my offer of help while the initiative has not answered it (409 once
        it has)."""
        return self._answer(assignment_offer_withdraw, pk)

    @extend_schema(request=HoursLogSerializer, responses={201: HoursEntrySerializer})
    @action(detail=True, methods=["post"])
    def hours(self, request, pk=None, **kwargs):
        assignment = assignment_get_for_view(user=request.user, assignment_id=_pk(pk))
        if assignment.volunteer_id != request.user.pk:
            # hours_log's own rule, checked before parsing: others get 403, not a 400.
            raise PermissionDenied
        serializer = HoursLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = hours_log(assignment=assignment, actor=request.user, **serializer.validated_data)
        return Response(HoursEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["assignments"])
class HoursViewSet(viewsets.GenericViewSet):
    """Coordinators confirm or reject logged hours."""

    serializer_class = HoursEntrySerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    queryset = HoursEntry.objects.none()
    lookup_value_regex = "[0-9]+"

    def _review(self, service, pk) -> Response:
        entry = HoursEntry.objects.filter(pk=_pk(pk)).first()
        if entry is None:
            raise Http404
        # Visible to whoever may see its assignment (404 otherwise); the service says 403.
        entry.assignment = assignment_get_for_view(
            user=self.request.user, assignment_id=entry.assignment_id
        )
        entry = service(entry=entry, actor=self.request.user)
        return Response(HoursEntrySerializer(entry).data)

    @extend_schema(request=None, responses=HoursEntrySerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, **kwargs):
        return self._review(hours_confirm, pk)

    @extend_schema(request=None, responses=HoursEntrySerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        return self._review(hours_reject, pk)


@extend_schema(tags=["consents"])
class ConsentViewSet(viewsets.GenericViewSet):
    """My consents (the ledger), giving and withdrawing them."""

    serializer_class = ConsentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    lookup_field = "kind"
    lookup_value_regex = "|".join(Consent.Kind.values)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Consent.objects.none()
        return Consent.objects.filter(user=self.request.user).order_by("-given_at", "-id")

    @extend_schema(responses=ConsentSerializer(many=True))
    def list(self, request, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ConsentSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses=ConsentStatusSerializer,
        parameters=[OpenApiParameter("kind", str, "path", enum=Consent.Kind.values)],
    )
    @action(detail=True, methods=["post"])
    def give(self, request, kind=None, **kwargs):
        consent_give(user=request.user, kind=kind)
        return Response({"kind": kind, "active": True})

    @extend_schema(
        request=None,
        responses=ConsentStatusSerializer,
        parameters=[OpenApiParameter("kind", str, "path", enum=Consent.Kind.values)],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, kind=None, **kwargs):
        consent_withdraw(user=request.user, kind=kind)
        return Response({"kind": kind, "active": False})
