"""Files attached to an email, built when it is delivered, not when it is queued.

The outbox row holds JSON only (small, readable in the admin, no binary blobs). A kind that
needs a file names a builder here; `render_notification` calls it for every delivery, so the
file shows the data as it is when the email goes out (a training moved after the reminder was
queued gets the new times in its .ics).

Builders are named by dotted path and imported on first use, so every process that delivers
(worker, shell, tests) finds them without depending on some module having been imported
first, and this app does not import the apps that use it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import Notification


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


AttachmentBuilder = Callable[["Notification"], list[Attachment]]

# kind -> (dotted path of a builder, context key the files depend on). A builder gets the
# outbox row and returns its files; it raises (the delivery then fails and is logged) when the
# email must not go out without them. Within one delivery batch, rows with the same value under
# the key share the files (500 reminders of one training build its .ics once).
BUILDERS: dict[str, tuple[str, str]] = {
    "volunteers.training_reminder": (
        "volunteers.services.training_reminders.reminder_attachments",
        "training_id",
    ),
}


class _Memo:
    """Files built in one batch, by key; the lanes of a batch (threads) share it."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], list[Attachment]] = {}
        self.lock = threading.Lock()


_batch: ContextVar[_Memo | None] = ContextVar("attachment_batch", default=None)


@contextmanager
def one_batch() -> Iterator[None]:
    """Files built inside this block are reused for rows with the same key (also by threads
    started in a copy of this context)."""
    token = _batch.set(_Memo())
    try:
        yield
    finally:
        _batch.reset(token)


@cache
def _builder(path: str) -> AttachmentBuilder:
    return import_string(path)


def attachments_for(notification: Notification) -> list[Attachment]:
    """The files for this email; [] for kinds without attachments."""
    entry = BUILDERS.get(notification.kind)
    if entry is None:
        return []
    path, key_field = entry
    memo = _batch.get()
    if memo is None or not key_field:
        return _builder(path)(notification)
    key = (path, repr(notification.context.get(key_field)))
    with memo.lock:  # built once, whichever lane asks first; the others wait for it
        if key not in memo.files:
            memo.files[key] = _builder(path)(notification)
        return memo.files[key]
