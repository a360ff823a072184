"""URLs of the volunteers app: organisations pages (the coordinator side)."""

from django.urls import path

from . import views_organisations as views

urlpatterns: list = [
    path("organisation/", views.organisation_list, name="organisation_list"),
    path(
        "organisation/registrieren/",
        views.organisation_register,
        name="organisation_register",
    ),
    path("organisation/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisation/<int:pk>/kontakt/",
        views.organisation_contact,
        name="organisation_contact",
    ),
    path(
        "organisation/einladung/<str:token>/",
        views.coordinator_invitation_accept,
        name="coordinator_invitation_accept",
    ),
    path(
        "organisation/<int:pk>/hilfegesuch/neu/",
        views.help_request_create,
        name="help_request_create",
    ),
    path(
        "hilfegesuche/<int:pk>/bearbeiten/",
        views.help_request_edit,
        name="help_request_edit",
    ),
    path(
        "hilfegesuche/<int:pk>/veroeffentlichen/",
        views.help_request_status,
        {"action": "open"},
        name="help_request_publish",
    ),
    path(
        "hilfegesuche/<int:pk>/schliessen/",
        views.help_request_status,
        {"action": "close"},
        name="help_request_close",
    ),
    path(
        "hilfegesuche/<int:pk>/helfende/",
        views.help_request_manage,
        name="help_request_manage",
    ),
    path(
        "hilfegesuche/<int:pk>/helfende/einladen/",
        views.help_request_invite,
        name="help_request_invite",
    ),
    path(
        "hilfegesuche/<int:pk>/helfende/vorschlaege-einladen/",
        views.help_request_invite_suggested,
        name="help_request_invite_suggested",
    ),
    *[
        path(
            f"hilfegesuche/<int:pk>/helfende/<int:assignment_pk>/{slug}/",
            views.help_request_assignment,
            {"action": action},
            name=f"help_request_assignment_{action}",
        )
        for action, slug in (
            ("accept", "annehmen"),
            ("decline", "ablehnen"),
            ("withdraw", "zurueckziehen"),
        )
    ],
    path(
        "hilfegesuche/<int:pk>/stunden/alle-bestaetigen/",
        views.help_request_hours_confirm_all,
        name="help_request_hours_confirm_all",
    ),
    *[
        path(
            f"hilfegesuche/<int:pk>/stunden/<int:entry_pk>/{slug}/",
            views.help_request_hours_review,
            {"action": action},
            name=f"help_request_hours_{action}",
        )
        for action, slug in (("confirm", "bestaetigen"), ("reject", "ablehnen"))
    ],
]
