"""The app's URLs plus the benchmark's upper bound (served only by tests/bench/wsgi.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from backend.urls import urlpatterns as app_urlpatterns

from .scenarios import TRIVIAL


def trivial(request: HttpRequest) -> HttpResponse:
    """No database, no template: what the full middleware stack and gunicorn cost on their own."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL.path.lstrip("/"), trivial), *app_urlpatterns]
