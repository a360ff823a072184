"""The "Meine Daten" page and the deletion of one's account as a browser uses them."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from backend.accounts.models import User
from tests.factories import TEST_PASSWORD
from tests.volunteers.factories import HoursEntryFactory
from volunteers.models import AnonymousHours, Assignment, HelpRequest, HoursEntry

pytestmark = pytest.mark.django_db

MY_DATA = reverse("volunteers:my_data")
DELETE = reverse("volunteers:account_delete")


def test_my_data_page_explains_export_and_deletion(client, assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True)
    client.force_login(helper)

    page = client.get(MY_DATA).content.decode()

    assert reverse("volunteers:my_data_export") in page
    assert reverse("volunteers:ehrenamtsnachweis") in page
    assert DELETE in page
    assert "anonyme Zahl je Ort, Organisation und Jahr" in page


def test_the_certificate_link_is_shown_to_volunteers_only(client, coordinator):
    client.force_login(coordinator)

    page = client.get(MY_DATA).content.decode()

    assert reverse("volunteers:my_data_export") in page
    assert reverse("volunteers:ehrenamtsnachweis") not in page


def test_the_delete_page_asks_for_the_password(client, helper):
    client.force_login(helper)

    page = client.get(DELETE).content.decode()

    assert 'type="password"' in page
    assert 'autocomplete="current-password"' in page
    assert "nicht rückgängig" in page


def test_a_wrong_password_refuses_deletion_and_changes_nothing(client, assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True)
    client.force_login(helper)

    response = client.post(DELETE, {"password": "falsch-falsch-falsch"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Das Passwort ist nicht richtig." in page
    assert 'aria-invalid="true"' in page
    assert "falsch-falsch-falsch" not in page
    helper.refresh_from_db()
    assert helper.is_active
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.CONFIRMED
    assert HoursEntry.objects.filter(assignment=assignment).count() == 1
    assert not AnonymousHours.objects.exists()
    assert client.get(MY_DATA).status_code == 200, "still logged in"


def test_an_empty_password_refuses_deletion(client, helper):
    client.force_login(helper)

    response = client.post(DELETE, {})

    assert response.status_code == 200
    assert User.objects.filter(pk=helper.pk).exists()


def test_the_right_password_deletes_logs_out_and_says_so(client, assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True)
    HelpRequest.objects.filter(pk=assignment.help_request_id).update(confirmed_count=1)
    other_browser = Client()
    other_browser.force_login(helper)
    client.force_login(helper)

    response = client.post(DELETE, {"password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=helper.pk).exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Ihr Konto und Ihre persönlichen Daten wurden gelöscht. Vielen Dank für Ihr Engagement!"
    ]
    assert AnonymousHours.objects.get().hours == 2
    for browser in (client, other_browser):
        answer = browser.get(MY_DATA)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("account_login"))


def test_guessing_the_password_is_rate_limited(client, helper):
    client.force_login(helper)
    answers = [client.post(DELETE, {"password": f"guess-{n}"}).status_code for n in range(11)]

    assert answers == [200] * 10 + [429]
    assert client.post(DELETE, {"password": TEST_PASSWORD}).status_code == 429
    assert User.objects.filter(pk=helper.pk).exists()
