"""Applicant pages: an organisation's applications, drafting, submitting, payments, proof of use.
Attachments and letters are downloaded through the same URLs by staff (access decides)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("foerderung/", views.application_list, name="application_list"),
    path("foerderung/neu/", views.application_create, name="application_create"),
    path("foerderung/antrag/<int:pk>/", views.application_detail, name="application_detail"),
    path("foerderung/antrag/<int:pk>/bearbeiten/", views.application_edit, name="application_edit"),
    path(
        "foerderung/antrag/<int:pk>/einreichen/",
        views.application_submit,
        name="application_submit",
    ),
    path(
        "foerderung/antrag/<int:pk>/zurueckziehen/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "foerderung/antrag/<int:pk>/anlagen/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path("foerderung/anlage/<int:pk>/", views.attachment_download, name="attachment_download"),
    path(
        "foerderung/anlage/<int:pk>/loeschen/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("foerderung/antrag/<int:pk>/bescheid/", views.letter_download, name="letter_download"),
    path(
        "foerderung/antrag/<int:pk>/mittelabruf/",
        views.payment_request,
        name="payment_request",
    ),
    path(
        "foerderung/mittelabruf/<int:pk>/stornieren/",
        views.payment_cancel,
        name="payment_cancel",
    ),
    path(
        "foerderung/antrag/<int:pk>/verwendungsnachweis/",
        views.proof_submit,
        name="proof_submit",
    ),
]
