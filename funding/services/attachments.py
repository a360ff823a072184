"""Attachments of a case: annexes to the application and receipts of the proof of use.

Only PDF, PNG and JPEG, recognised by their content (signature at the start, end marker at the
end), never by the name or the browser's content type: an HTML page or a program renamed to
.pdf is refused. A PDF must also open in PDFium with at least one page and carry no HTML
markup near its start (an HTML/PDF polyglot that a browser would run as a page).

Stored in private storage under a random name; the shown name is the uploader's, cleaned,
with the extension of the detected type. Served only as a download by views that ask
funding.permissions.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

import pypdfium2 as pdfium
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from backend.errors import ConflictError, ValidationFailed

from ..models import Application, Attachment
from ..permissions import is_applicant

if TYPE_CHECKING:
    from backend.accounts.models import User


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str


PDF = FileType("application/pdf", "pdf")
PNG = FileType("image/png", "png")
JPEG = FileType("image/jpeg", "jpg")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def sniff(data: bytes) -> FileType | None:
    """The type of a file by its content, or None when it is none of PDF, PNG, JPEG.

    PDF: starts with %PDF-1.x or %PDF-2.x and has %%EOF near its end. PNG: the 8-byte
    signature, an IHDR chunk first and an IEND chunk last. JPEG: SOI marker plus a segment
    marker at the start, EOI marker at the end (trailing padding allowed).
    """
    if data[:5] == b"%PDF-" and data[5:6] in (b"1", b"2") and b"%%EOF" in data[-2048:]:
        return PDF
    if data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR" and b"IEND" in data[-16:]:
        return PNG
    if data[:3] == b"\xff\xd8\xff" and b"\xff\xd9" in data[-64:]:
        return JPEG
    return None


# A PDF viewer reads the header anywhere in the first 1024 bytes, a browser sniffs HTML there:
# a file may start with at most this much whitespace before "%PDF-", and carry no markup there.
PDF_LEADING_WHITESPACE = 4
PDF_HEAD = 1024
# Tags a browser would act on. None of them can start a PDF hex string (<48656c...>).
HTML_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|object|embed|svg|meta|style|img)\b",
    re.IGNORECASE,
)
WHITESPACE = b" \t\r\n\f"
# PDFium keeps global state and is not safe to call from two threads at once.
_PDFIUM_LOCK = threading.Lock()


class UnreadablePdfError(ValidationFailed):
    """A file that claims to be a PDF (by its name or a "%PDF-" near its start) that is not
    one a viewer opens safely. Its message names the file."""


def _looks_like_pdf(data: bytes, filename: str) -> bool:
    return filename.lower().rstrip(" .").endswith(".pdf") or b"%PDF-" in data[:PDF_HEAD]


def _pdf_pages(data: bytes) -> int | None:
    """The number of pages PDFium opens, or None when it cannot open the file or one of its
    pages (the page tree's count alone may promise pages that are not there)."""
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None
        try:
            for index in range(len(document)):
                document[index].close()
            return len(document)
        except pdfium.PdfiumError:
            return None
        finally:
            document.close()


def pdf_problem(data: bytes) -> str | None:
    """Why these bytes are not a PDF a viewer opens safely, in words for the uploader, or None.

    Refused: content other than a little whitespace before "%PDF-", HTML markup in the first
    1024 bytes, a file PDFium cannot open (damaged, truncated, password-protected) or one
    without pages."""
    start = data.find(b"%PDF-", 0, PDF_HEAD)
    if start < 0:
        return _("sie beginnt nicht mit der PDF-Kennung")
    if start > PDF_LEADING_WHITESPACE or data[:start].strip(WHITESPACE):
        return _("vor der PDF-Kennung steht anderer Inhalt")
    if HTML_MARKUP.search(data[:PDF_HEAD]):
        return _("sie enthält HTML-Code")
    pages = _pdf_pages(data)
    if pages is None:
        return _(
            "sie lässt sich nicht öffnen (beschädigt, unvollständig oder mit Passwort geschützt)"
        )
    if pages == 0:
        return _("sie hat keine Seiten")
    return None


def _shown_name(filename: str) -> str:
    """The uploader's name for a message: without control characters, not too long."""
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C").strip()
    return (name[:150] + "…" if len(name) > 150 else name) or _("ohne Namen")


def clean_filename(name: str, file_type: FileType) -> str:
    """The name shown for a download: no path, no control characters, the right extension.
    Raises ValidationFailed for a name that tries to name a path."""
    name = unicodedata.normalize("NFC", name or "")
    if "/" in name or "\\" in name or ".." in name or "\x00" in name:
        raise ValidationFailed(
            _("Der Dateiname darf keine Pfadangaben wie „../“ oder „/“ enthalten."),
            field="file",
        )
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:150] or _("Anlage")
    return f"{stem}.{file_type.extension}"


def _read_limited(file: IO[bytes], limit: int) -> bytes:
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(
            _("Die Datei ist zu groß: höchstens %(mb)s MB sind erlaubt.")
            % {"mb": f"{limit / (1024 * 1024):.0f}"},
            field="file",
        )
    return data


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its content and the name the uploader gave it."""

    file: IO[bytes]
    filename: str


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: its bytes, detected type and the name to show."""

    data: bytes
    file_type: FileType
    filename: str


def attachment_check(*, file: IO[bytes], filename: str) -> CheckedFile:
    """Read and check one upload: size, not empty, PDF/PNG/JPEG by content, a PDF that opens
    and has pages, a name without paths. Raises ValidationFailed (field "file"), for a file
    that claims to be a PDF and is not a readable one UnreadablePdfError; stores nothing."""
    if hasattr(file, "seek"):
        file.seek(0)
    data = _read_limited(file, settings.FUNDING_ATTACHMENT_MAX_BYTES)
    if not data:
        raise ValidationFailed(_("Die Datei ist leer."), field="file")
    file_type = sniff(data) or (PDF if sniff(data.lstrip(WHITESPACE)) is PDF else None)
    if file_type is PDF or (file_type is None and _looks_like_pdf(data, filename)):
        # Opens in PDFium, but sniff() found no end marker: cut off or with trailing content.
        incomplete = None if file_type else _("sie ist unvollständig, das Dateiende fehlt")
        problem = pdf_problem(data) or incomplete
        if problem:
            raise UnreadablePdfError(
                _(
                    "Die Datei „%(name)s“ ist kein lesbares PDF: %(problem)s. Bitte speichern "
                    "Sie das Dokument erneut als PDF und laden Sie es noch einmal hoch."
                )
                % {"name": _shown_name(filename), "problem": problem},
                field="file",
            )
    if file_type is None:
        raise ValidationFailed(
            _(
                "Nur PDF-, PNG- und JPEG-Dateien sind erlaubt. Der Inhalt dieser Datei ist "
                "keiner dieser Typen, auch wenn ihr Name es vermuten lässt."
            ),
            field="file",
        )
    return CheckedFile(data=data, file_type=file_type, filename=clean_filename(filename, file_type))


def attachments_check(
    uploads: Sequence[Upload], *, field: str = "attachments"
) -> list[CheckedFile]:
    """Check several uploads at once. Raises ValidationFailed naming every refused file (with
    its name) under `field`; stores nothing."""
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(attachment_check(file=upload.file, filename=upload.filename))
        except UnreadablePdfError as exc:
            problems.append(exc.message)  # names the file already
        except ValidationFailed as exc:
            problems.append(
                _("„%(name)s“: %(problem)s") % {"name": upload.filename, "problem": exc.message}
            )
    if problems:
        raise ValidationFailed(problems[0], errors={field: problems})
    return checked


def _check_room(locked: Application, adding: int, *, field: str) -> None:
    limit = settings.FUNDING_ATTACHMENTS_PER_APPLICATION
    if locked.attachments.count() + adding > limit:
        raise ValidationFailed(
            _("Ein Antrag kann höchstens %(n)s Anlagen haben.") % {"n": limit},
            field=field,
        )


def _store(locked: Application, checked: CheckedFile, *, purpose: str, actor: User) -> Attachment:
    attachment = Attachment(
        application=locked,
        purpose=purpose,
        filename=checked.filename,
        content_type=checked.file_type.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(checked.filename, ContentFile(checked.data), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachments_store(
    *, application: Application, checked: Sequence[CheckedFile], actor: User, field: str
) -> list[Attachment]:
    """Store checked annexes of an editable application the caller has locked (inside the
    caller's transaction). Raises ValidationFailed when they do not fit the limit. Every file
    is checked before any is stored, so a refusal leaves no file behind; only a failing
    database after the store would leave one (under a random name that no row names)."""
    if not checked:
        return []
    _check_room(application, len(checked), field=field)
    return [
        _store(application, item, purpose=Attachment.Purpose.APPLICATION, actor=actor)
        for item in checked
    ]


@transaction.atomic
def attachment_add(
    *, application: Application, file: IO[bytes], filename: str, purpose: str, actor: User
) -> Attachment:
    """Store an annex (while the application is editable) or a receipt (while the proof of use
    is open). Raises ValidationFailed for a wrong type, size or name; nothing is stored then."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not is_applicant(actor, locked):
        raise PermissionDenied
    if purpose == Attachment.Purpose.APPLICATION and not locked.is_editable:
        raise ConflictError(_("Anlagen können nur zu einem Entwurf hinzugefügt werden."))
    if purpose == Attachment.Purpose.RECEIPT and locked.status != Application.Status.APPROVED:
        raise ConflictError(_("Belege gehören zum Verwendungsnachweis eines bewilligten Antrags."))
    if purpose not in Attachment.Purpose.values:
        raise ValidationFailed(_("Unbekannter Zweck der Anlage."), field="purpose")
    _check_room(locked, 1, field="file")
    checked = attachment_check(file=file, filename=filename)
    return _store(locked, checked, purpose=purpose, actor=actor)


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    """The applicant removes an annex of an editable application, or a receipt while the proof
    of use is open."""
    locked = Application.objects.select_for_update().get(pk=attachment.application_id)
    if not is_applicant(actor, locked):
        raise PermissionDenied
    allowed = (
        locked.is_editable
        if attachment.purpose == Attachment.Purpose.APPLICATION
        else locked.status == Application.Status.APPROVED
    )
    if not allowed:
        raise ConflictError(_("Diese Anlage gehört zu einem eingereichten Stand."))
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def attachment_open(attachment: Attachment) -> IO[bytes]:
    return attachment.file.storage.open(attachment.file.name, "rb")
