"""/api/: version 1 of the REST API, its OpenAPI schema and the interactive docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from backend.accounts.api.views import MeView
from notifications.api.views import OutboxViewSet
from volunteers.api.views import (
    AssignmentViewSet,
    ConsentViewSet,
    HelpRequestViewSet,
    HoursViewSet,
    OrganisationViewSet,
    TownViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("towns", TownViewSet, basename="town")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("outbox", OutboxViewSet, basename="outbox")
router.register("help-requests", HelpRequestViewSet, basename="help-request")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("hours", HoursViewSet, basename="hours")
router.register("consents", ConsentViewSet, basename="consent")

v1 = [
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]
