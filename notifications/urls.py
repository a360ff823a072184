from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("verwaltung/benachrichtigungen/", views.outbox, name="outbox"),
    path("verwaltung/benachrichtigungen/test/", views.send_test, name="send_test"),
    path("verwaltung/benachrichtigungen/<int:pk>/erneut-senden/", views.resend, name="resend"),
    path("benachrichtigungen/", views.inbox, name="inbox"),
    path("benachrichtigungen/gelesen/", views.mark_read, name="mark_read"),
    path("benachrichtigungen/einstellungen/", views.preferences, name="preferences"),
    path("benachrichtigungen/<int:pk>/", views.open_notification, name="open"),
    path("benachrichtigungen/abbestellen/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
