"""Trainings: public list and detail, registration and offers; staff pages."""

from django.urls import path

from . import views_trainings as views

urlpatterns: list = [
    path("schulungen/", views.training_list, name="training_list"),
    path("schulungen/<int:pk>/", views.training_detail, name="training_detail"),
    path("schulungen/<int:pk>/anmelden/", views.training_register, name="training_register"),
    path(
        "schulungen/anmeldung/<int:pk>/abmelden/",
        views.registration_cancel,
        name="training_registration_cancel",
    ),
    path("schulungen/angebot/<str:token>/", views.training_offer_link, name="training_offer_link"),
    path("verwaltung/schulungen/", views.staff_training_list, name="staff_training_list"),
    path("verwaltung/schulungen/neu/", views.staff_training_create, name="staff_training_create"),
    path(
        "verwaltung/schulungen/<int:pk>/",
        views.staff_training_detail,
        name="staff_training_detail",
    ),
    path(
        "verwaltung/schulungen/<int:pk>/veroeffentlichen/",
        views.staff_training_publish,
        name="staff_training_publish",
    ),
    path(
        "verwaltung/schulungen/<int:pk>/absagen/",
        views.staff_training_cancel,
        name="staff_training_cancel",
    ),
    path(
        "verwaltung/schulungen/anmeldung/<int:pk>/vorziehen/",
        views.staff_registration_move_up,
        name="staff_registration_move_up",
    ),
    path(
        "verwaltung/schulungen/termin/<int:pk>/anwesenheit/",
        views.staff_attendance,
        name="staff_attendance",
    ),
]
