"""The in-app list: what the platform told a person, with the unread count in the header."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from notifications.services import notify
from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _hours(user, key, *, title="Begleitung", url=None):
    return notify(
        kind="volunteers.hours_confirmed",
        recipient=user,
        dedupe_key=key,
        context={
            "hours": "2",
            "date": "03.03.2026",
            "request_title": title,
            "dashboard_url": url or settings.SITE_URL + reverse("volunteers:dashboard"),
        },
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_header_counts_unread_notifications_and_the_list_shows_them():
    user = VolunteerFactory()
    _hours(user, "a")
    _hours(user, "b", title="Fahrdienst")
    notify(kind="account.password_reset_key", recipient=user, dedupe_key="secret", context={})
    client = _client(user)

    home = client.get(reverse("home"))
    assert "2 ungelesen" in home.text

    page = client.get(reverse("notifications:inbox"))
    assert "Ihre 2 Stunden vom 03.03.2026 bei „Fahrdienst“ sind bestätigt." in page.text
    assert page.text.count("notification-list__item--unread") == 2
    assert "Passwort" not in page.text.split("<main", 1)[1]  # account emails stay in the mailbox


def test_opening_a_notification_marks_it_read_and_leads_to_the_thing_concerned():
    user = VolunteerFactory()
    first = _hours(user, "a")
    _hours(user, "b")
    client = _client(user)
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:dashboard")
    first.refresh_from_db()
    assert first.read_at is not None
    assert "1 ungelesen" in client.get(reverse("home")).text


def test_mark_all_read_empties_the_count_and_touches_only_ones_own():
    user, other = VolunteerFactory(), VolunteerFactory()
    _hours(user, "a")
    theirs = _hours(other, "b")
    client = _client(user)
    response = client.post(reverse("notifications:mark_read"), follow=True)
    assert "Alle Benachrichtigungen sind als gelesen markiert." in response.text
    assert "ungelesen" not in client.get(reverse("home")).text
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_is_not_found_and_stays_unread():
    owner, intruder = VolunteerFactory(), VolunteerFactory()
    notification = _hours(owner, "a")
    response = _client(intruder).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_link_to_another_site_is_not_followed():
    user = VolunteerFactory()
    notification = _hours(user, "a", url="https://evil.example/phish")
    response = _client(user).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == "/benachrichtigungen/"


def test_html_in_a_title_is_shown_as_text():
    user = VolunteerFactory()
    _hours(user, "a", title='<script>alert("x")</script>')
    page = _client(user).get(reverse("notifications:inbox"))
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
