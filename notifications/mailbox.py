"""Local email backend: each message becomes an .eml file in var/mail/ (MAILBOX_DIR), which the
local mailbox page shows. Used when no EMAIL_URL is configured; production refuses it."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.MAILBOX_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
            tmp = folder / f".{name}.tmp"
            tmp.write_bytes(message.message().as_bytes(linesep="\n"))
            tmp.rename(folder / name)  # atomic: the mailbox page never sees half a message
            sent += 1
        return sent


def mailbox_messages() -> list[dict]:
    """Messages in the local mailbox, newest first, parsed for display."""
    import email
    from email import policy

    folder = Path(settings.MAILBOX_DIR)
    if not folder.exists():
        return []
    result = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:200]:
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        result.append(
            {
                "id": path.stem,
                "subject": str(parsed["Subject"] or ""),
                "to": str(parsed["To"] or ""),
                "date": str(parsed["Date"] or ""),
                "text": text.get_content() if text else "",
                "has_html": html is not None,
            }
        )
    return result
