"""Turn an outbox row into a multipart email (text + HTML) in the recipient's language.

Templates live in templates/email/<kind with dots as slashes>/{subject.txt,body.txt,body.html}.
Account emails from allauth without a template of ours fall back to allauth's text templates.
Files (a training's .ics) are built at this moment by the kind's builder (attachments.py).

A delivery batch renders with a Merge: one email going to many people (a reminder to everyone
registered for a training) differs between them only in the PERSONAL values, so the templates
are rendered once per content and language, and each person's values are put in.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import translation
from django.utils.html import escape

from . import catalogue, values
from .attachments import attachments_for
from .models import Notification

# What differs between the recipients of the same email. Templates print these as they are or
# test them with {% if %}, nothing else (tests/notifications/test_merge.py checks every one).
PERSONAL = ("recipient_name", "email", "unsubscribe_url")


def _base_context(notification: Notification) -> dict[str, Any]:
    recipient = notification.recipient
    context = {
        **values.unpack(notification.context),
        "site_url": settings.SITE_URL,
        "ki_name": settings.KI_NAME,
        "ki_short_name": settings.KI_SHORT_NAME,
        # An address the platform has not verified reads no name someone else may have typed.
        "recipient_name": " ".join(recipient.name.split())
        if recipient and not _to_unverified_address(notification.kind)
        else "",
        # allauth's templates expect a site object; these two attributes are all they use.
        "current_site": {
            "name": settings.KI_SHORT_NAME,
            "domain": urlsplit(settings.SITE_URL).netloc,
        },
        "email": notification.to_email,
        "unsubscribe_url": _unsubscribe_url(notification),
    }
    if _is_account(notification.kind):
        # allauth's fallback templates display the user; loaded fresh, never stored.
        context["user"] = recipient
    return context


def _to_unverified_address(kind: str) -> bool:
    entry = catalogue.BY_CODE.get(kind)
    return entry is not None and entry.unverified_address


def _is_account(kind: str) -> bool:
    return kind.startswith("account.")


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
    if _is_account(kind):
        name = kind.split(".", 1)[1]
        subject.append(f"account/email/{name}_subject.txt")
        text.append(f"account/email/{name}_message.txt")
        html.append("email/fallback.html")
    return subject, text, html


def render_notification(
    notification: Notification, merge: Merge | None = None
) -> EmailMultiAlternatives:
    """Build the message (an EmailMultiAlternatives). Raises TemplateDoesNotExist for an
    unknown kind. With a Merge, rows of the same content share one rendering."""
    context = _base_context(notification)
    texts = merge.texts(notification, context) if merge is not None else None
    if texts is None:
        texts = _render_texts(notification, context)
    subject, text_body, html_body = texts
    with translation.override(notification.language):
        attachments = attachments_for(notification)
    if not subject:
        raise TemplateDoesNotExist(_templates(notification.kind)[0][0])
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


def _render_texts(notification: Notification, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, text body and HTML body in the recipient's language."""
    subject_names, text_names, html_names = _templates(notification.kind)
    with translation.override(notification.language):
        subject = " ".join(render_to_string(subject_names, context).split())
        text_body = render_to_string(text_names, context).strip() + "\n"
        html_template = select_template(html_names)
        html_body = html_template.render({**context, "subject": subject, "text_body": text_body})
    return subject, text_body, html_body


class Merge:
    """The rendered texts of one delivery batch, per content (kind, language, context, and
    which PERSONAL values are empty), with a mark where each PERSONAL value goes.

    The first row of a content is rendered twice, for real and with the marks; the marked
    texts are kept only if filling in that row's values gives exactly the real texts (a
    template that changed a value, with a filter, would show here), otherwise every row of
    that content is rendered for real. Lanes of a batch (threads) share one Merge."""

    def __init__(self) -> None:
        self._texts: dict[tuple, tuple[str, str, str] | None] = {}
        self._lock = threading.Lock()
        token = secrets.token_hex(8)  # letters and digits: no escaping changes a mark
        self._marks = {name: f"zz{token}{name.replace('_', '')}zz" for name in PERSONAL}

    def texts(
        self, notification: Notification, context: dict[str, Any]
    ) -> tuple[str, str, str] | None:
        """The texts for this row, or None when it must be rendered for real."""
        if _is_account(notification.kind):
            return None
        values = {name: str(context[name] or "") for name in PERSONAL}
        key = (
            notification.kind,
            notification.language,
            json.dumps(notification.context, sort_keys=True, cls=DjangoJSONEncoder),
            tuple(bool(value) for value in values.values()),
        )
        with self._lock:
            known = key in self._texts
            marked = self._texts.get(key)
        if known:
            return None if marked is None else self._fill(marked, values)
        real = _render_texts(notification, context)
        marks = {name: self._marks[name] for name, value in values.items() if value}
        marked = _render_texts(notification, {**context, **marks})
        with self._lock:
            self._texts[key] = marked if self._fill(marked, values) == real else None
        return real

    def _fill(self, texts: tuple[str, str, str], values: dict[str, str]) -> tuple[str, str, str]:
        subject, text_body, html_body = texts
        for name, value in values.items():
            if value:
                mark = self._marks[name]
                subject = subject.replace(mark, value)
                text_body = text_body.replace(mark, value)
                html_body = html_body.replace(mark, escape(value))
        # As _render_texts does (a no-op unless a value brought spaces).
        return " ".join(subject.split()), text_body.strip() + "\n", html_body
