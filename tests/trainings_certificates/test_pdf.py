"""The batch rendering: one layout, one standalone PDF per person."""

from __future__ import annotations

from unittest import mock

import pytest
import segno
from django.conf import settings

from tests.pdf import pdf_metadata, pdf_pages, pdf_text
from volunteers.models import TrainingCertificate
from volunteers.services import training_certificates as service
from volunteers.services.training_certificates import (
    certificate_verify_url,
    certificates_issue_for_training,
    certificates_render,
)

from .conftest import enrol

pytestmark = pytest.mark.django_db

NAMES = [
    "Amira Haddad",
    "Jürgen Özdemir-Müller",
    "Олена Коваленко",
    "Mohammed Al-Sayed",
    "Zoë Ångström",
]


def test_each_certificate_of_a_batch_is_its_own_valid_one_page_pdf(training, staff_with_mfa):
    for name in NAMES:
        enrol(training, full_name=name)
    certificates_issue_for_training(training=training, actor=staff_with_mfa)

    certificates = list(TrainingCertificate.objects.select_related("registration__volunteer"))
    assert len(certificates) == len(NAMES)
    for certificate in certificates:
        pdf = bytes(certificate.pdf)
        assert pdf_pages(pdf) == 1
        assert pdf_metadata(pdf)["Title"] == f"Teilnahmebescheinigung {certificate.code}"
        assert len(pdf) < 150 * 1024
        text = pdf_text(pdf)
        assert certificate.holder_name in text
        assert certificate.code in text
        assert certificate_verify_url(certificate.code) in " ".join(text.split())
        # Nobody else's name is in anyone's file.
        others = [name for name in NAMES if name != certificate.holder_name]
        assert not any(other in text for other in others)


def test_batch_and_single_renders_say_the_same(training, staff_with_mfa):
    for name in NAMES[:3]:
        enrol(training, full_name=name)
    certificates_issue_for_training(training=training, actor=staff_with_mfa)
    certificates = list(
        TrainingCertificate.objects.select_related(
            "registration__volunteer", "registration__training"
        )
    )

    alone = certificates_render(certificates[:1])[certificates[0].pk]
    together = certificates_render(certificates)[certificates[0].pk]

    assert pdf_text(alone) == pdf_text(together)


def test_the_qr_code_encodes_the_verification_url(training, attendee, staff_with_mfa):
    made = []
    real_make = segno.make

    def make(content, **kwargs):
        qr = real_make(content, **kwargs)
        made.append((content, qr))
        return qr

    with mock.patch.object(service.segno, "make", make):
        certificates_issue_for_training(training=training, actor=staff_with_mfa)

    code = TrainingCertificate.objects.get().code
    [(content, qr)] = made
    assert content == settings.SITE_URL + f"/bescheinigung/pruefen/{code}/"
    assert content == certificate_verify_url(code)
    uri = qr.svg_data_uri(scale=4, border=4)
    assert uri.startswith("data:image/svg+xml")
    assert qr.symbol_size(border=0)[0] >= 25  # version 2 or more: the URL does not fit in less
