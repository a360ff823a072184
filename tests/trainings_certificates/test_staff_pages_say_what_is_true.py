"""The KI staff's training pages say what is true: no "no certificates yet" above a table of
issued ones, a run's progress counts only what that run issued, and the attendance list does
not call the participants' names "optional"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import VolunteerFactory
from volunteers.models import CertificateJob, Registration
from volunteers.services.training_certificates import (
    certificate_job_run,
    certificate_job_start,
    certificates_issue_for_training,
)

from .conftest import enrol

pytestmark = pytest.mark.django_db


def register(training, name: str) -> Registration:
    """A confirmed registration without any attendance marked yet."""
    return Registration.objects.create(
        training=training,
        volunteer=VolunteerFactory(full_name=name),
        status=Registration.Status.CONFIRMED,
    )


def certificates_page(client, training) -> str:
    return client.get(reverse("volunteers:staff_training_certificates", args=[training.pk])).text


def test_issued_certificates_are_never_called_none(client, training, staff_with_mfa):
    for name in ("Amira Haddad", "Omar Said"):
        enrol(training, full_name=name)
    # Issued without a background run (as the demo and the synchronous path do).
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    client.force_login(staff_with_mfa)

    page = certificates_page(client, training)

    assert "Amira Haddad" in page and "Omar Said" in page
    assert "noch keine Bescheinigungen" not in page.lower()


def test_with_nothing_issued_the_page_says_so(client, training, staff_with_mfa):
    enrol(training, full_name="Amira Haddad")
    client.force_login(staff_with_mfa)

    page = certificates_page(client, training)

    assert "Für diese Schulung wurden noch keine Bescheinigungen ausgestellt." in page


def test_a_second_run_counts_only_what_it_issued(client, training, staff_with_mfa):
    for name in ("Amira Haddad", "Omar Said"):
        enrol(training, full_name=name)
    first = certificate_job_start(training=training, actor=staff_with_mfa)
    certificate_job_run(job_id=first.pk)
    enrol(training, full_name="Lena Late")  # attendance recorded afterwards

    second = certificate_job_start(training=training, actor=staff_with_mfa)
    certificate_job_run(job_id=second.pk)

    second.refresh_from_db()
    assert (second.status, second.total, second.done) == (CertificateJob.Status.DONE, 1, 1)
    client.force_login(staff_with_mfa)
    page = certificates_page(client, training)
    assert "In diesem Lauf 1 von 1 Bescheinigungen erstellt." in page
    assert "3 von 3" not in page


def test_a_run_with_nothing_left_to_issue_says_so(client, training, staff_with_mfa):
    enrol(training, full_name="Amira Haddad")
    certificates_issue_for_training(training=training, actor=staff_with_mfa)

    job = certificate_job_start(training=training, actor=staff_with_mfa)
    certificate_job_run(job_id=job.pk)

    client.force_login(staff_with_mfa)
    page = certificates_page(client, training)
    assert "Dieser Lauf hatte nichts zu tun" in page
    assert "1 von 1" not in page


def test_attendance_names_are_not_labelled_optional(client, training, staff_with_mfa):
    for name in ("Amira Haddad", "Omar Said"):
        register(training, name)
    session = training.sessions.order_by("starts_at").first()
    client.force_login(staff_with_mfa)

    page = client.get(reverse("volunteers:staff_attendance", args=[session.pk])).text

    form = page.split('class="attendance"')[1].split("</form>")[0]
    assert "Amira Haddad" in form and "Omar Said" in form
    assert "optional" not in form


def test_saving_attendance_says_how_many_were_recorded(client, training, staff_with_mfa):
    first = register(training, "Amira Haddad")
    register(training, "Omar Said")
    session = training.sessions.order_by("starts_at").first()
    url = reverse("volunteers:staff_attendance", args=[session.pk])
    client.force_login(staff_with_mfa)

    marked = client.post(url, {f"r{first.pk}": "present"}, follow=True)
    nothing = client.post(url, {}, follow=True)

    assert "Die Anwesenheit von einer Person ist gespeichert." in marked.text
    assert "Es war niemand markiert; es wurde nichts gespeichert." in nothing.text
