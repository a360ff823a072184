"""Fixtures of the KI staff's funding pages: logged-in clients for staff and leads (all with
two-factor authentication), a fast letter renderer and small page helpers."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from funding.models import Application
from funding.services import letters
from tests.funding.factories import lead_user, staff_user


@pytest.fixture
def fast_letters(monkeypatch):
    """Letters without WeasyPrint (a real render takes seconds): a PDF-like stand-in built from
    the real letter context. tests/funding renders the real thing."""

    def render(application: Application) -> bytes:
        body = json.dumps(letters.letter_context(application), default=str, sort_keys=True)
        return b"%PDF-1.7\n% test stand-in\n" + body.encode() + b"\n%%EOF\n"

    monkeypatch.setattr(letters, "letter_render", render)


@pytest.fixture
def staff(db):
    return staff_user(full_name="Sara Sachbearbeitung")


@pytest.fixture
def lead(db):
    return lead_user(full_name="Lena Leitung")


@pytest.fixture
def second_lead(db):
    return lead_user(full_name="Lars Leitung")


def client_for(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def lead_client(django_user_model, lead):
    from django.test import Client

    return client_for(Client, lead)


@pytest.fixture
def second_lead_client(second_lead):
    from django.test import Client

    return client_for(Client, second_lead)


def detail_url(application: Application) -> str:
    return reverse("funding:staff_application_detail", args=[application.pk])


def action_url(application: Application, action: str) -> str:
    return reverse("funding:staff_application_action", args=[application.pk, action])


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def svg_of(html: str, svg_id: str) -> ET.Element:
    """The inline <svg id="svg_id"> of a page, parsed as XML (fails when it is not
    well-formed)."""
    match = re.search(rf'<svg\b[^>]*\bid="{re.escape(svg_id)}".*?</svg>', html, re.S)
    assert match, f"no <svg id={svg_id}> on the page"
    return ET.fromstring(match.group(0))
