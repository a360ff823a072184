"""Attachments: the type is recognised by content (PDF, PNG, JPEG only), a PDF must open and
have pages, the stored file is in private storage under a random name, and a refused upload
stores nothing."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import PermissionDenied
from PIL import Image

from backend.documents import render_pdf
from backend.errors import ConflictError, ValidationFailed
from funding.models import Application, Attachment
from funding.models.applications import private_storage
from funding.services.attachments import (
    JPEG,
    PDF,
    PNG,
    UnreadablePdfError,
    Upload,
    attachment_add,
    attachment_delete,
    attachment_open,
    attachments_check,
    clean_filename,
    sniff,
)
from tests.factories import MembershipFactory
from tests.pdf import pdf_of, pdf_pages, tiny_pdf

from .factories import ApplicationFactory, approved, coordinator_of, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]


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
        (HTML, "Kostenplan.pdf", "Die Datei „Kostenplan.pdf“ ist kein lesbares PDF"),
        (ELF, "Kostenplan.pdf", "Die Datei „Kostenplan.pdf“ ist kein lesbares PDF"),
        (PE, "Rechnung.pdf", "Die Datei „Rechnung.pdf“ ist kein lesbares PDF"),
        (HTML, "Kostenplan.html", "Nur PDF-, PNG- und JPEG-Dateien sind erlaubt."),
        (ELF, "programm", "Nur PDF-, PNG- und JPEG-Dateien sind erlaubt."),
        (b"", "leer.pdf", "Die Datei ist leer."),
        (tiny_pdf(), "../../etc/passwd.pdf", "Der Dateiname darf keine Pfadangaben"),
        (tiny_pdf(), "..\\..\\boot.ini.pdf", "Der Dateiname darf keine Pfadangaben"),
        (tiny_pdf(), "C:\\Users\\x\\Kostenplan.pdf", "Der Dateiname darf keine Pfadangaben"),
        (tiny_pdf(), "/tmp/Kostenplan.pdf", "Der Dateiname darf keine Pfadangaben"),
        (tiny_pdf(), "Kosten\x00plan.pdf", "Der Dateiname darf keine Pfadangaben"),
    ],
    ids=[
        "html-as-pdf",
        "elf-as-pdf",
        "pe-as-pdf",
        "html",
        "elf",
        "empty",
        "dotdot",
        "backslash",
        "windows",
        "absolute",
        "nul",
    ],
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


# --- A PDF must be one a viewer opens -------------------------------------------------------


def two_page_pdf() -> bytes:
    """An A4 PDF of two empty pages, written by PDFium."""
    document = pdfium.PdfDocument.new()
    for _ in range(2):
        document.new_page(595, 842).close()
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def weasyprint_pdf() -> bytes:
    """A PDF as the platform itself writes them (WeasyPrint, compressed streams, fonts)."""
    return render_pdf("pdf/base.html", {})


# HTML right behind the header, then a whole PDF: PDFium repairs and opens it, a browser that
# sniffed it would run the script.
POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n" + tiny_pdf()[9:]
TRUNCATED = tiny_pdf()[: len(tiny_pdf()) // 2]
LETTER = b"Sehr geehrte Damen und Herren,\nanbei unser Angebot.\n"
# The page tree promises one page; its only kid is a font.
NO_PAGE = pdf_of(
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
)
NO_PAGES = pdf_of(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>")


def test_the_sample_polyglot_opens_as_a_pdf_and_the_damaged_ones_do_not():
    """The HTML check is what refuses the polyglot, not a parse error."""
    assert pdf_pages(POLYGLOT) == 1
    for damaged in (TRUNCATED, TRUNCATED + b"\n%%EOF\n", NO_PAGES):
        with pytest.raises(pdfium.PdfiumError):
            pdf_pages(damaged)


@pytest.mark.parametrize(
    "make",
    [tiny_pdf, two_page_pdf, weasyprint_pdf, lambda: b" \r\n" + tiny_pdf()],
    ids=["tiny", "pdfium", "weasyprint", "leading-whitespace"],
)
def test_a_pdf_that_opens_with_pages_is_accepted(storage, make):
    data = make()
    attachment = add(ApplicationFactory(), data, "Angebot.pdf")
    assert (attachment.content_type, attachment.filename) == ("application/pdf", "Angebot.pdf")
    assert Path(attachment.file.path).read_bytes() == data


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (TRUNCATED, "Kostenplan.pdf", "unvollständig"),
        (TRUNCATED + b"\n%%EOF\n", "Kostenplan.pdf", "lässt sich nicht öffnen"),
        (LETTER, "Angebot.pdf", "beginnt nicht mit der PDF-Kennung"),
        (POLYGLOT, "Rechnung.pdf", "enthält HTML-Code"),
        (POLYGLOT, "Rechnung", "enthält HTML-Code"),  # claims to be a PDF by its content
        (b"%PDF-1.7\n<!DOCTYPE html><p>x</p>\n%%EOF\n", "x.pdf", "enthält HTML-Code"),
        (b" " * 40 + tiny_pdf(), "Flyer.pdf", "vor der PDF-Kennung steht anderer Inhalt"),
        (b"GIF89a\n" + tiny_pdf(), "Flyer.pdf", "vor der PDF-Kennung steht anderer Inhalt"),
        (NO_PAGE, "leer.pdf", "lässt sich nicht öffnen"),
        (NO_PAGES, "leer.pdf", "lässt sich nicht öffnen"),
    ],
    ids=[
        "truncated",
        "truncated-with-end-marker",
        "renamed-text",
        "html-polyglot",
        "html-polyglot-without-extension",
        "doctype",
        "whitespace-before-header",
        "gif-before-header",
        "page-tree-without-page",
        "no-pages",
    ],
)
def test_a_file_that_is_no_readable_pdf_is_refused_by_name_and_not_stored(
    storage, data, name, reason
):
    application = ApplicationFactory()

    with pytest.raises(UnreadablePdfError) as caught:
        add(application, data, name)

    assert caught.value.field == "file"
    assert caught.value.message.startswith(f"Die Datei „{name}“ ist kein lesbares PDF: ")
    assert reason in caught.value.message
    assert not Attachment.objects.exists()
    assert stored_files(storage) == []


def test_several_files_one_unreadable_pdf_nothing_is_stored_and_the_file_is_named_once(storage):
    uploads = [
        Upload(file=io.BytesIO(tiny_pdf()), filename="gut.pdf"),
        Upload(file=io.BytesIO(POLYGLOT), filename="Rechnung.pdf"),
        Upload(file=io.BytesIO(HTML), filename="Flyer.html"),
    ]

    with pytest.raises(ValidationFailed) as caught:
        attachments_check(uploads)

    problems = caught.value.errors["attachments"]
    assert len(problems) == 2
    assert problems[0].startswith("Die Datei „Rechnung.pdf“ ist kein lesbares PDF")
    assert problems[0].count("Rechnung.pdf") == 1
    assert problems[1].startswith("„Flyer.html“: Nur PDF-, PNG- und JPEG-Dateien")
    assert stored_files(storage) == []
