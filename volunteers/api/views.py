import django_filters
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from volunteers.models import Organisation, Town
from volunteers.selectors import organisation_list_public

from .serializers import OrganisationPublicSerializer, TownSerializer


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
