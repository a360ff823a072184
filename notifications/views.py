"""Pages of the notifications: the staff outbox, a person's in-app list and preferences, and
the one-click unsubscribe link of optional emails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from backend.accounts.decorators import staff_required
from backend.accounts.roles import roles_of
from backend.errors import DomainError
from backend.forms import domain_error_to_message

from . import catalogue
from .forms import PreferencesForm
from .models import Notification
from .services import (
    notification_resend,
    notifications_mark_read,
    notify,
    outbox_stats,
    preference_set,
    unsubscribe_target,
)


@never_cache
@staff_required
def outbox(request):
    rows = Notification.objects.only(
        "id", "kind", "to_email", "status", "attempts", "last_error", "created_at", "sent_at"
    )
    status = request.GET.get("status", "")
    if status in Notification.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page:
        # What the catalogue calls the kind ("Förderantrag bewilligt"), not its code.
        entry = catalogue.BY_CODE.get(row.kind)
        row.kind_label = str(entry.label) if entry else row.kind
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": Notification.Status.choices,
            "stats": outbox_stats(),
        },
    )


@require_POST
@staff_required
def send_test(request):
    """Send a test email to oneself, to check that delivery works end to end."""
    now = timezone.now()
    notify(
        kind="system.test",
        recipient=request.user,
        context={"requested_at": now.isoformat()},
        dedupe_key=f"system.test:{request.user.pk}:{now.timestamp()}",
    )
    messages.success(request, _("Eine Testnachricht wurde in den Postausgang gelegt."))
    return redirect("notifications:outbox")


@require_POST
@staff_required
def resend(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk)
    try:
        notification_resend(notification=notification, actor=request.user)
    except DomainError as exc:  # not failed (any more): someone resent it first
        domain_error_to_message(request, exc)
    else:
        messages.success(
            request,
            _("Die Nachricht an %(email)s wird erneut zugestellt.")
            % {"email": notification.to_email},
        )
    return redirect(f"{reverse('notifications:outbox')}?status=failed")


# --- A person's notifications ----------------------------------------------------------------


@never_cache
@require_safe
@login_required
def inbox(request):
    rows = Notification.objects.filter(recipient=request.user, in_app=True).only(
        "id", "kind", "context", "created_at", "read_at"
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    items = [
        {
            "pk": row.pk,
            "text": catalogue.in_app_text(row.kind, row.context),
            "has_link": bool(catalogue.link_of(row.kind, row.context)),
            "created_at": row.created_at,
            "unread": row.read_at is None,
        }
        for row in page
    ]
    return render(request, "notifications/inbox.html", {"page": page, "items": items})


@never_cache
@require_safe
@login_required
def open_notification(request, pk: int):
    """Mark read and go to the thing concerned (only addresses on this site)."""
    row = get_object_or_404(Notification, pk=pk, recipient=request.user, in_app=True)
    notifications_mark_read(user=request.user, ids=[row.pk])
    target = catalogue.link_of(row.kind, row.context)
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _same_site_path(target) or "/benachrichtigungen/"
    return HttpResponseRedirect(target)


def _same_site_path(url: str) -> str:
    """Links in the outbox are absolute (SITE_URL); follow them as paths on this site."""
    from urllib.parse import urlsplit

    from django.conf import settings

    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    if parts.scheme == site.scheme and parts.netloc == site.netloc and parts.path.startswith("/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""


@require_POST
@login_required
def mark_read(request):
    changed = notifications_mark_read(user=request.user)
    if changed:
        messages.success(request, _("Alle Benachrichtigungen sind als gelesen markiert."))
    return redirect("notifications:inbox")


@never_cache
@login_required
def preferences(request):
    audiences = _audiences_of(request.user)
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, user=request.user, audiences=audiences)
    if request.method == "POST" and form.is_valid():
        for kind, enabled in form.changed_choices():
            preference_set(user=request.user, kind=kind, enabled=enabled)
        messages.success(request, _("Ihre Einstellungen sind gespeichert."))
        return redirect("notifications:preferences")
    fixed = [kind for kind in catalogue.KINDS if not kind.optional and kind.audience in audiences]
    return render(request, "notifications/preferences.html", {"form": form, "fixed": fixed})


def _audiences_of(user) -> set[str]:
    roles = set(roles_of(user))
    audiences = {catalogue.Audience.ACCOUNT}
    if "volunteer" in roles:
        audiences.add(catalogue.Audience.VOLUNTEER)
    if "coordinator" in roles:
        audiences.add(catalogue.Audience.COORDINATOR)
    if "ki_staff" in roles:
        audiences.add(catalogue.Audience.STAFF)
    return audiences


@never_cache
@csrf_exempt  # the signed token is the authorisation; mail programs POST without a session
def unsubscribe(request, token: str):
    """GET shows what the link switches off and asks to confirm (link scanners only GET);
    POST switches it off: the button on that page or the mail program's one-click request
    (RFC 8058, body "List-Unsubscribe=One-Click")."""
    target = unsubscribe_target(token)
    if target is None:
        raise Http404(_("Dieser Abmeldelink ist ungültig."))
    user, kind = target
    if request.method == "POST":
        preference_set(user=user, kind=kind.code, enabled=False)
        return render(request, "notifications/unsubscribed.html", {"kind": kind})
    if request.method not in ("GET", "HEAD"):
        raise Http404
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "email": user.email})
