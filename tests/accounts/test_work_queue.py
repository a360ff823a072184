"""The KI team's work queue ("Aufgaben"): what waits, counted right, each with a link to where it
is done; the lead also sees the decisions to sign (never their own proposals); the page needs a
fixed number of queries however much waits."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Application, Payment
from notifications.models import Notification
from notifications.services import notify
from tests.factories import OrganisationFactory, UserFactory
from tests.funding.factories import ApplicationFactory, lead_user, staff_user
from tests.querybudget import assert_constant_queries
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from volunteers.models import Attendance, TrainingCertificate, TrainingSession

pytestmark = pytest.mark.django_db

URL = reverse("work_queue")
BUDGET = 20


def past_training(*, sessions: int = 1, **kwargs):
    start = timezone.now() - dt.timedelta(days=10)
    return TrainingFactory(
        sessions=[
            (start + dt.timedelta(days=i), start + dt.timedelta(days=i, hours=3))
            for i in range(sessions)
        ],
        registration_opens_at=start - dt.timedelta(days=20),
        registration_closes_at=start - dt.timedelta(days=1),
        cancellation_deadline=start - dt.timedelta(days=1),
        **kwargs,
    )


def mark(registration, *, present: bool = True, sessions=None):
    for session in sessions or registration.training.sessions.all():
        Attendance.objects.create(session=session, registration=registration, present=present)


class Waiting:
    """Makes n of every kind of waiting work, plus look-alikes that must not count."""

    def __init__(self, lead):
        self.lead = lead
        self.staff = staff_user()

    def __call__(self, n: int) -> None:
        for _ in range(n):
            OrganisationFactory(unverified=True)
            ApplicationFactory(submitted=True)
            ApplicationFactory(
                status=Application.Status.PROPOSED,
                submitted_at=timezone.now(),
                proposed_by=self.staff,
            )
            ApplicationFactory(
                status=Application.Status.PROOF_SUBMITTED, submitted_at=timezone.now()
            )
            Payment.objects.create(
                application=ApplicationFactory(
                    status=Application.Status.APPROVED, submitted_at=timezone.now()
                ),
                amount=Decimal("400.00"),
            )
            # A session that has begun with a participant nobody has marked.
            RegistrationFactory(training=past_training())
            # A training that is over, its participant present throughout, no certificate.
            due = RegistrationFactory(training=past_training(sessions=2))
            mark(due)
            notification = notify(
                kind="system.test", recipient=UserFactory(), dedupe_key=f"failed-{due.pk}"
            )
            Notification.objects.filter(pk=notification.pk).update(
                status=Notification.Status.FAILED, last_error="550 mailbox unavailable"
            )

    def lookalikes(self) -> None:
        OrganisationFactory()  # verified
        ApplicationFactory()  # a draft
        ApplicationFactory(
            status=Application.Status.PROPOSED,
            submitted_at=timezone.now(),
            proposed_by=self.lead,  # the lead's own proposal: four eyes
        )
        # Everyone marked, but one was absent once: no certificate is due.
        absent = RegistrationFactory(training=past_training(sessions=2))
        first, second = absent.training.sessions.all()
        mark(absent, sessions=[first])
        mark(absent, present=False, sessions=[second])
        # Present throughout and already certified.
        certified = RegistrationFactory(training=past_training())
        mark(certified)
        TrainingCertificate.objects.create(
            registration=certified,
            holder_name="Anna Beispiel",
            training_title=certified.training.title,
            training_dates="1.1.2026",
            hours=Decimal("3"),
        )
        RegistrationFactory(training=TrainingFactory())  # in the future
        RegistrationFactory(training=past_training(status="cancelled"))


def counts(html: str) -> dict[str, int]:
    return {
        key: int(count)
        for key, count in re.findall(
            r'id="aufgabe-([a-z_]+)">\s*<h3[^>]*>[^<]*</h3>\s*'
            r'<p class="kern-body task__state"><span class="task__count">(\d+)</span>',
            html,
        )
    }


@pytest.fixture
def lead(db):
    return lead_user(full_name="Lena Leitung")


def test_every_kind_of_waiting_work_is_counted_for_the_lead(client, lead):
    waiting = Waiting(lead)
    waiting(3)
    waiting.lookalikes()
    client.force_login(lead)
    html = client.get(URL).content.decode()
    assert counts(html) == {
        "organisations_pending": 3,
        "applications_submitted": 3,
        "applications_to_sign": 3,
        "payments_requested": 3,
        "proofs_submitted": 3,
        "attendance_missing": 3,
        "certificates_missing": 3,
        "emails_failed": 3,
    }
    assert "Für das KI-Team warten 24 Vorgänge." in html


def test_staff_who_are_not_the_lead_do_not_see_decisions_to_sign(client, lead):
    Waiting(lead)(1)
    client.force_login(staff_user())
    html = client.get(URL).content.decode()
    assert "applications_to_sign" not in counts(html)
    assert counts(html)["applications_submitted"] == 1


def test_each_task_links_to_the_page_where_it_is_done(client, lead):
    Waiting(lead)(1)
    client.force_login(lead)
    html = client.get(URL).content.decode()
    for target in (
        reverse("volunteers:staff_organisation_list") + "?status=pending",
        reverse("funding:staff_queue") + "?status=submitted",
        reverse("funding:staff_queue") + "?status=proposed",
        reverse("funding:staff_queue") + "?status=proof_submitted",
        reverse("notifications:outbox") + "?status=failed",
    ):
        assert f'href="{target}"' in html, target
    payment = Payment.objects.get()
    assert (
        f'href="{reverse("funding:staff_application_detail", args=[payment.application_id])}'
        '#mittelabrufe"' in html
    )
    assert "400,00 € angefordert am" in html
    unmarked = TrainingSession.objects.get(attendances__isnull=True)
    assert f'href="{reverse("volunteers:staff_attendance", args=[unmarked.pk])}"' in html
    due = Attendance.objects.values_list("session__training", flat=True).first()
    assert f'href="{reverse("volunteers:staff_training_certificates", args=[due])}"' in html


def test_nothing_waiting_says_so_in_words(client, lead):
    client.force_login(lead)
    html = client.get(URL).content.decode()
    assert "Zurzeit wartet nichts auf das KI-Team." in html
    assert set(counts(html).values()) == {0}
    assert html.count("</span> <span>nichts offen</span>") == len(counts(html)) == 8


def test_only_a_few_of_the_oldest_are_named_and_the_rest_counted(client, lead):
    Waiting(lead)(7)
    client.force_login(lead)
    html = client.get(URL).content.decode()
    payments = html.split('id="aufgabe-payments_requested"', 1)[1].split("</li>\n    \n", 1)[0]
    assert payments.count("#mittelabrufe") == 5
    assert "und 2 weitere" in payments


def test_the_queue_needs_a_fixed_number_of_queries(client, lead):
    client.force_login(lead)
    queries = assert_constant_queries(client, URL, Waiting(lead), small=2, large=8)
    assert queries <= BUDGET
