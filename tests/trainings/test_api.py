"""The trainings API: the same registration rules as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import VolunteerFactory
from volunteers.models import Registration

from .factories import TrainingFactory

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_register_wait_get_the_offer_and_confirm_it_through_the_api():
    training = TrainingFactory(capacity=1)
    holder, waiting = VolunteerFactory.create_batch(2)
    listed = APIClient().get("/api/v1/trainings/").json()["results"]
    assert [(t["id"], t["seats_left"]) for t in listed] == [(training.pk, 1)]

    seat = api_as(holder).post(f"/api/v1/trainings/{training.pk}/register/")
    assert seat.status_code == 201 and seat.json()["status"] == "confirmed"
    queued = api_as(waiting).post(f"/api/v1/trainings/{training.pk}/register/").json()
    assert (queued["status"], queued["position"]) == ("waitlisted", 1)
    again = api_as(waiting).post(f"/api/v1/trainings/{training.pk}/register/")
    assert again.status_code == 409

    left = api_as(holder).post(f"/api/v1/my-registrations/{seat.json()['id']}/cancel/")
    assert left.json()["status"] == "cancelled"
    mine = api_as(waiting).get("/api/v1/my-registrations/").json()["results"]
    assert mine[0]["status"] == "offered" and mine[0]["offer_expires_at"]
    confirmed = api_as(waiting).post(
        f"/api/v1/my-registrations/{queued['id']}/answer/", {"answer": "confirm"}
    )
    assert confirmed.json()["status"] == "confirmed"
    assert Registration.objects.filter(training=training, status="confirmed").count() == 1
    # Someone else's registration is not there for me.
    assert (
        api_as(holder).post(f"/api/v1/my-registrations/{queued['id']}/cancel/").status_code == 404
    )
