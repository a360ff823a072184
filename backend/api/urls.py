"""/api/: version 1 of the REST API, its OpenAPI schema and the interactive docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from backend.accounts.api.views import MeView
from funding.api.urls import urlpatterns as funding_api_urls
from notifications.api.views import OutboxViewSet
from volunteers.api.views import (
    AssignmentViewSet,
    ConsentViewSet,
    HelpRequestViewSet,
    HoursViewSet,
    OrganisationViewSet,
    TownViewSet,
)
from volunteers.api.views_coordination import (
    CoordinatorInvitationAcceptView,
    MyOrganisationViewSet,
    RecommendationsView,
)
from volunteers.api.views_profile import (
    AccountDeleteView,
    EhrenamtsnachweisView,
    ExportView,
    MyHoursView,
    ProfileView,
)
from volunteers.api.views_staff import (
    StaffOrganisationViewSet,
    StaffOverviewView,
    StaffVolunteerViewSet,
)
from volunteers.api.views_trainings import MyRegistrationViewSet, TrainingViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("towns", TownViewSet, basename="town")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("outbox", OutboxViewSet, basename="outbox")
router.register("help-requests", HelpRequestViewSet, basename="help-request")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("hours", HoursViewSet, basename="hours")
router.register("consents", ConsentViewSet, basename="consent")
router.register("my-organisations", MyOrganisationViewSet, basename="my-organisation")
router.register("trainings", TrainingViewSet, basename="training")
router.register("my-registrations", MyRegistrationViewSet, basename="my-registration")
router.register("staff/organisations", StaffOrganisationViewSet, basename="staff-organisation")
router.register("staff/volunteers", StaffVolunteerViewSet, basename="staff-volunteer")

v1 = [
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", ExportView.as_view(), name="me-export"),
    path("me/delete/", AccountDeleteView.as_view(), name="me-delete"),
    path("me/hours/", MyHoursView.as_view(), name="me-hours"),
    path("me/ehrenamtsnachweis/", EhrenamtsnachweisView.as_view(), name="me-ehrenamtsnachweis"),
    path("profile/", ProfileView.as_view(), name="profile"),
    path(
        "coordinator-invitations/accept/",
        CoordinatorInvitationAcceptView.as_view(),
        name="coordinator-invitation-accept",
    ),
    path("staff/overview/", StaffOverviewView.as_view(), name="staff-overview"),
    path("recommendations/", RecommendationsView.as_view(), name="recommendations"),
    *router.urls,
    *funding_api_urls,
    path("directory/", include("directory.api.urls")),
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
