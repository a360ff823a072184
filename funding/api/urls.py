"""Funding endpoints, mounted under /api/v1/ (namespace api:v1) by backend/api/urls.py."""

from rest_framework.routers import DefaultRouter

from .views import ApplicationViewSet, AttachmentViewSet, PaymentViewSet, ProgrammeYearViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("funding/programme-years", ProgrammeYearViewSet, basename="funding-programme-year")
router.register("funding/applications", ApplicationViewSet, basename="funding-application")
router.register("funding/attachments", AttachmentViewSet, basename="funding-attachment")
router.register("funding/payments", PaymentViewSet, basename="funding-payment")

urlpatterns: list = [*router.urls]
