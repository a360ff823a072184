"""Registration, the waiting list and its offers, moving up, attendance — through the pages a
volunteer and the KI staff use."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.services import user_set_totp
from backend.models import StatusChange
from notifications.models import Notification
from tests.conftest import TOTP_SECRET
from tests.factories import UserFactory, VolunteerFactory
from volunteers.models import Attendance, Registration, Training
from volunteers.services.trainings import (
    offer_token,
    offers_expire,
    registration_create,
    training_attendees,
    training_update,
)

from .factories import TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(ki_staff=True)
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user


def staff_client(client, staff):
    client.force_login(staff)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp"}]
    session.save()
    return client


def test_register_until_full_then_the_waiting_list_with_position(client):
    training = TrainingFactory(capacity=1)
    first, second = VolunteerFactory(), VolunteerFactory()
    client.force_login(first)
    client.post(reverse("volunteers:training_register", args=[training.pk]))
    client.force_login(second)
    response = client.post(reverse("volunteers:training_register", args=[training.pk]), follow=True)
    assert "Warteliste an Platz 1" in response.content.decode()
    statuses = dict(Registration.objects.values_list("volunteer", "status"))
    assert statuses == {first.pk: "confirmed", second.pk: "waitlisted"}
    waitlisted = Notification.objects.get(kind="volunteers.training_waitlisted")
    assert waitlisted.recipient == second and waitlisted.context["position"] == 1
    # A second registration is refused and changes nothing.
    response = client.post(reverse("volunteers:training_register", args=[training.pk]), follow=True)
    assert "schon angemeldet" in response.content.decode()
    assert Registration.objects.count() == 2


def test_registration_outside_its_window_is_refused():
    closed = TrainingFactory(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    closed.registration_opens_at = timezone.now() - dt.timedelta(days=3)
    closed.save()
    with pytest.raises(Exception, match="geschlossen"):
        registration_create(training=closed, volunteer=VolunteerFactory())
    assert not Registration.objects.exists()


def test_a_freed_seat_is_offered_to_the_first_in_line_who_confirms_from_the_link(client):
    training = TrainingFactory(capacity=1)
    holder, first, second = VolunteerFactory.create_batch(3)
    seat = registration_create(training=training, volunteer=holder)
    registration_create(training=training, volunteer=first)
    registration_create(training=training, volunteer=second)

    client.force_login(holder)
    client.post(reverse("volunteers:training_registration_cancel", args=[seat.pk]))
    offered = Registration.objects.get(volunteer=first)
    assert offered.status == "offered"
    offer = Notification.objects.get(kind="volunteers.training_offer")
    assert offer.recipient == first
    assert Registration.objects.get(volunteer=second).status == "waitlisted"

    client.logout()
    link = re.search(r"/schulungen/angebot/[^/]+/", offer.context["confirm_url"]).group(0)
    page = client.get(link)
    assert "Platz annehmen" in page.content.decode()
    assert Registration.objects.get(volunteer=first).status == "offered", "GET changes nothing"
    client.post(link)
    assert Registration.objects.get(volunteer=first).status == "confirmed"
    training.refresh_from_db()
    assert training.seats_taken == 1
    # Used twice: a clear message, nothing changes.
    response = client.post(link)
    assert response.status_code == 409
    assert "nicht mehr offen" in response.content.decode()


def test_an_expired_offer_passes_to_the_next_and_its_link_is_refused(client):
    training = TrainingFactory(capacity=1)
    holder, first, second = VolunteerFactory.create_batch(3)
    seat = registration_create(training=training, volunteer=holder)
    registration_create(training=training, volunteer=first)
    registration_create(training=training, volunteer=second)
    from volunteers.services.trainings import registration_cancel

    registration_cancel(registration=seat, actor=holder)
    offered = Registration.objects.get(volunteer=first)
    assert offers_expire(now=offered.offer_expires_at + dt.timedelta(seconds=1)) == 1
    assert Registration.objects.get(volunteer=first).status == "offer_expired"
    assert Registration.objects.get(volunteer=second).status == "offered"
    response = client.post(
        reverse("volunteers:training_offer_link", args=[offer_token(offered, "confirm")])
    )
    assert response.status_code == 409
    assert Registration.objects.get(volunteer=first).status == "offer_expired"


def test_an_offer_link_opened_by_another_account_is_refused(client):
    training = TrainingFactory(capacity=1)
    holder, first = VolunteerFactory.create_batch(2)
    seat = registration_create(training=training, volunteer=holder)
    registration = registration_create(training=training, volunteer=first)
    from volunteers.services.trainings import registration_cancel

    registration_cancel(registration=seat, actor=holder)
    registration.refresh_from_db()
    client.force_login(VolunteerFactory())
    url = reverse("volunteers:training_offer_link", args=[offer_token(registration, "confirm")])
    assert client.post(url).status_code == 403
    assert Registration.objects.get(pk=registration.pk).status == "offered"


def test_no_offers_shortly_before_the_start():
    training = TrainingFactory(capacity=1, last_offer_hours_before_start=12)
    holder, waiting = VolunteerFactory.create_batch(2)
    seat = registration_create(training=training, volunteer=holder)
    registration_create(training=training, volunteer=waiting)
    Training.objects.filter(pk=training.pk).update(cancellation_deadline=training.first_starts_at)
    from volunteers.services.trainings import registration_cancel

    late = training.first_starts_at - dt.timedelta(hours=6)
    registration_cancel(registration=seat, actor=holder, now=late)
    assert Registration.objects.get(volunteer=waiting).status == "waitlisted"


def test_capacity_cannot_go_below_the_seats_taken(staff):
    training = TrainingFactory(capacity=3)
    for volunteer in VolunteerFactory.create_batch(2):
        registration_create(training=training, volunteer=volunteer)
    with pytest.raises(Exception, match="schon 2 Plätze vergeben"):
        training_update(training=training, actor=staff, data={"capacity": 1})
    training.refresh_from_db()
    assert training.capacity == 3


def test_staff_move_someone_up_only_with_a_reason_which_is_logged(client, staff):
    training = TrainingFactory(capacity=1)
    registration_create(training=training, volunteer=VolunteerFactory())
    early = registration_create(training=training, volunteer=VolunteerFactory())
    late = registration_create(training=training, volunteer=VolunteerFactory())
    client = staff_client(client, staff)
    url = reverse("volunteers:staff_registration_move_up", args=[late.pk])
    client.post(url, {"reason": "kurz"})
    assert list(Registration.objects.filter(status="waitlisted").values_list("pk", flat=True)) == [
        early.pk,
        late.pk,
    ]
    client.post(url, {"reason": "Dolmetscherin für die Gruppe am Samstag nötig"})
    order = list(Registration.objects.filter(status="waitlisted").values_list("pk", flat=True))
    assert order == [late.pk, early.pk]
    log = StatusChange.objects.get(object_id=late.pk, note__startswith="moved up")
    assert log.actor == staff and "Dolmetscherin" in log.note


def test_staff_create_a_training_and_mark_attendance_on_the_tablet_list(client, staff):
    client = staff_client(client, staff)
    start = timezone.localtime(timezone.now() + dt.timedelta(days=20)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    form = {
        "title": "Kinderschutz im Ehrenamt",
        "description": "Grundlagen.",
        "place": "Kreishaus",
        "capacity": "12",
        "registration_opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "registration_closes_at": (start - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "cancellation_deadline": (start - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "language": "de",
        "hours_credited": "4",
        "offer_hours": "48",
        "last_offer_hours_before_start": "12",
        "session_0_start": start.strftime("%Y-%m-%dT%H:%M"),
        "session_0_end": (start + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(reverse("volunteers:staff_training_create"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    training = Training.objects.get(title="Kinderschutz im Ehrenamt")
    assert training.status == "draft" and training.sessions.count() == 1
    assert training.reminder_rules.get().days_before == 2
    client.post(reverse("volunteers:staff_training_publish", args=[training.pk]))
    training.refresh_from_db()
    assert training.status == "published"

    present, absent = VolunteerFactory.create_batch(2)
    r_present = registration_create(training=training, volunteer=present)
    r_absent = registration_create(training=training, volunteer=absent)
    session = training.sessions.get()
    url = reverse("volunteers:staff_attendance", args=[session.pk])
    page = client.get(url).content.decode()
    assert page.count('type="radio"') == 4
    client.post(url, {f"r{r_present.pk}": "present", f"r{r_absent.pk}": "absent"})
    assert set(Attendance.objects.values_list("registration", "present")) == {
        (r_present.pk, True),
        (r_absent.pk, False),
    }
    assert list(training_attendees(training)) == [r_present]


def test_public_list_and_detail_show_the_seats_left(client):
    training = TrainingFactory(capacity=2, title="Erste Hilfe für Helfende")
    registration_create(training=training, volunteer=VolunteerFactory())
    TrainingFactory(status=Training.Status.DRAFT, title="Geheimer Entwurf")
    page = client.get(reverse("volunteers:training_list")).content.decode()
    assert "Erste Hilfe für Helfende" in page and "noch 1 Platz frei" in page
    assert "Geheimer Entwurf" not in page
    detail = client.get(reverse("volunteers:training_detail", args=[training.pk]))
    assert detail.status_code == 200
    assert "Melden Sie sich an" in detail.content.decode()
