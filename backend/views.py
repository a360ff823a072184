"""Project-level pages: home, health check, legal pages, language switch, local mailbox."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from notifications.mailbox import mailbox_messages

logger = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    from volunteers.models import Organisation, Town

    return render(
        request,
        "home.html",
        {
            "towns": Town.objects.all(),
            "organisation_count": Organisation.objects.filter(verified_at__isnull=False).count(),
        },
    )


@require_safe
def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    return render(request, f"legal/{page}.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, plus: a logged-in user keeps the choice in their account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
        nxt = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
            response["Location"] = translate_url(nxt, language)
    return response


def _broker_state() -> str:
    from backend.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any transport error means "not reachable" for monitoring
        logger.warning("Broker not reachable from /healthz", exc_info=True)
        return "unreachable"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Machine-readable state: 200 when the database answers, 503 when it does not. A broker
    outage is reported but is not fatal (the outbox keeps emails until it is back)."""
    from notifications.services import outbox_stats

    body: dict = {"database": "ok", "broker": _broker_state()}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        stats = outbox_stats()
        body["notifications_pending"] = stats["pending"]
        body["oldest_pending_notification_age_seconds"] = stats["oldest_pending_age_seconds"]
    except DatabaseError:
        logger.exception("Database not reachable from /healthz")
        body["database"] = "unreachable"
        body["status"] = "error"
        return JsonResponse(body, status=503)
    body["status"] = "ok" if body["broker"] == "ok" else "degraded"
    return JsonResponse(body)


def _require_mailbox() -> None:
    if not settings.MAILBOX_ENABLED:
        raise Http404


@never_cache
@require_safe
def mailbox(request: HttpRequest) -> HttpResponse:
    """Local demo only: the emails the platform sent, as the recipients would see them."""
    _require_mailbox()
    return render(request, "mailbox.html", {"messages_in_box": mailbox_messages()})
