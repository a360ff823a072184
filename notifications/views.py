"""Staff view of the outbox: every email with its delivery status."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from backend.accounts.decorators import staff_required

from .models import Notification
from .services import notify, outbox_stats


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
