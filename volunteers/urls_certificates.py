"""Teilnahmebescheinigungen: public verification, one's own certificates, staff issuing and
revoking. Included at the site root in the "volunteers" namespace, so staff paths carry their
/verwaltung/ prefix here."""

from django.urls import path

from . import views_certificates as views

urlpatterns = [
    path("bescheinigung/pruefen/", views.certificate_verify_form, name="certificate_verify_form"),
    path("bescheinigung/pruefen/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("ehrenamt/bescheinigungen/", views.my_certificates, name="my_certificates"),
    path(
        "ehrenamt/bescheinigungen/<int:pk>/pdf/",
        views.certificate_download,
        name="certificate_download",
    ),
    path(
        "verwaltung/schulungen/<int:pk>/bescheinigungen/",
        views.staff_training_certificates,
        name="staff_training_certificates",
    ),
    path(
        "verwaltung/schulungen/<int:pk>/bescheinigungen/ausstellen/",
        views.staff_certificates_issue,
        name="staff_certificates_issue",
    ),
    path(
        "verwaltung/schulungen/bescheinigungen/lauf/<int:pk>/",
        views.staff_certificate_job,
        name="staff_certificate_job",
    ),
    path(
        "verwaltung/schulungen/bescheinigung/<int:pk>/widerrufen/",
        views.staff_certificate_revoke,
        name="staff_certificate_revoke",
    ),
]
