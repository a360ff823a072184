"""Reading PDFs in tests with poppler-utils (pdfinfo, pdftotext), an implementation
independent of the one that wrote them."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest


def _run(tool: str, pdf: bytes, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} (poppler-utils) is needed for the certificate tests")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        result = subprocess.run(  # noqa: S603 (fixed tool, our own temp file)
            [tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            check=True,
            timeout=30,
        )
    return result.stdout.decode()


def pdf_info(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields; raises CalledProcessError for a file that is not a valid PDF."""
    info = {}
    for line in _run("pdfinfo", pdf).splitlines():
        key, _sep, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdf_text(pdf: bytes) -> str:
    return _run("pdftotext", pdf, "-layout")
