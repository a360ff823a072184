"""The staff outbox page names each email by what it is, as the catalogue labels it."""

from __future__ import annotations

from django.urls import reverse

from notifications.services import notify
from tests.factories import UserFactory


def test_the_outbox_names_kinds_in_words_not_codes(client, staff_with_mfa):
    recipient = UserFactory(email="klara@example.org")
    notify(kind="funding.application_approved", recipient=recipient, dedupe_key="a")
    notify(kind="volunteers.invitation", recipient=recipient, dedupe_key="b")
    client.force_login(staff_with_mfa)

    page = client.get(reverse("notifications:outbox")).text

    assert "Förderantrag bewilligt" in page
    assert "Einladungen zu passenden Hilfegesuchen" in page
    assert "funding.application_approved" not in page
    assert "volunteers.invitation" not in page
