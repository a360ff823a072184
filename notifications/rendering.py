"""Turn an outbox row into a multipart email (text + HTML) in the recipient's language.

Templates live in templates/email/<kind with dots as slashes>/{subject.txt,body.txt,body.html}.
Account emails from allauth without a template of ours fall back to allauth's text templates.
Files (a training's .ics) are built at this moment by the kind's builder (attachments.py).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import translation

from . import catalogue
from .attachments import attachments_for
from .models import Notification


def _base_context(notification: Notification) -> dict[str, Any]:
    recipient = notification.recipient
    return {
        **notification.context,
        "site_url": settings.SITE_URL,
        "ki_name": settings.KI_NAME,
        "ki_short_name": settings.KI_SHORT_NAME,
        "recipient_name": recipient.get_full_name() if recipient else "",
        # allauth's templates expect a site object; these two attributes are all they use.
        "current_site": {
            "name": settings.KI_SHORT_NAME,
            "domain": urlsplit(settings.SITE_URL).netloc,
        },
        "email": notification.to_email,
        # allauth's fallback templates display the user; loaded fresh, never stored.
        "user": recipient,
        "unsubscribe_url": _unsubscribe_url(notification),
    }


def _unsubscribe_url(notification: Notification) -> str:
    """Optional kinds to a known person carry a one-click link that switches off exactly
    this kind (no login; signed)."""
    from .services import unsubscribe_url

    entry = catalogue.BY_CODE.get(notification.kind)
    if notification.recipient_id is None or entry is None or not entry.optional:
        return ""
    return unsubscribe_url(user_id=notification.recipient_id, kind=notification.kind)


def _templates(kind: str) -> tuple[list[str], list[str], list[str]]:
    path = "email/" + kind.replace(".", "/")
    subject, text, html = [f"{path}/subject.txt"], [f"{path}/body.txt"], [f"{path}/body.html"]
    if kind.startswith("account."):
        name = kind.split(".", 1)[1]
        subject.append(f"account/email/{name}_subject.txt")
        text.append(f"account/email/{name}_message.txt")
        html.append("email/fallback.html")
    return subject, text, html


def render_notification(notification: Notification) -> EmailMultiAlternatives:
    """Build the message. Raises TemplateDoesNotExist for an unknown kind."""
    subject_names, text_names, html_names = _templates(notification.kind)
    context = _base_context(notification)
    with translation.override(notification.language):
        subject = " ".join(render_to_string(subject_names, context).split())
        text_body = render_to_string(text_names, context).strip() + "\n"
        html_template = select_template(html_names)
        html_body = html_template.render({**context, "subject": subject, "text_body": text_body})
        attachments = attachments_for(notification)
    if not subject:
        raise TemplateDoesNotExist(subject_names[0])
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    digest = hashlib.sha256(notification.dedupe_key.encode()).hexdigest()[:24]
    headers = {
        # Stable per purpose: a receiving system can recognise a duplicate.
        "Message-ID": f"<n{notification.pk}.{digest}@{domain}>",
        "Auto-Submitted": "auto-generated",
    }
    if context["unsubscribe_url"]:
        # RFC 8058: the mail program offers "unsubscribe" and POSTs to the link itself.
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
        headers=headers,
    )
    message.attach_alternative(html_body, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message
