"""The pages: public verification (rate-limited, no hints), a volunteer's own certificates,
the staff pages for issuing with progress and for revoking."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import VolunteerFactory
from volunteers.models import CertificateJob, TrainingCertificate
from volunteers.services.training_certificates import (
    certificate_job_run,
    certificate_revoke,
    certificates_issue_for_training,
)

from .conftest import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(training, attendee, staff_with_mfa) -> TrainingCertificate:
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    return TrainingCertificate.objects.get()


def main(page: str) -> str:
    """The page's main content (the header holds per-request bits: CSRF token, path)."""
    return page[page.index("<main") : page.index("</main>")]


def verify_url(code: str) -> str:
    return reverse("volunteers:certificate_verify", args=[code])


# --- Public verification ----------------------------------------------------------------------


def test_verification_shows_the_minimal_data_and_valid(client, certificate):
    response = client.get(verify_url(certificate.code))

    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Amira Haddad", "Interkulturelle Kompetenz", "07.03.2026, 14.03.2026"):
        assert shown in page
    assert "gültig" in page
    assert "widerrufen" not in page
    assert certificate.registration.volunteer.email not in page
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_revoked_certificate_says_revoked_and_when_but_never_why(
    client, certificate, staff_with_mfa
):
    certificate_revoke(
        certificate=certificate, actor=staff_with_mfa, reason="Irrtum bei der Anwesenheitsliste"
    )
    certificate.refresh_from_db()

    response = client.get(verify_url(certificate.code))

    page = main(response.content.decode())
    assert response.status_code == 200
    assert f"widerrufen am {certificate.revoked_at:%d.%m.%Y}" in page
    assert "nicht mehr gültig" in page
    assert "Irrtum" not in page and "Anwesenheitsliste" not in page
    assert "Grund" not in page
    assert "ist echt und gültig" not in page


def test_typed_code_is_normalised(client, certificate):
    typed = certificate.code.lower().replace("-", " ")

    response = client.get(reverse("volunteers:certificate_verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.code)

    response = client.get(verify_url(certificate.code.replace("-", "").lower()))
    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.code)


def test_unknown_code_is_a_plain_404_without_hints(client, certificate):
    # One character off a real code, and a code that does not exist at all: the same answer
    # (apart from the code itself, which the page repeats so it can be compared).
    near = certificate.code[:-1] + ("2" if certificate.code[-1] != "2" else "3")
    answers = {code: client.get(verify_url(code)) for code in (near, "AAAA-BBBB-CCCC")}

    assert [r.status_code for r in answers.values()] == [404, 404]
    bodies = {main(r.content.decode()).replace(code, "<code>") for code, r in answers.items()}
    assert len(bodies) == 1  # nothing in the page depends on how close the code was
    body = bodies.pop()
    assert "Nicht gefunden" in body
    assert "hat die richtige Form" in body
    assert "ist kein Prüfcode" not in body


def test_input_that_is_no_code_is_told_why_and_kept(client, certificate):
    response = client.get(verify_url("x"))

    page = main(response.content.decode())
    assert response.status_code == 404
    assert "„x“ ist kein Prüfcode" in page
    assert "Er hat 1 Zeichen" in page
    assert 'value="x"' in page  # kept in the field
    assert "hat die richtige Form" not in page


@override_settings(CERTIFICATE_VERIFY_RATE_LIMIT="3/m/ip")
def test_verification_is_rate_limited_per_address(client, certificate):
    for _n in range(3):
        assert client.get(verify_url("AAAA-BBBB-CCCC")).status_code == 404

    refused = client.get(verify_url(certificate.code))
    assert refused.status_code == 429
    assert "Zu viele Prüfungen" in refused.content.decode()
    assert refused["Retry-After"] == "60"
    # Another address is not affected.
    assert client.get(verify_url(certificate.code), REMOTE_ADDR="10.1.2.3").status_code == 200


def test_verification_form_page(client):
    response = client.get(reverse("volunteers:certificate_verify_form"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()

    bad = client.get(reverse("volunteers:certificate_verify_form"), {"code": "zu kurz"})
    assert bad.status_code == 200
    page = main(bad.content.decode())
    assert "„zu kurz“ ist kein Prüfcode" in page
    assert "Er hat 6 Zeichen" in page
    assert 'value="zu kurz"' in page


def test_volunteer_downloads_own_certificate(client, certificate):
    client.force_login(certificate.registration.volunteer)

    response = client.get(reverse("volunteers:certificate_download", args=[certificate.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert certificate.code in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response.content == bytes(certificate.pdf)


def test_someone_elses_certificate_is_a_404(client, certificate):
    client.force_login(VolunteerFactory())
    response = client.get(reverse("volunteers:certificate_download", args=[certificate.pk]))
    assert response.status_code == 404


def test_a_revoked_certificate_is_not_downloadable(client, certificate, staff_with_mfa):
    certificate_revoke(certificate=certificate, actor=staff_with_mfa, reason="Irrtum")
    client.force_login(certificate.registration.volunteer)
    response = client.get(reverse("volunteers:certificate_download", args=[certificate.pk]))
    assert response.status_code == 404


def test_download_needs_login(client, certificate):
    response = client.get(reverse("volunteers:certificate_download", args=[certificate.pk]))
    assert response.status_code == 302


def test_my_certificates_lists_own_only(client, training, certificate, staff_with_mfa):
    other = enrol(training, full_name="Bernd Anders")
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    client.force_login(certificate.registration.volunteer)

    page = client.get(reverse("volunteers:my_certificates")).content.decode()

    assert reverse("volunteers:certificate_download", args=[certificate.pk]) in page
    other_certificate = TrainingCertificate.objects.get(registration=other)
    assert reverse("volunteers:certificate_download", args=[other_certificate.pk]) not in page


# --- Staff ------------------------------------------------------------------------------------


def test_staff_page_lists_certificates_with_status(
    client, training, staff_with_mfa, django_assert_max_num_queries
):
    for n in range(8):
        enrol(training, full_name=f"Person {n}")
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    revoked = TrainingCertificate.objects.first()
    certificate_revoke(certificate=revoked, actor=staff_with_mfa, reason="Irrtum")
    client.force_login(staff_with_mfa)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("volunteers:staff_training_certificates", args=[training.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("kern-badge--success") == 7
    assert page.count("kern-badge--danger") == 1
    assert "Irrtum" in page


def test_staff_pages_need_staff(client, training, certificate):
    client.force_login(certificate.registration.volunteer)
    for url in (
        reverse("volunteers:staff_training_certificates", args=[training.pk]),
        reverse("volunteers:staff_certificate_revoke", args=[certificate.pk]),
    ):
        assert client.get(url).status_code == 403
    issue = reverse("volunteers:staff_certificates_issue", args=[training.pk])
    assert client.post(issue).status_code == 403


def test_staff_starts_the_job_and_sees_its_progress(client, training, staff_with_mfa):
    for n in range(3):
        enrol(training, full_name=f"Person {n}")
    client.force_login(staff_with_mfa)

    response = client.post(reverse("volunteers:staff_certificates_issue", args=[training.pk]))
    assert response.status_code == 302
    job = CertificateJob.objects.get()

    page = client.get(reverse("volunteers:staff_training_certificates", args=[training.pk]))
    progress_url = reverse("volunteers:staff_certificate_job", args=[job.pk])
    assert f'hx-get="{progress_url}"' in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()

    certificate_job_run(job_id=job.pk)
    fragment = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "3 von 3" in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()  # finished: polling stops
    # Without htmx the progress address leads to the page.
    assert client.get(progress_url).status_code == 302


def test_staff_revokes_with_a_reason(client, certificate, staff_with_mfa):
    client.force_login(staff_with_mfa)
    url = reverse("volunteers:staff_certificate_revoke", args=[certificate.pk])

    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400  # the form again, with the error
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    done = client.post(url, {"reason": "Anwesenheit falsch erfasst"})
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Anwesenheit falsch erfasst"
    assert "widerrufen am" in client.get(verify_url(certificate.code)).content.decode()
