"""Calendar files: a training's .ics, the personal calendar feed (secret token URL), and the
volunteer's page to copy or reset its address."""

from django.urls import path

from . import views_calendar as views

urlpatterns: list = [
    path("schulungen/<int:pk>/kalender.ics", views.training_calendar, name="training_calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("ehrenamt/kalender/", views.calendar_page, name="calendar"),
    path("ehrenamt/kalender/zuruecksetzen/", views.calendar_reset, name="calendar_reset"),
]
