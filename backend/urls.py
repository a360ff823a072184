from django.contrib import admin
from django.urls import include, path

from . import views, views_staff
from .accounts import views as account_views
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
    # The account overview ("Mein Konto"); allauth's pages lie below it.
    path("konto/", account_views.account_overview, name="account_overview"),
    path("konto/", include("allauth.urls")),
    # The KI team's work queue; the staff pages of the apps lie below it.
    path("verwaltung/", views_staff.work_queue, name="work_queue"),
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
