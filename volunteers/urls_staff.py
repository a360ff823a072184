"""URLs of the volunteers app: staff pages (under /verwaltung/, KI staff with two-factor)."""

from django.urls import path

from . import views_staff

urlpatterns: list = [
    path(
        "organisationen/",
        views_staff.organisation_list,
        name="staff_organisation_list",
    ),
    path(
        "organisationen/<int:pk>/",
        views_staff.organisation_detail,
        name="staff_organisation_detail",
    ),
    path(
        "organisationen/<int:pk>/pruefen/",
        views_staff.organisation_verify_view,
        name="staff_organisation_verify",
    ),
    path(
        "organisationen/<int:pk>/ablehnen/",
        views_staff.organisation_reject_view,
        name="staff_organisation_reject",
    ),
    path("ehrenamtliche/", views_staff.volunteer_list, name="staff_volunteer_list"),
    path(
        "ehrenamtliche/<int:pk>/",
        views_staff.volunteer_detail,
        name="staff_volunteer_detail",
    ),
    path(
        "ehrenamtliche/<int:pk>/fuehrungszeugnis/",
        views_staff.fuehrungszeugnis_record_view,
        name="staff_fuehrungszeugnis_record",
    ),
    path("uebersicht/", views_staff.overview, name="staff_overview"),
]
