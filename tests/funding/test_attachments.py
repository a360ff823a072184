"""Attachments: the type is recognised by content (PDF, PNG, JPEG only), the stored file is in
private storage under a random name, and a refused upload stores nothing."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from PIL import Image

from backend.errors import ConflictError, ValidationFailed
from funding.models import Application, Attachment
from funding.models.applications import private_storage
from funding.services.attachments import (
    JPEG,
    PDF,
    PNG,
    attachment_add,
    attachment_delete,
    attachment_open,
    clean_filename,
    sniff,
)
from tests.factories import MembershipFactory
from tests.pdf import pdf_pages

from .factories import ApplicationFactory, approved, coordinator_of, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]


def tiny_pdf() -> bytes:
    """A complete one-page PDF (header, objects, cross-reference table, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tiny_png() -> bytes:
    """A 1x1 white PNG, chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8 bit, RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte + one RGB pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"This program cannot be run in DOS mode.\r\n" + b"\x00" * 200


def test_the_tiny_files_are_real():
    """The samples below are what a viewer opens, not just the right first bytes."""
    assert pdf_pages(tiny_pdf()) == 1
    assert Image.open(io.BytesIO(tiny_png())).size == (1, 1)
    Image.open(io.BytesIO(tiny_png())).verify()
    assert Image.open(io.BytesIO(tiny_jpeg())).format == "JPEG"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (tiny_pdf(), PDF),
        (tiny_png(), PNG),
        (tiny_jpeg(), JPEG),
        (tiny_jpeg() + b"\x00" * 10, JPEG),  # trailing padding after EOI
        (HTML, None),
        (b"%PDF-1.4\n" + HTML, None),  # a PDF header but no end: truncated or not a PDF
        (HTML + tiny_pdf(), None),  # the PDF signature must be at the start
        (ELF, None),
        (PE, None),
        (PE + tiny_pdf(), None),
        (tiny_png()[:-12], None),  # no IEND: truncated
        (tiny_jpeg()[:-2], None),  # no EOI: truncated
        (b"GIF89a" + b"\x00" * 40, None),
        (b"", None),
    ],
    ids=[
        "pdf",
        "png",
        "jpeg",
        "jpeg-padded",
        "html",
        "pdf-header-only",
        "html-then-pdf",
        "elf",
        "pe",
        "pe-then-pdf",
        "png-truncated",
        "jpeg-truncated",
        "gif",
        "empty",
    ],
)
def test_sniff_recognises_only_pdf_png_and_jpeg_by_content(data, expected):
    assert sniff(data) == expected


@pytest.mark.parametrize(
    ("name", "file_type", "shown"),
    [
        ("Kostenplan.pdf", PDF, "Kostenplan.pdf"),
        ("Foto vom Treffen.jpeg", PNG, "Foto vom Treffen.png"),
        ("scan", JPEG, "scan.jpg"),
        ("Bericht.PDF", PDF, "Bericht.pdf"),
        ("Rechnung\u202efdp.exe", PDF, "Rechnungfdp.pdf"),  # right-to-left override removed
        ("Zeile\nzwei.pdf", PDF, "Zeilezwei.pdf"),
        ("", PDF, "Anlage.pdf"),
        (" . ", PNG, "Anlage.png"),
        ("x" * 300 + ".pdf", PDF, "x" * 150 + ".pdf"),
    ],
)
def test_the_shown_name_is_cleaned_and_gets_the_detected_extension(name, file_type, shown):
    assert clean_filename(name, file_type) == shown


@pytest.fixture
def storage(settings, tmp_path):
    """Private storage and media in fresh folders of this test (the storage follows the
    setting, as it must for a deployment that sets PRIVATE_STORAGE_ROOT)."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    assert private_storage.location == str(tmp_path / "private")  # follows the setting
    return settings.PRIVATE_STORAGE_ROOT


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def add(application: Application, data: bytes, name: str, purpose: str = "application"):
    return attachment_add(
        application=application,
        file=io.BytesIO(data),
        filename=name,
        purpose=purpose,
        actor=coordinator_of(application),
    )


@pytest.mark.parametrize(
    ("data", "name", "content_type", "shown"),
    [
        (tiny_pdf(), "Kostenplan.pdf", "application/pdf", "Kostenplan.pdf"),
        (tiny_png(), "Flyer.jpg", "image/png", "Flyer.png"),
        (tiny_jpeg(), "Foto", "image/jpeg", "Foto.jpg"),
    ],
)
def test_a_real_file_is_stored_privately_under_a_random_name(
    storage, settings, data, name, content_type, shown
):
    application = ApplicationFactory()

    attachment = add(application, data, name)

    attachment.refresh_from_db()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        shown,
        content_type,
        len(data),
    )
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    path = Path(attachment.file.path)
    assert path.is_relative_to(storage)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert stored_files(settings.MEDIA_ROOT) == []
    assert re.fullmatch(rf"funding/{application.pk}/[0-9a-f]{{32}}", attachment.file.name)
    assert Path(name).stem not in attachment.file.name
    assert path.read_bytes() == data
    with attachment_open(attachment) as handle:
        assert handle.read() == data


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (HTML, "Kostenplan.pdf", "Nur PDF-, PNG- und JPEG-Dateien sind erlaubt."),
        (ELF, "Kostenplan.pdf", "Nur PDF-, PNG- und JPEG-Dateien sind erlaubt."),
        (PE, "Rechnung.pdf", "Nur PDF-, PNG- und JPEG-Dateien sind erlaubt."),
        (b"", "leer.pdf", "Die Datei ist leer."),
        (tiny_pdf(), "../../etc/passwd.pdf", "Der Dateiname darf keine Pfadangaben"),
        (tiny_pdf(), "..\\..\\boot.ini.pdf", "Der Dateiname darf keine Pfadangaben"),
        (tiny_pdf(), "C:\\Users\\x\\Kostenplan.pdf", "Der Dateiname darf keine Pfadangaben"),
        (tiny_pdf(), "/tmp/Kostenplan.pdf", "Der Dateiname darf keine Pfadangaben"),
        (tiny_pdf(), "Kosten\x00plan.pdf", "Der Dateiname darf keine Pfadangaben"),
    ],
    ids=["html", "elf", "pe", "empty", "dotdot", "backslash", "windows", "absolute", "nul"],
)
def test_a_refused_file_is_not_stored(storage, data, name, message):
    application = ApplicationFactory()
    with pytest.raises(ValidationFailed) as caught:
        add(application, data, name)
    assert caught.value.field == "file"
    assert caught.value.message.startswith(message)
    assert not Attachment.objects.exists()
    assert stored_files(storage) == []


def test_a_file_over_the_size_limit_is_refused_and_one_at_the_limit_accepted(storage, settings):
    application = ApplicationFactory()
    pdf = tiny_pdf()
    settings.FUNDING_ATTACHMENT_MAX_BYTES = len(pdf)
    too_big = pdf[:-6] + b" " * 10 + pdf[-6:]  # still a PDF, ten bytes over
    assert sniff(too_big) == PDF

    with pytest.raises(ValidationFailed) as caught:
        add(application, too_big, "gross.pdf")

    assert caught.value.message.startswith("Die Datei ist zu groß")
    assert stored_files(storage) == [] and not Attachment.objects.exists()
    assert add(application, pdf, "passt.pdf").size == len(pdf)


def test_the_number_of_attachments_is_limited(storage, settings):
    settings.FUNDING_ATTACHMENTS_PER_APPLICATION = 2
    application = ApplicationFactory()
    add(application, tiny_pdf(), "a.pdf")
    add(application, tiny_png(), "b.png")
    with pytest.raises(ValidationFailed):
        add(application, tiny_jpeg(), "c.jpg")
    assert len(stored_files(storage)) == 2


def test_annexes_while_editable_receipts_while_approved_only_by_coordinators(storage):
    application = ApplicationFactory()
    stranger = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        attachment_add(
            application=application,
            file=io.BytesIO(tiny_pdf()),
            filename="a.pdf",
            purpose="application",
            actor=stranger,
        )
    with pytest.raises(ConflictError):
        add(application, tiny_pdf(), "Beleg.pdf", purpose="receipt")
    with pytest.raises(ValidationFailed):
        add(application, tiny_pdf(), "a.pdf", purpose="selfie")
    annex = add(application, tiny_pdf(), "Anlage.pdf")

    submitted(application)
    with pytest.raises(ConflictError):
        add(application, tiny_pdf(), "spät.pdf")
    with pytest.raises(ConflictError):
        attachment_delete(attachment=annex, actor=coordinator_of(application))

    approved(application)
    receipt = add(application, tiny_jpeg(), "Quittung.jpg", purpose="receipt")
    assert receipt.purpose == Attachment.Purpose.RECEIPT
    assert len(stored_files(storage)) == 2


def test_deleting_removes_the_file_after_commit(storage, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    attachment = add(application, tiny_pdf(), "a.pdf")
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(attachment=attachment, actor=coordinator_of(application))
    assert not path.exists()
    assert not Attachment.objects.exists()
