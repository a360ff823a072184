"""Typed values in an email's stored context: dates, times and numbers are formatted for the
recipient's language when the email is rendered, never when it is queued.

The outbox row keeps its context as JSON, which has no dates or decimals. `pack` turns a
date, datetime, time or Decimal (at the top level of a context or in a list there) into a
small tagged object (`{"$date": "2026-12-07"}`), `unpack` turns it back, and the template
prints it as Django prints any such value in the active language: "7. Dezember 2026" for
German, "7 December 2026" for English, "3,5" or "3.5" hours (backend/formats/). Strings,
numbers and lists are stored as they are, so rows queued before this convention render as
before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone

_TAGS = {
    "$datetime": (dt.datetime, dt.datetime.fromisoformat),
    "$date": (dt.date, dt.date.fromisoformat),
    "$time": (dt.time, dt.time.fromisoformat),
    "$decimal": (Decimal, Decimal),
}


def _pack_one(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_pack_one(item) for item in value]
    # datetime before date: a datetime is a date too.
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            raise ValueError("An email's datetime must be aware (it is shown in local time).")
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        # normalize(): 3.50 hours read "3,5"; the amount 250.00 keeps no needless zeros either,
        # amounts of money are formatted by their templates.
        return {"$decimal": f"{value.normalize():f}"}
    return value


def _unpack_one(value: Any) -> Any:
    if isinstance(value, list):
        return [_unpack_one(item) for item in value]
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag in _TAGS and isinstance(text, str):
            return _TAGS[tag][1](text)
    return value


def pack(context: dict[str, Any]) -> dict[str, Any]:
    """The context as JSON can hold it (see the module docstring)."""
    return {key: _pack_one(value) for key, value in context.items()}


def unpack(context: dict[str, Any]) -> dict[str, Any]:
    """The stored context with its dates, times and numbers as Python values again."""
    return {key: _unpack_one(value) for key, value in context.items()}


def as_text(value: Any) -> Any:
    """A value as a template would print it in the active language (for texts that are built
    with % instead of a template: the in-app line of a notification)."""
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date | dt.time | Decimal):
        return formats.localize(value)
    return value


def plain(context: dict[str, Any]) -> dict[str, Any]:
    """The stored context with ISO dates and plain numbers (for the data export)."""
    return {
        key: (
            str(value)
            if isinstance(value, Decimal)
            else value.isoformat()
            if isinstance(value, dt.date | dt.time)
            else value
        )
        for key, value in unpack(context).items()
    }
