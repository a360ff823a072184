"""Every list page and list endpoint: the query count does not grow with the rows."""

import uuid

import pytest
from rest_framework.test import APIClient

from notifications.services import notify
from tests.factories import OrganisationFactory
from tests.querybudget import assert_constant_queries

pytestmark = pytest.mark.django_db


def _notifications(recipient):
    def make(n):
        for _ in range(n):
            notify(kind="system.test", recipient=recipient, dedupe_key=f"budget:{uuid.uuid4()}")

    return make


def test_public_organisations_api(client):
    queries = assert_constant_queries(
        APIClient(), "/api/v1/organisations/", lambda n: OrganisationFactory.create_batch(n)
    )
    assert queries <= 3


def test_outbox_api_for_staff(staff_with_mfa):
    api = APIClient()
    api.force_authenticate(staff_with_mfa)
    assert_constant_queries(api, "/api/v1/outbox/", _notifications(staff_with_mfa))


def test_outbox_page_for_staff(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    assert_constant_queries(
        client, "/verwaltung/benachrichtigungen/", _notifications(staff_with_mfa)
    )


def test_home_page(client):
    assert_constant_queries(client, "/", lambda n: OrganisationFactory.create_batch(n))
