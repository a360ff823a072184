from functools import cache

from django.conf import settings

from backend.accounts.roles import roles_of


def platform(request):
    """Deployment name and the current user's roles for the header and navigation."""
    user = getattr(request, "user", None)
    return {
        "KI_NAME": settings.KI_NAME,
        "KI_SHORT_NAME": settings.KI_SHORT_NAME,
        "KI_DISTRICT": settings.KI_DISTRICT,
        "KI_ADDRESS": settings.KI_ADDRESS,
        "KI_CONTACT_EMAIL": settings.KI_CONTACT_EMAIL,
        "MAILBOX_ENABLED": settings.MAILBOX_ENABLED,
        "user_roles": roles_of(user) if user is not None else [],
        # Counted only when a page shows it (the header, for logged-in people).
        "unread_notifications": cache(lambda: _unread_count(user)),
    }


def _unread_count(user) -> int:
    from notifications.models import Notification

    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()
