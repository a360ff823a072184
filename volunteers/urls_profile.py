"""URLs of the volunteers app: the volunteer's own onboarding, profile and consents.

Every page works on the requesting account; there is no URL for someone else's profile."""

from django.urls import path

from . import views_profile as views

urlpatterns = [
    path("ehrenamt/anmeldung/", views.onboarding_resume, name="onboarding_resume"),
    path("ehrenamt/anmeldung/<int:step>/", views.onboarding, name="onboarding"),
    path("ehrenamt/profil/", views.profile, name="profile"),
    path("ehrenamt/profil/bearbeiten/<slug:section>/", views.profile_edit, name="profile_edit"),
    path("ehrenamt/einwilligungen/", views.consents, name="consents"),
    path(
        "ehrenamt/einwilligungen/<slug:kind>/erteilen/",
        views.consent_give_view,
        name="consent_give",
    ),
    path(
        "ehrenamt/einwilligungen/<slug:kind>/widerrufen/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
]
