"""Public pages of the directory, under /verzeichnis/ (no login)."""

from django.urls import path

from . import views_public as views

urlpatterns = [
    path("verzeichnis/", views.index, name="index"),
    path("verzeichnis/suche/", views.search, name="search"),
    path("verzeichnis/orte/<slug:slug>/", views.town, name="town"),
    path("verzeichnis/orte/<slug:slug>/angebote.ics", views.town_ics, name="town_ics"),
    path("verzeichnis/themen/<slug:kind>/", views.topic, name="topic"),
    path("verzeichnis/sprachen/<str:code>/", views.language, name="language"),
    path("verzeichnis/organisationen/<int:pk>/", views.organisation, name="organisation"),
    path("verzeichnis/angebote/<int:pk>/", views.offer, name="offer"),
]
