"""PDF rendering (backend/documents.py) with real WeasyPrint: static files only, nothing else
fetched, user text escaped, plain values only."""

from __future__ import annotations

import base64
import copy
import http.server
import logging
import os
import re
import struct
import threading
import urllib.request
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from backend.documents import (
    FetchRefusedError,
    StaticOnlyURLFetcher,
    render_pdf,
    sha256_hex,
    static_file_for_url,
)
from tests.pdf import pdf_text

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def png(rgb: tuple[int, int, int]) -> bytes:
    """A 1x1 RGB PNG without alpha (so one image is one image object in the PDF)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(rgb))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# Two different images, so WeasyPrint cannot merge them into one image object.
RED_PNG = png((255, 0, 0))
BLUE_PNG = png((0, 0, 255))
FONT = "vendor/kern/fonts/fira-sans/FiraSans-Regular.woff2"


@pytest.fixture
def pdf_templates(settings, tmp_path):
    """A folder of extra templates (tmp_path/pdf/...) in front of the project's templates."""
    folder = tmp_path / "templates"
    (folder / "pdf").mkdir(parents=True)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [folder, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates

    def write(name: str, source: str) -> str:
        (folder / "pdf" / name).write_text(source, encoding="utf-8")
        return f"pdf/{name}"

    return write


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 that serves a PNG and records every request path."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(BLUE_PNG)))
            self.end_headers()
            self.wfile.write(BLUE_PNG)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def pdf_streams(pdf: bytes) -> bytes:
    """The PDF with every Flate stream inflated (font names sit in compressed object streams)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def image_count(pdf: bytes) -> int:
    # Image XObjects are streams, never inside object streams, so their dictionary is plain text.
    return pdf.count(b"/Subtype /Image")


def test_network_and_file_urls_are_not_fetched(pdf_templates, http_server, tmp_path, caplog):
    base, requests = http_server
    local_png = tmp_path / "secret.png"
    local_png.write_bytes(BLUE_PNG)
    data_url = "data:image/png;base64," + base64.b64encode(RED_PNG).decode()
    name = pdf_templates(
        "_hostile.html",
        f"""<html><head><style>
          .a {{ background: url("{base}/bg.png"); width: 5mm; height: 5mm; }}
          .b {{ background: url("file://{local_png}"); width: 5mm; height: 5mm; }}
          .c {{ background: url("file:///etc/passwd"); }}
        </style><link rel="stylesheet" href="{base}/style.css"></head><body>
          <img src="{base}/x.png"><img src="file://{local_png}"><img src="file:///etc/passwd">
          <div class="a"></div><div class="b"></div><div class="c"></div>
          <img src="{data_url}">
        </body></html>""",
    )

    with caplog.at_level(logging.WARNING, logger="backend.documents"):
        pdf = render_pdf(name, {})

    assert pdf.startswith(b"%PDF-")
    assert requests == []
    # Only the inline data: image made it into the PDF; the same PNG from file:// did not.
    assert image_count(pdf) == 1
    refused = {r.args[0] for r in caplog.records if r.name == "backend.documents"}
    assert {
        f"{base}/x.png",
        f"{base}/bg.png",
        f"{base}/style.css",
        f"file://{local_png}",
        "file:///etc/passwd",
    } <= refused
    # The server really answers, so zero requests above means WeasyPrint never asked.
    with urllib.request.urlopen(f"{base}/probe.png", timeout=5) as response:
        assert response.read() == BLUE_PNG
    assert requests == ["/probe.png"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/css/platform.css",  # right path, but a network URL
        "file:///etc/passwd",
        "ftp://example.org/static/css/platform.css",
        "https://example.org/static/css/platform.css",
        "{site}/media/private/antrag.pdf",  # the site itself, but not a static file
        "{site}/static/../backend/settings/base.py",
        "{site}/static/%2e%2e/backend/settings/base.py",
        "{site}/static/css/..%2f..%2fmanage.py",
        "{site}/static//etc/passwd",
        "{site}/static/css/does-not-exist.css",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url, settings, caplog):
    settings.SITE_URL = "https://ehrenamt.example.org"
    url = url.format(site=settings.SITE_URL)

    with (
        caplog.at_level(logging.WARNING, logger="backend.documents"),
        pytest.raises(FetchRefusedError),
    ):
        StaticOnlyURLFetcher().fetch(url)

    assert any(url in r.getMessage() for r in caplog.records)


def test_fetcher_serves_static_files_from_finders_and_static_root(settings, tmp_path):
    settings.SITE_URL = "https://ehrenamt.example.org"
    response = StaticOnlyURLFetcher().fetch(f"{settings.SITE_URL}/static/css/platform.css")
    assert response.read() == Path(finders.find("css/platform.css")).read_bytes()
    assert response.content_type == "text/css"

    # Collected files with hashed names (manifest storage in production) come from STATIC_ROOT.
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "platform.0123abcd.css").write_text("p { color: red }")
    assert static_file_for_url(f"{settings.SITE_URL}/static/css/platform.0123abcd.css") == (
        tmp_path / "css" / "platform.0123abcd.css"
    )


def test_kern_font_is_served_to_weasyprint(pdf_templates):
    with_font = pdf_templates(
        "_font.html", '{% extends "pdf/base.html" %}{% block content %}x{% endblock %}'
    )
    without_font = pdf_templates("_nofont.html", "<html><body><p>x</p></body></html>")

    # Fira Sans is not installed on the system: it can only come through the fetcher.
    assert b"Fira-Sans" in pdf_streams(render_pdf(with_font, {}))
    assert b"Fira-Sans" not in pdf_streams(render_pdf(without_font, {}))


def test_user_text_is_escaped_and_plain_values_render(pdf_templates):
    name = pdf_templates(
        "_letter.html",
        """{% extends "pdf/base.html" %}{% block content %}
        <h1>{{ title }}</h1>
        <p>Datum: {{ day|date:"d.m.Y" }}, Betrag: {{ amount }} EUR</p>
        {% for row in rows %}<p>{{ row.name }}: {{ row.hours }}</p>{% endfor %}
        {% endblock %}""",
    )
    context = {
        "title": "<script>alert(1)</script><b>x</b>",
        "day": date(2026, 3, 1),
        "amount": Decimal("250.00"),
        "rows": [{"name": "Café <i>Begegnung</i>", "hours": 3}],
    }

    pdf = render_pdf(name, context)

    text = pdf_text(pdf)
    assert "<script>alert(1)</script><b>x</b>" in text
    assert "Café <i>Begegnung</i>: 3" in text
    assert "Datum: 01.03.2026, Betrag: 250,00 EUR" in text  # German number format
    assert "Kommunales Integrationszentrum Kreis Warendorf" in text  # ki_name in the header


@pytest.mark.parametrize(
    "context",
    [
        {"user": get_user_model()(email="a@example.org")},
        {"rows": [{"owner": get_user_model()(email="a@example.org")}]},
        {"callback": print},
        {"label": gettext_lazy("Antrag")},
        {"html": mark_safe("<b>not escaped</b>")},
        {"rows": {1: "non-string key"}},
        {"items": {"a", "set"}},
    ],
    ids=["model", "nested-model", "callable", "lazy", "safe", "int-key", "set"],
)
def test_anything_but_plain_values_is_refused(context, pdf_templates):
    name = pdf_templates("_plain.html", "<p>{{ user }}</p>")
    with pytest.raises(TypeError):
        render_pdf(name, context)


def test_sha256_hex():
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
