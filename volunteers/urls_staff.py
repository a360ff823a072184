"""URLs of the volunteers app: staff pages."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
