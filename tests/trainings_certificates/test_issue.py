"""Issuing Teilnahmebescheinigungen: who gets one, what it says, codes, storage, revoking."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from backend.errors import InvalidTransition, ValidationFailed
from backend.models import StatusChange
from notifications.models import Notification
from tests.pdf import pdf_pages, pdf_text
from volunteers.models import Registration, TrainingCertificate
from volunteers.services import training_certificates as service
from volunteers.services.training_certificates import (
    certificate_code_normalise,
    certificate_lookup,
    certificate_pdf,
    certificate_revoke,
    certificates_issue_for_training,
)

from .conftest import enrol

pytestmark = pytest.mark.django_db


def test_only_attendees_get_a_certificate(training, staff_with_mfa):
    present = enrol(training, full_name="Amira Haddad")
    no_show = enrol(training, full_name="Nina Nichtda", present=[False, False])
    half = enrol(training, full_name="Hanna Halb", present=[True, False])
    cancelled = enrol(training, full_name="Carl Abgemeldet")
    Registration.objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)

    assert certificates_issue_for_training(training=training, actor=staff_with_mfa) == 1

    assert list(TrainingCertificate.objects.values_list("registration", flat=True)) == [present.pk]
    for registration in (no_show, half, cancelled):
        assert not TrainingCertificate.objects.filter(registration=registration).exists()


def test_certificate_states_name_training_dates_and_hours(training, attendee, staff_with_mfa):
    certificates_issue_for_training(training=training, actor=staff_with_mfa)

    certificate = TrainingCertificate.objects.get()
    assert certificate.holder_name == "Amira Haddad"
    assert certificate.training_title == "Interkulturelle Kompetenz"
    assert certificate.training_dates == "07.03.2026, 14.03.2026"
    assert certificate.hours == Decimal("6.00")
    assert certificate.issued_by == staff_with_mfa
    text = pdf_text(bytes(certificate.pdf))
    assert "Amira Haddad" in text
    assert certificate.code in text
    assert "Interkulturelle Kompetenz" in text


def test_hours_are_the_sessions_length_when_none_are_credited(training, attendee, staff_with_mfa):
    training.hours_credited = 0
    training.save(update_fields=["hours_credited"])

    certificates_issue_for_training(training=training, actor=staff_with_mfa)

    assert TrainingCertificate.objects.get().hours == Decimal("7.00")  # 3 h + 4 h


def test_codes_are_unique_and_each_verifies_its_own_certificate(training, staff_with_mfa):
    for n in range(6):
        enrol(training, full_name=f"Person {n}")

    certificates_issue_for_training(training=training, actor=staff_with_mfa)

    certificates = list(TrainingCertificate.objects.all())
    assert len({c.code for c in certificates}) == 6
    for certificate in certificates:
        assert certificate_lookup(certificate.code.lower().replace("-", " ")) == certificate


def test_a_code_clash_is_retried_with_new_codes(training, attendee, staff_with_mfa):
    other = enrol(training, full_name="Zweite Person")
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    taken = TrainingCertificate.objects.get(registration=attendee).code
    TrainingCertificate.objects.filter(registration=other).delete()
    codes = iter([taken, "AAAA-BBBB-CCCC"])

    with mock.patch.object(service, "certificate_code", lambda: next(codes)):
        certificates_issue_for_training(training=training, actor=staff_with_mfa)

    assert TrainingCertificate.objects.get(registration=other).code == "AAAA-BBBB-CCCC"


def test_each_holder_is_emailed_once_with_a_download_link(training, attendee, staff_with_mfa):
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    certificates_issue_for_training(training=training, actor=staff_with_mfa)

    notification = Notification.objects.get(kind="volunteers.training_certificate")
    certificate = TrainingCertificate.objects.get()
    assert notification.recipient == attendee.volunteer
    assert notification.context["download_url"].endswith(
        f"/ehrenamt/bescheinigungen/{certificate.pk}/pdf/"
    )
    assert notification.context["code"] == certificate.code


def test_issuing_needs_staff_with_two_factor(training, attendee, staff_without_mfa):
    with pytest.raises(PermissionDenied):
        certificates_issue_for_training(training=training, actor=staff_without_mfa)
    with pytest.raises(PermissionDenied):
        certificates_issue_for_training(training=training, actor=attendee.volunteer)
    assert not TrainingCertificate.objects.exists()


def test_stored_pdf_is_not_rendered_again(training, attendee, staff_with_mfa):
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    certificate = TrainingCertificate.objects.get()
    stored, digest = bytes(certificate.pdf), certificate.sha256

    with mock.patch.object(service, "render_pdf_parts") as render:
        certificates_issue_for_training(training=training, actor=staff_with_mfa)
        served = certificate_pdf(certificate=certificate)

    render.assert_not_called()
    certificate.refresh_from_db()
    assert served == stored
    assert certificate.sha256 == digest == service.sha256_hex(stored)


def test_a_missing_pdf_is_rendered_again_with_the_same_code(training, attendee, staff_with_mfa):
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    certificate = TrainingCertificate.objects.get()
    TrainingCertificate.objects.filter(pk=certificate.pk).update(pdf=None, sha256="")

    pdf = certificate_pdf(certificate=certificate)

    certificate.refresh_from_db()
    assert bytes(certificate.pdf) == pdf
    assert certificate.sha256 == service.sha256_hex(pdf)
    assert certificate.code in pdf_text(pdf)
    assert pdf_pages(pdf) == 1


def test_revoking_needs_a_reason_and_is_audited(training, attendee, staff_with_mfa):
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    certificate = TrainingCertificate.objects.get()

    with pytest.raises(ValidationFailed):
        certificate_revoke(certificate=certificate, actor=staff_with_mfa, reason="   ")
    certificate_revoke(
        certificate=certificate, actor=staff_with_mfa, reason="Anwesenheit falsch erfasst"
    )
    with pytest.raises(InvalidTransition):
        certificate_revoke(certificate=certificate, actor=staff_with_mfa, reason="nochmal")

    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Anwesenheit falsch erfasst"
    change = StatusChange.objects.get(object_id=certificate.pk, to_status="revoked")
    assert (change.from_status, change.actor, change.note) == (
        "valid",
        staff_with_mfa,
        "Anwesenheit falsch erfasst",
    )


def test_revoking_needs_staff(training, attendee, staff_with_mfa):
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    with pytest.raises(PermissionDenied):
        certificate_revoke(
            certificate=TrainingCertificate.objects.get(),
            actor=attendee.volunteer,
            reason="selbst",
        )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("K7QM-4TXR-9HCW", "K7QM-4TXR-9HCW"),
        ("k7qm4txr9hcw", "K7QM-4TXR-9HCW"),
        (" k7qm 4txr 9hcw ", "K7QM-4TXR-9HCW"),
        ("K7QM–4TXR–9HCW", "K7QM-4TXR-9HCW"),
        ("K7QM-4TXR-9HC", None),
        ("K7QM-4TXR-9HCW1", None),
        ("O7QM-4TXR-9HCW", None),
        ("", None),
    ],
)
def test_code_normalisation(raw, expected):
    assert certificate_code_normalise(raw) == expected


def test_an_attendee_without_a_name_gets_the_certificate_once_the_name_is_entered(
    client, training, staff_with_mfa
):
    """A certificate names a person, never an email address in place of the name."""
    from backend.accounts.services import user_set_name

    enrol(training, full_name="Amira Haddad")
    nameless = enrol(training, nameless=True, email="neu1@example.org")

    assert certificates_issue_for_training(training=training, actor=staff_with_mfa) == 1
    assert not TrainingCertificate.objects.filter(registration=nameless).exists()
    assert not TrainingCertificate.objects.filter(holder_name__contains="@").exists()
    client.force_login(staff_with_mfa)
    page = client.get(f"/verwaltung/schulungen/{training.pk}/bescheinigungen/").content.decode()
    assert "1 Person mit voller Anwesenheit hat in ihrem Konto noch keinen Namen" in page

    user_set_name(user=nameless.volunteer, first_name="Nora", last_name="Neu")
    assert certificates_issue_for_training(training=training, actor=staff_with_mfa) == 1
    issued = TrainingCertificate.objects.get(registration=nameless)
    assert issued.holder_name == "Nora Neu"
    text = pdf_text(certificate_pdf(certificate=issued))
    assert "Nora Neu" in text and "neu1@example.org" not in text
