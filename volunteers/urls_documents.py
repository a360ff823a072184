"""URLs of the volunteers app: documents pages (one's own Ehrenamtsnachweis, data export and
account deletion). Included at the site root in the "volunteers" namespace."""

from django.urls import path

from . import views_documents as views

urlpatterns = [
    path("ehrenamt/nachweis/", views.ehrenamtsnachweis, name="ehrenamtsnachweis"),
    path("ehrenamt/daten/", views.my_data, name="my_data"),
    path("ehrenamt/daten/export/", views.my_data_export, name="my_data_export"),
    path("ehrenamt/daten/loeschen/", views.account_delete_view, name="account_delete"),
]
