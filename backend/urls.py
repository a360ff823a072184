from django.contrib import admin
from django.urls import include, path

from . import views
from .admin_site import configure_admin_site

configure_admin_site()

handler404 = "backend.api.exceptions.page_not_found"
handler500 = "backend.api.exceptions.server_error"

LEGAL_PAGES = {
    "impressum": "impressum",
    "datenschutz": "datenschutz",
    "barrierefreiheit": "barrierefreiheit",
}

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sprache/", views.set_language, name="set_language"),
    path("konto/", include("allauth.urls")),
    path("", include("volunteers.urls")),
    path("", include("funding.urls")),
    path("", include("notifications.urls")),
    path("", include("directory.urls")),
    path("api/", include("backend.api.urls")),
    path("admin/", admin.site.urls),
    path("postfach/", views.mailbox, name="mailbox"),
]
urlpatterns += [
    path(f"{slug}/", views.legal_page, {"page": page}, name=page)
    for slug, page in LEGAL_PAGES.items()
]
