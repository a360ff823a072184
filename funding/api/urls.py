"""Funding endpoints, mounted under /api/v1/ (namespace api:v1) by backend/api/urls.py."""

urlpatterns: list = []
