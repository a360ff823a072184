"""The demo district's past (seed_demo only).

The services stamp what they write with the present (`timezone.now()`): created_at,
confirmed_at, the StatusChange of every transition, the outbox row of every email. Most of them
take no `now=`, and they should not have to for a demo. So the seeding tells its year of
history in order, one step after the other, each inside `happened(at)`: the services run as
they always do (permissions, transitions, locks, capacity, emails), and when the step is done
its stamps are moved back to the moment the story gives it.

What moves: every date-time column that the step wrote with the present, i.e. whose value
lies between the step's start and end, in the tables the step wrote to (seen in the SQL it
sent). Values the seeding passes itself (session times, `now=`, `today=`) are never in that
window and stay as given. The order of what happened inside a step and the time between the
writes are kept.

What must not move: rows whose time is printed into a stored PDF (a Teilnahmebescheinigung
says when it was issued, a decision letter when it was signed). Steps that issue documents
run in the present; `happened` refuses a step that writes one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, reduce
from operator import or_

from django.apps import apps
from django.db import connection, models
from django.db.models import Case, F, Q, When
from django.utils import timezone

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)

# Tables whose rows carry the date a stored PDF prints.
DOCUMENT_TABLES = frozenset({"volunteers_trainingcertificate", "funding_decisionletter"})


@cache
def _stamp_columns() -> dict[str, tuple[type[models.Model], tuple[str, ...]]]:
    """Per table: its model and its date-time columns."""
    columns = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = tuple(
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateTimeField)
        )
        if names:
            columns[model._meta.db_table] = (model, names)
    return columns


@contextmanager
def happened(at: dt.datetime) -> Iterator[None]:
    """What the services write inside the block happened at `at` (in the past). Raises
    ValueError for a time in the future and RuntimeError for a step that issued a document."""
    written: set[str] = set()

    def observe(execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match:
            written.add(match.group(1))
        return execute(sql, params, many, context)

    start = timezone.now()
    if at > start:
        raise ValueError(f"{at} has not happened yet.")
    with connection.execute_wrapper(observe):
        yield
    end = timezone.now()
    if written & DOCUMENT_TABLES:
        raise RuntimeError("Documents print their date: issue them in the present.")
    shift = start - at
    stamped = _stamp_columns()
    for table in sorted(written):
        if table not in stamped:
            continue
        model, names = stamped[table]
        # One statement per table: each column moves where it holds a stamp of the step.
        within = {name: Q(**{f"{name}__range": (start, end)}) for name in names}
        model._base_manager.filter(reduce(or_, within.values())).update(
            **{
                name: Case(When(condition, then=F(name) - shift), default=F(name))
                for name, condition in within.items()
            }
        )
