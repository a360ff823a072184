"""Figures per town: a town administration's own town, and every town for KI staff."""

from django.urls import path

from . import views_figures as views

urlpatterns: list = [
    path("kommune/", views.municipal_figures, name="municipal_figures"),
    path("kommune/export.csv", views.municipal_figures_export, name="municipal_figures_export"),
    path("kommune/<slug:town>/", views.municipal_figures, name="municipal_town_figures"),
    path("verwaltung/verzeichnis/zahlen/", views.staff_figures, name="staff_figures"),
    path(
        "verwaltung/verzeichnis/zahlen/export.<str:fmt>",
        views.staff_figures_export,
        name="staff_figures_export",
    ),
    path(
        "verwaltung/verzeichnis/zahlen/<slug:town>/",
        views.staff_town_figures,
        name="staff_town_figures",
    ),
]
