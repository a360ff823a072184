"""/api/v1/directory/: the public directory (read-only, no login). Included by
backend/api/urls.py inside the v1 namespace (names v1:directory-...)."""

from rest_framework.routers import DefaultRouter

from .views import DirectoryOfferViewSet, DirectoryOrganisationViewSet, DirectoryTownViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("offers", DirectoryOfferViewSet, basename="directory-offer")
router.register("organisations", DirectoryOrganisationViewSet, basename="directory-organisation")
router.register("towns", DirectoryTownViewSet, basename="directory-town")

urlpatterns = router.urls
