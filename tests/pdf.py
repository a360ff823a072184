"""Reading PDFs in tests and benchmarks with PDFium (pypdfium2): an implementation independent
of WeasyPrint, which wrote them, and a Python package from the lock file like every other test
tool, so no system program (poppler's pdftotext, pdfinfo) has to be on the machine.

Also renders pages to PNG, for looking at a document as its recipient would
(`python -m tests.pdf letter.pdf` writes letter-1.png, letter-2.png, ...).

And writes the smallest complete PDF (`tiny_pdf`): what upload tests send as an annex, since an
upload must open in PDFium with at least one page.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium


@contextmanager
def _opened(pdf: bytes) -> Iterator[pdfium.PdfDocument]:
    """The document; raises pdfium.PdfiumError for bytes that are not a valid PDF."""
    document = pdfium.PdfDocument(pdf)
    try:
        yield document
    finally:
        document.close()


def pdf_pages(pdf: bytes) -> int:
    """How many pages the PDF has."""
    with _opened(pdf) as document:
        return len(document)


def pdf_metadata(pdf: bytes) -> dict[str, str]:
    """The document information (Title, Author, Creator, ...), empty values left out."""
    with _opened(pdf) as document:
        return {key: value for key, value in document.get_metadata_dict().items() if value}


def pdf_text(pdf: bytes) -> str:
    """Every page's text in reading order, pages separated by a form feed."""
    with _opened(pdf) as document:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded().replace("\r\n", "\n"))
            textpage.close()
            page.close()
        return "\f".join(pages)


def pdf_words(pdf: bytes) -> str:
    """The text with every run of whitespace (line breaks included) as one space: what the
    tests search for a sentence or an address that may wrap."""
    return " ".join(pdf_text(pdf).split())


def pdf_of(*objects: bytes) -> bytes:
    """A PDF with these objects (1 is the catalogue) and a correct cross-reference table."""
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


def tiny_pdf() -> bytes:
    """A complete one-page PDF (header, objects, cross-reference table, trailer)."""
    return pdf_of(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    )


def pdf_to_pngs(pdf: bytes, stem: Path, *, scale: float = 2) -> list[Path]:
    """Each page as `<stem>-<n>.png` (scale 2 is 144 dpi); returns the paths."""
    paths = []
    with _opened(pdf) as document:
        for number, page in enumerate(document, start=1):
            path = stem.with_name(f"{stem.name}-{number}.png")
            page.render(scale=scale).to_pil().save(path)
            paths.append(path)
            page.close()
    return paths


if __name__ == "__main__":
    for name in sys.argv[1:]:
        source = Path(name)
        for written in pdf_to_pngs(source.read_bytes(), source.with_suffix("")):
            print(written)
