"""Calendar files: a training's .ics (public), the personal feed behind a secret token (no
login: calendar apps cannot log in), and the volunteer's page to copy or reset that address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .models import Training
from .services.calendar import (
    calendar_feed_get_or_create,
    calendar_feed_reset,
    calendar_feed_user,
    feed_ics,
    feed_url,
    training_ics,
    training_ics_filename,
    webcal_url,
)
from .services.profiles import can_have_volunteer_profile

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_safe
def training_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The .ics of a published or cancelled training (a cancelled one tells calendars to
    cancel the events). Drafts do not exist for the public."""
    training = get_object_or_404(
        Training.objects.filter(
            status__in=[Training.Status.PUBLISHED, Training.Status.CANCELLED]
        ).prefetch_related("sessions"),
        pk=pk,
    )
    response = HttpResponse(training_ics(training), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{training_ics_filename(training)}"'
    return response


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed. The token is the only secret: unknown or reset tokens get 404, and
    no cache may keep the response (it names the person's dates and addresses)."""
    user = calendar_feed_user(token)
    if user is None:
        raise Http404
    response = HttpResponse(feed_ics(user=user), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="ehrenamt.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def _member_only(request: HttpRequest) -> None:
    """Volunteering (and so its calendar) is for member accounts; KI staff get 403."""
    if not can_have_volunteer_profile(request.user):
        raise PermissionDenied


@login_required
@require_safe
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The address to subscribe to; the feed is created on the first visit."""
    _member_only(request)
    feed = calendar_feed_get_or_create(user=request.user)
    return render(
        request,
        "volunteers/calendar/calendar.html",
        {"feed_url": feed_url(feed), "webcal_url": webcal_url(feed)},
    )


@require_POST
@login_required
def calendar_reset(request: HttpRequest) -> HttpResponse:
    _member_only(request)
    calendar_feed_reset(user=request.user)
    messages.success(
        request,
        _(
            "Die Kalender-Adresse wurde zurückgesetzt. Die alte Adresse funktioniert nicht "
            "mehr; bitte abonnieren Sie die neue."
        ),
    )
    return redirect("volunteers:calendar")
