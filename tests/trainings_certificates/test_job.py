"""The background job: progress up to the total, idempotent, continues in fresh tasks."""

from __future__ import annotations

import pytest

from backend.errors import ConflictError
from notifications.models import Notification
from tests.conftest import eager_tasks
from volunteers.models import CertificateJob, TrainingCertificate
from volunteers.services import training_certificates as service
from volunteers.services.training_certificates import certificate_job_run, certificate_job_start
from volunteers.tasks_certificates import certificate_job_task

from .conftest import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    """Two certificates per render batch, so five attendees take three batches."""
    monkeypatch.setattr(service, "RENDER_BATCH", 2)


def test_job_progress_reaches_total_and_a_rerun_issues_nothing(
    training, staff_with_mfa, small_batches
):
    for n in range(5):
        enrol(training, full_name=f"Teilnehmerin {n}")
    enrol(training, full_name="Nicht Erschienen", present=[False, False])
    job = certificate_job_start(training=training, actor=staff_with_mfa)

    assert certificate_job_run(job_id=job.pk, time_budget=0) is False  # one batch, then yield
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (CertificateJob.Status.RUNNING, 5, 2)

    with eager_tasks():
        certificate_job_task.delay(job.pk)  # continues, re-queuing itself until done

    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (CertificateJob.Status.DONE, 5, 5)
    assert job.finished_at is not None
    codes = dict(TrainingCertificate.objects.values_list("pk", "sha256"))

    # Ran twice, acted once: the finished job is a no-op, a new job finds nothing to do (and
    # says so: nothing of this run, the five of the first run are not counted again).
    assert certificate_job_run(job_id=job.pk) is True
    again = certificate_job_start(training=training, actor=staff_with_mfa)
    certificate_job_run(job_id=again.pk)
    again.refresh_from_db()
    assert (again.status, again.total, again.done) == (CertificateJob.Status.DONE, 0, 0)
    assert dict(TrainingCertificate.objects.values_list("pk", "sha256")) == codes
    assert Notification.objects.filter(kind="volunteers.training_certificate").count() == 5


def test_starting_twice_while_running_returns_the_same_job(training, attendee, staff_with_mfa):
    first = certificate_job_start(training=training, actor=staff_with_mfa)
    second = certificate_job_start(training=training, actor=staff_with_mfa)

    assert first.pk == second.pk
    assert CertificateJob.objects.count() == 1


def test_no_job_without_attendees(training, staff_with_mfa):
    enrol(training, present=[False, False])
    with pytest.raises(ConflictError):
        certificate_job_start(training=training, actor=staff_with_mfa)
    assert not CertificateJob.objects.exists()


def test_a_failing_render_marks_the_job_failed(training, attendee, staff_with_mfa, monkeypatch):
    job = certificate_job_start(training=training, actor=staff_with_mfa)

    def broken(*args, **kwargs):
        raise OSError("font missing")

    monkeypatch.setattr(service, "render_pdf_parts", broken)
    with pytest.raises(OSError):
        certificate_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == CertificateJob.Status.FAILED
    assert "font missing" in job.error
