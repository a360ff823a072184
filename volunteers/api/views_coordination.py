"""The coordinator side of the API: registering an organisation, its coordinators and
invitations, its help requests (drafts included), and per request the helpers, their hours and
the volunteer search to invite from.

Same rules as the HTML pages: the access functions of volunteers/selectors_coordination.py
(404 for what the user may not see, 403 for KI staff, who may see but not manage) and the
services, which check permissions themselves."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.errors import ValidationFailed
from volunteers.forms_organisations import VolunteerSearchForm
from volunteers.matching import suggest_requests, suggest_volunteers
from volunteers.matching.funnel import search_funnel, volunteer_funnel
from volunteers.models import Organisation
from volunteers.selectors_coordination import (
    help_request_get_for_coordination,
    help_request_helpers,
    help_request_hours,
    help_request_pending_hours,
    organisation_get_for_coordination,
    organisation_open_invitations,
    volunteer_get_for_invite,
    volunteer_search,
    volunteer_search_steps,
)
from volunteers.services.assignments import (
    MAX_INVITATIONS_AT_ONCE,
    assignment_invite,
    assignments_invite_many,
)
from volunteers.services.hours import hours_confirm_many
from volunteers.services.organisations import (
    coordinator_invitation_accept,
    coordinator_invitation_from_token,
    coordinator_invite,
    organisation_register,
    organisation_update_contact,
)

from .ids import object_id as _pk
from .ids import query_text
from .serializers import AssignmentSerializer, HelpRequestListSerializer
from .serializers_coordination import (
    ConfirmHoursResultSerializer,
    ConfirmHoursSerializer,
    CoordinatorInvitationSerializer,
    CoordinatorInviteSerializer,
    FunnelSerializer,
    HelperSerializer,
    InvitationTokenSerializer,
    InviteManyResultSerializer,
    InviteManySerializer,
    InviteVolunteerSerializer,
    MyOrganisationSerializer,
    OrganisationRegisterSerializer,
    RequestHoursSerializer,
    SuggestionSerializer,
    VolunteerSearchResultSerializer,
)


class OrganisationContactSerializer(serializers.Serializer):
    """What PATCH /my-organisations/{id}/ changes; fields left out keep their value."""

    contact_email = serializers.CharField(max_length=254)
    contact_phone = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Shown to confirmed helpers."
    )


SUGGESTION_LIMIT = 20
RECOMMENDATION_LIMIT = 10
SEARCH_PARAMETERS = [
    OpenApiParameter("town", str, description="Slug of a town."),
    OpenApiParameter("language", str, description="Language code, e.g. ar."),
    OpenApiParameter("activity", str, description="Slug of an activity area."),
]


def _search_filters(request) -> dict[str, str]:
    return {
        "town": query_text(request, "town"),
        "language": query_text(request, "language", 8),
        "activity": query_text(request, "activity"),
    }


@extend_schema(tags=["coordination"])
class MyOrganisationViewSet(viewsets.GenericViewSet):
    """The organisations I coordinate; registering a new one; inviting co-coordinators."""

    serializer_class = MyOrganisationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organisation.objects.none()
        return (
            Organisation.objects.filter(memberships__user=self.request.user)
            .select_related("town")
            .order_by("name", "pk")
        )

    def _get(self, pk) -> Organisation:
        return organisation_get_for_coordination(user=self.request.user, organisation_id=_pk(pk))

    @extend_schema(responses=MyOrganisationSerializer(many=True))
    def list(self, request, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MyOrganisationSerializer(page, many=True).data)

    @extend_schema(
        request=OrganisationRegisterSerializer, responses={201: MyOrganisationSerializer}
    )
    def create(self, request, **kwargs):
        """Register an organisation. It waits for the KI's verification; the caller becomes
        its first coordinator."""
        serializer = OrganisationRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = organisation_register(actor=request.user, **serializer.validated_data)
        return Response(MyOrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MyOrganisationSerializer)
    def retrieve(self, request, pk=None, **kwargs):
        return Response(MyOrganisationSerializer(self._get(pk)).data)

    @extend_schema(request=OrganisationContactSerializer, responses=MyOrganisationSerializer)
    def partial_update(self, request, pk=None, **kwargs):
        """Change the contact email and phone that confirmed helpers see."""
        organisation = self._get(pk)
        serializer = OrganisationContactSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            "contact_email": organisation.contact_email,
            "contact_phone": organisation.contact_phone,
            **serializer.validated_data,
        }
        organisation = organisation_update_contact(
            organisation=organisation, actor=request.user, **values
        )
        return Response(MyOrganisationSerializer(organisation).data)

    @extend_schema(responses=HelpRequestListSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="help-requests")
    def help_requests(self, request, pk=None, **kwargs):
        """All help requests of the organisation, drafts and closed ones included."""
        organisation = self._get(pk)
        requests = (
            organisation.help_requests.select_related("organisation", "town", "activity_area")
            .prefetch_related("languages")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(requests)
        return self.get_paginated_response(HelpRequestListSerializer(page, many=True).data)

    @extend_schema(responses=CoordinatorInvitationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def invitations(self, request, pk=None, **kwargs):
        """Invitations to coordinate that are not accepted yet."""
        organisation = self._get(pk)
        invitations = organisation_open_invitations(organisation=organisation)
        return Response(CoordinatorInvitationSerializer(invitations, many=True).data)

    @extend_schema(
        request=CoordinatorInviteSerializer, responses={201: CoordinatorInvitationSerializer}
    )
    @invitations.mapping.post
    def invite(self, request, pk=None, **kwargs):
        """Invite someone by email to coordinate the organisation (one open invitation per
        address)."""
        organisation = self._get(pk)
        serializer = CoordinatorInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = coordinator_invite(
            organisation=organisation, email=serializer.validated_data["email"], actor=request.user
        )
        return Response(
            CoordinatorInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["coordination"])
class CoordinatorInvitationAcceptView(APIView):
    """Accept an invitation to coordinate, with the token from the email's link. The account
    must hold the invited address as a verified email address."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=InvitationTokenSerializer, responses=MyOrganisationSerializer)
    def post(self, request, **kwargs):
        serializer = InvitationTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = coordinator_invitation_from_token(serializer.validated_data["token"])
        membership = coordinator_invitation_accept(invitation=invitation, actor=request.user)
        return Response(MyOrganisationSerializer(membership.organisation).data)


def organisation_for_new_request(*, user, organisation_id: int) -> Organisation:
    """The organisation a new help request is for, named in a request body. A body names
    things; so an organisation the caller does not coordinate, or one not yet verified, is a
    422 at the field, not a 404 of the URL."""
    organisation = Organisation.objects.filter(pk=organisation_id, memberships__user=user).first()
    if organisation is None:
        raise ValidationFailed(
            _("Diese Organisation gibt es nicht, oder Sie koordinieren sie nicht."),
            field="organisation",
        )
    if organisation.verified_at is None:
        raise ValidationFailed(
            _(
                "Die Organisation wird noch vom Kommunalen Integrationszentrum geprüft. "
                "Danach können Sie Hilfegesuche anlegen."
            ),
            field="organisation",
        )
    return organisation


class HelpRequestCoordinationMixin:
    """Per-request actions of coordinators, mixed into the help request view set."""

    @extend_schema(responses=HelperSerializer(many=True), tags=["coordination"])
    @action(detail=True, methods=["get"], pagination_class=None)
    def helpers(self, request, pk=None, **kwargs):
        """Everyone invited to, offering for or confirmed on the request. Contact details of
        confirmed helpers only."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        helpers = help_request_helpers(help_request=help_request)
        return Response(HelperSerializer(helpers, many=True).data)

    @extend_schema(responses=RequestHoursSerializer(many=True), tags=["coordination"])
    @action(detail=True, methods=["get"], pagination_class=None, url_path="hours")
    def request_hours(self, request, pk=None, **kwargs):
        """Hours logged on the request, those waiting for an answer first."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        entries = help_request_hours(help_request=help_request)
        return Response(RequestHoursSerializer(entries, many=True).data)

    @extend_schema(
        request=ConfirmHoursSerializer,
        responses=ConfirmHoursResultSerializer,
        tags=["coordination"],
    )
    @action(detail=True, methods=["post"], url_path="hours/confirm-all")
    def confirm_hours(self, request, pk=None, **kwargs):
        """Confirm several pending hours of the request at once ("Alle bestätigen"), each
        through the same confirmation as one: those that cannot be (answered meanwhile, not
        on this request) are listed under "refused" with the reason."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        serializer = ConfirmHoursSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(serializer.validated_data["entries"]))
        entries = help_request_pending_hours(help_request=help_request, ids=ids)
        result = hours_confirm_many(entries=entries, actor=request.user)
        found = {entry.pk for entry in entries}
        refused = [
            {"entry": i, "detail": _("Diese Stunden gehören nicht zu diesem Hilfegesuch.")}
            for i in ids
            if i not in found
        ] + [{"entry": entry.pk, "detail": reason} for entry, reason in result.refused]
        body = {"confirmed": result.confirmed, "refused": refused}
        return Response(ConfirmHoursResultSerializer(body).data)

    @extend_schema(
        responses=VolunteerSearchResultSerializer(many=True),
        parameters=SEARCH_PARAMETERS,
        tags=["coordination"],
    )
    @action(detail=True, methods=["get"])
    def volunteers(self, request, pk=None, **kwargs):
        """Volunteers who may be asked for this request, by town, language and activity."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        profiles = volunteer_search(help_request=help_request, **_search_filters(request))
        page = self.paginate_queryset(profiles)
        return self.get_paginated_response(VolunteerSearchResultSerializer(page, many=True).data)

    @extend_schema(responses=FunnelSerializer, parameters=SEARCH_PARAMETERS, tags=["coordination"])
    @action(detail=True, methods=["get"], url_path="volunteers-funnel")
    def volunteers_funnel(self, request, pk=None, **kwargs):
        """The volunteer search with the same filters, step by step: how many people remain
        after each filter (which one leaves nobody, when the search finds nobody)."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        filters = _search_filters(request)
        labels = VolunteerSearchForm(filters).step_labels()
        steps = volunteer_search_steps(help_request=help_request, **filters)
        return Response(FunnelSerializer(search_funnel(steps, help_request, labels=labels)).data)

    @extend_schema(responses=FunnelSerializer, tags=["coordination"])
    @action(detail=True, methods=["get"], url_path="suggestions-funnel")
    def suggestions_funnel(self, request, pk=None, **kwargs):
        """The suggestions' hard filters step by step (contactable, in reach, the request's
        requirements, weekly budget, already asked): how many people remain after each;
        `blocking` names the one after which nobody was left."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        return Response(FunnelSerializer(volunteer_funnel(help_request)).data)

    @extend_schema(
        request=InviteVolunteerSerializer,
        responses={201: AssignmentSerializer},
        tags=["coordination"],
    )
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None, **kwargs):
        """Invite a volunteer from the search; they answer on the site or from the email."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        serializer = InviteVolunteerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        volunteer = volunteer_get_for_invite(user_id=serializer.validated_data["volunteer"])
        if volunteer is None:
            raise ValidationFailed(
                _("Diese Person kann nicht eingeladen werden."), field="volunteer"
            )
        assignment = assignment_invite(
            help_request=help_request,
            volunteer=volunteer,
            actor=request.user,
            message=serializer.validated_data["message"],
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SuggestionSerializer(many=True), tags=["coordination"])
    @action(detail=True, methods=["get"], pagination_class=None)
    def suggestions(self, request, pk=None, **kwargs):
        """The best-fitting volunteers for the request (at most 20), each with the reasons.
        Only volunteers who pass every hard filter and may still be asked this week."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        found = suggest_volunteers(help_request, limit=SUGGESTION_LIMIT)
        return Response(SuggestionSerializer(found, many=True).data)

    @extend_schema(
        request=InviteManySerializer,
        responses={200: InviteManyResultSerializer},
        tags=["coordination"],
    )
    @action(detail=True, methods=["post"], url_path="invite-many")
    def invite_many(self, request, pk=None, **kwargs):
        """Invite several volunteers at once. Each is invited on its own: those who cannot be
        (unknown, asked already, budget used up) are listed under "refused" with the reason."""
        help_request = help_request_get_for_coordination(user=request.user, request_id=_pk(pk))
        serializer = InviteManySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(serializer.validated_data["volunteers"]))
        if not 1 <= len(ids) <= MAX_INVITATIONS_AT_ONCE:
            raise ValidationFailed(
                _("Bitte zwischen 1 und %(n)d Personen angeben.") % {"n": MAX_INVITATIONS_AT_ONCE},
                field="volunteers",
            )
        found = {i: volunteer_get_for_invite(user_id=i) for i in ids}
        result = assignments_invite_many(
            help_request=help_request,
            volunteers=[v for v in found.values() if v is not None],
            actor=request.user,
            message=serializer.validated_data["message"],
        )
        refused = [
            {"volunteer": i, "detail": _("Diese Person kann nicht eingeladen werden.")}
            for i, volunteer in found.items()
            if volunteer is None
        ] + [{"volunteer": v.pk, "detail": reason} for v, reason in result.refused]
        body = {"invited": result.invited, "refused": refused}
        return Response(InviteManyResultSerializer(body).data)


class RecommendationSerializer(serializers.Serializer):
    help_request = HelpRequestListSerializer(source="item")
    score = serializers.FloatField(help_text="Higher is better; comparable within one list.")
    reasons = serializers.ListField(child=serializers.CharField())


@extend_schema(tags=["help-requests"])
class RecommendationsView(APIView):
    """Open requests that fit me best, each with the reasons (empty until my profile is
    complete)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RecommendationSerializer(many=True))
    def get(self, request, **kwargs):
        found = suggest_requests(request.user, limit=RECOMMENDATION_LIMIT)
        return Response(RecommendationSerializer(found, many=True).data)
