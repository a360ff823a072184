"""URLs of the volunteers app: organisations pages."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
