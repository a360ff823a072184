from django.urls import include, path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("hilfegesuche/", views.help_request_list, name="help_request_list"),
    path("hilfegesuche/<int:pk>/", views.help_request_detail, name="help_request_detail"),
    path("hilfegesuche/<int:pk>/anbieten/", views.help_request_offer, name="help_request_offer"),
    path(
        "einsatz/<int:pk>/zusagen/",
        views.assignment_action,
        {"action": "accept"},
        name="assignment_accept",
    ),
    path(
        "einsatz/<int:pk>/absagen/",
        views.assignment_action,
        {"action": "decline"},
        name="assignment_decline",
    ),
    path(
        "einsatz/<int:pk>/beenden/",
        views.assignment_action,
        {"action": "withdraw"},
        name="assignment_withdraw",
    ),
    path(
        "einsatz/<int:pk>/angebot-zurueckziehen/",
        views.assignment_action,
        {"action": "withdraw_offer"},
        name="assignment_withdraw_offer",
    ),
    path(
        "einsatz/antwort/<str:token>/", views.assignment_answer_link, name="assignment_answer_link"
    ),
    path("einsatz/<int:pk>/stunden/", views.hours_create, name="hours_create"),
    path("ehrenamt/", views.dashboard, name="dashboard"),
    path("", include("volunteers.urls_profile")),
    path("", include("volunteers.urls_organisations")),
    path("", include("volunteers.urls_documents")),
    path("", include("volunteers.urls_trainings")),
    path("", include("volunteers.urls_certificates")),
    path("", include("volunteers.urls_calendar")),
    path("verwaltung/", include("volunteers.urls_staff")),
]
