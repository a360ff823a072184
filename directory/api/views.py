"""The public directory as a read-only API (no login): offers, organisations, towns. The same
selectors as the public pages, so both show the same rows."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from volunteers.api.ids import object_id

from ..selectors import offers_public, organisations_public
from ..selectors_public import offer_get_public, towns_with_counts
from .serializers import (
    DirectoryOfferFilterSerializer,
    DirectoryOfferSerializer,
    DirectoryOrganisationFilterSerializer,
    DirectoryOrganisationSerializer,
    DirectoryTownSerializer,
)


class PublicReadOnly:
    permission_classes = [AllowAny]
    filter_backends: list = []


def _filters(serializer_class, request) -> dict:
    """Validated query parameters (400/422 in the API's error format when they are not)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(tags=["directory"])
class DirectoryOfferViewSet(
    PublicReadOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Offers of verified organisations, neither hidden by the KI nor out of date."""

    serializer_class = DirectoryOfferSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return offers_public()

    @extend_schema(
        parameters=[DirectoryOfferFilterSerializer],
        responses=DirectoryOfferSerializer(many=True),
    )
    def list(self, request, **kwargs):
        filters = _filters(DirectoryOfferFilterSerializer, request)
        rows = offers_public(
            town=filters.get("town"),
            kind=filters.get("kind", ""),
            language=filters.get("language", ""),
            query=filters.get("q", "").strip(),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DirectoryOfferSerializer(page, many=True).data)

    @extend_schema(responses=DirectoryOfferSerializer)
    def retrieve(self, request, pk=None, **kwargs):
        return Response(DirectoryOfferSerializer(offer_get_public(object_id(pk))).data)


@extend_schema(tags=["directory"])
class DirectoryOrganisationViewSet(PublicReadOnly, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Verified organisations, by name; `q` as on the directory's search page."""

    serializer_class = DirectoryOrganisationSerializer

    def get_queryset(self):
        return organisations_public()

    @extend_schema(
        parameters=[DirectoryOrganisationFilterSerializer],
        responses=DirectoryOrganisationSerializer(many=True),
    )
    def list(self, request, **kwargs):
        filters = _filters(DirectoryOrganisationFilterSerializer, request)
        rows = organisations_public(town=filters.get("town"), query=filters.get("q", ""))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DirectoryOrganisationSerializer(page, many=True).data)


@extend_schema(tags=["directory"])
class DirectoryTownViewSet(PublicReadOnly, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The district's towns with their numbers of public offers and verified organisations."""

    serializer_class = DirectoryTownSerializer

    def get_queryset(self):
        return towns_with_counts()
