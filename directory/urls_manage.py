"""URLs where the directory is kept: an organisation's offers and contact persons, the removal
link of a contact person, and the KI staff pages (under /verwaltung/verzeichnis/)."""

from django.urls import path

from . import views_manage as views

urlpatterns: list = [
    # An organisation's entries (its coordinators, KI staff with two-factor).
    path(
        "organisationen/<int:pk>/verzeichnis/",
        views.organisation_directory,
        name="organisation_directory",
    ),
    path(
        "organisationen/<int:pk>/verzeichnis/angebote/neu/",
        views.offer_create,
        name="offer_create",
    ),
    path(
        "organisationen/<int:pk>/verzeichnis/ansprechpersonen/neu/",
        views.contact_person_create,
        name="contact_person_create",
    ),
    path(
        "organisationen/<int:pk>/verzeichnis/ansprechpersonen/<int:person_pk>/loeschen/",
        views.contact_person_delete,
        name="contact_person_delete",
    ),
    path("verzeichnis/angebote/<int:pk>/bearbeiten/", views.offer_edit, name="offer_edit"),
    path("verzeichnis/angebote/<int:pk>/bestaetigen/", views.offer_confirm, name="offer_confirm"),
    path("verzeichnis/angebote/<int:pk>/loeschen/", views.offer_delete, name="offer_delete"),
    # The link in the email to a published contact person (no login).
    path(
        "verzeichnis/ansprechperson/entfernen/<str:token>/",
        views.contact_remove,
        name="contact_remove",
    ),
    # KI staff.
    path("verwaltung/verzeichnis/angebote/", views.staff_offer_list, name="staff_offer_list"),
    path(
        "verwaltung/verzeichnis/angebote/<int:pk>/ausblenden/",
        views.staff_offer_hide,
        name="staff_offer_hide",
    ),
    path(
        "verwaltung/verzeichnis/angebote/<int:pk>/einblenden/",
        views.staff_offer_unhide,
        name="staff_offer_unhide",
    ),
    path(
        "verwaltung/verzeichnis/ansprechpersonen/",
        views.staff_contact_list,
        name="staff_contact_list",
    ),
    path(
        "verwaltung/verzeichnis/ansprechpersonen/<int:pk>/loeschen/",
        views.staff_contact_delete,
        name="staff_contact_delete",
    ),
    path(
        "verwaltung/verzeichnis/kommunen/",
        views.staff_municipal_list,
        name="staff_municipal_list",
    ),
    path(
        "verwaltung/verzeichnis/kommunen/<int:pk>/entziehen/",
        views.staff_municipal_revoke,
        name="staff_municipal_revoke",
    ),
]
