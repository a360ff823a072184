"""Subjects are plain text: an ampersand or a quote in a name must reach the inbox as typed,
not as an HTML entity."""

import pathlib

import pytest
from django.conf import settings

from notifications.models import Notification
from notifications.rendering import render_notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_ampersand_in_an_organisation_name_is_not_escaped_in_the_subject():
    recipient = UserFactory()
    notification = Notification.objects.create(
        recipient=recipient,
        to_email=recipient.email,
        kind="volunteers.organisation_verified",
        dedupe_key="subject-escaping",
        context={"organisation": "Hilfe & Co „Miteinander“", "organisation_url": "https://x/"},
    )
    message = render_notification(notification)
    assert "Hilfe & Co „Miteinander“" in message.subject
    assert "&amp;" not in message.subject


def test_every_subject_template_turns_autoescaping_off():
    subjects = list(pathlib.Path(settings.BASE_DIR, "templates/email").rglob("subject.txt"))
    assert subjects
    escaped = [path for path in subjects if "{% autoescape off %}" not in path.read_text()]
    assert escaped == []
