"""KI staff pages: work queue, review and decisions, payments, budget overview, exports,
programme years."""

from django.urls import path

from . import views_staff as views

urlpatterns: list = [
    path("verwaltung/foerderung/", views.staff_queue, name="staff_queue"),
    path(
        "verwaltung/foerderung/antrag/<int:pk>/",
        views.staff_application_detail,
        name="staff_application_detail",
    ),
    path(
        "verwaltung/foerderung/antrag/<int:pk>/<str:action>/",
        views.staff_application_action,
        name="staff_application_action",
    ),
    path(
        "verwaltung/foerderung/mittelabruf/<int:pk>/<str:action>/",
        views.staff_payment_action,
        name="staff_payment_action",
    ),
    path("verwaltung/foerderung/budget/", views.staff_budget, name="staff_budget"),
    path(
        "verwaltung/foerderung/export/<int:year_pk>.<str:fmt>",
        views.staff_export,
        name="staff_export",
    ),
    path("verwaltung/foerderung/programme/", views.staff_programmes, name="staff_programmes"),
    path(
        "verwaltung/foerderung/programme/neu/",
        views.staff_programme_create,
        name="staff_programme_create",
    ),
    path(
        "verwaltung/foerderung/programme/jahr/neu/",
        views.staff_year_create,
        name="staff_year_create",
    ),
    path(
        "verwaltung/foerderung/programme/jahr/<int:pk>/",
        views.staff_year_edit,
        name="staff_year_edit",
    ),
]
