"""Fixtures of the funding tests: the PostgreSQL guard, a fast stand-in for the letter
renderer, and small helpers to read the audit trail and the pots."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from backend.documents import check_context
from backend.models import StatusChange
from funding.models import Application
from funding.services import letters
from tests.volunteers.conftest import postgresql  # noqa: F401  (the fixture, re-used here)


def fake_letter_render(application: Application) -> bytes:
    """What letters.letter_render returns, without WeasyPrint.

    A real render takes seconds (the web fonts are decompressed every time), which the tests
    that sign hundreds of decisions cannot afford. The stand-in still builds the real context
    and checks it as render_pdf does (plain values, no name the template engine defines), so
    the bytes differ for every decision and the stored hash means something;
    tests/funding/test_letters.py renders the real thing."""
    context = letters.letter_context(application)
    check_context(context)
    body = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str)
    return b"%PDF-1.7\n% test stand-in\n" + body.encode() + b"\n%%EOF\n"


@pytest.fixture
def fast_letters(monkeypatch):
    """Letters rendered by fake_letter_render; returns the list of rendered applications."""
    rendered: list[int] = []

    def render(application: Application) -> bytes:
        rendered.append(application.pk)
        return fake_letter_render(application)

    monkeypatch.setattr(letters, "letter_render", render)
    return rendered


def history(obj) -> list[tuple[str, str]]:
    """(from, to) of every status change of an application or payment, oldest first."""
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .order_by("at", "pk")
        .values_list("from_status", "to_status")
    )


def figures(pot) -> tuple[Decimal, Decimal, Decimal]:
    """(committed, paid, returned) of a year or block, fresh from the database."""
    pot.refresh_from_db()
    return pot.committed, pot.paid, pot.returned
