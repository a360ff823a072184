"""HTML to PDF. The only module of the project that imports WeasyPrint.

Templates (templates/pdf/) get plain values only, so a template never runs a query, and Django's
autoescaping applies to everything. WeasyPrint fetches through `StaticOnlyURLFetcher`, which
serves the project's own static files and refuses every other URL: no network (not even
127.0.0.1), no file://. A context never uses a name the template engine defines itself
(`block`, `forloop`: backend/template_context.py). Callers store a document together with
`sha256_hex(pdf)` and re-render only when it is missing.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
import mimetypes
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils._os import safe_join
from django.utils.safestring import SafeData
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .template_context import check_context_keys

logger = logging.getLogger(__name__)

# datetime is a subclass of date, bool of int.
PLAIN_TYPES = (str, int, float, Decimal, dt.date, dt.time, type(None))
# Names templates/pdf/base.html sets itself (render_pdf adds ki_name; the base template asks
# for the language as LANGUAGE_CODE): a caller's value under them would be replaced.
BASE_TEMPLATE_NAMES = ("ki_name", "LANGUAGE_CODE")


class FetchRefusedError(ValueError):
    """A PDF template referenced something other than the project's static files.

    WeasyPrint catches it like any failed fetch: the resource is left out, the PDF is still made.
    """


def sha256_hex(data: bytes) -> str:
    """The hash a rendered document is stored with (hex SHA-256)."""
    return hashlib.sha256(data).hexdigest()


def render_pdf(template_name: str, context: Mapping[str, object]) -> bytes:
    """Render a Django template (autoescaped) and convert it to PDF bytes.

    `ki_name` (settings.KI_NAME) is added to the context and always wins, so every document
    names the deployment's KI. Raises TypeError when the context holds anything but plain
    values (str, numbers, Decimal, date/datetime/time, bool, None, and lists/tuples/dicts of
    those): model instances, querysets, lazy strings (pass str(...)) and strings marked safe;
    and ReservedContextKeyError (a TypeError) for a key the template engine or the base
    template defines itself (check_context).
    """
    check_context(context)
    html = render_to_string(template_name, {**context, "ki_name": settings.KI_NAME})
    document = HTML(
        string=html,
        base_url=document_base_url(),
        url_fetcher=StaticOnlyURLFetcher(),
        media_type="print",
    )
    return document.write_pdf()


def render_pdf_parts(
    template_name: str, context: Mapping[str, object], *, part_titles: Mapping[str, str]
) -> dict[str, bytes]:
    """Render one template holding many documents and return each as its own PDF.

    Why: most of a single render goes into loading the web fonts and subsetting them for the
    whole document; a batch of 50 certificates rendered one by one pays that 50 times. Here the
    HTML is laid out once (fonts loaded once) and every part is written as a standalone PDF
    from its own pages, so each file embeds only the glyphs its pages use and says nothing of
    the other parts.

    `part_titles` maps the HTML id of each part's top element to the title of its PDF. A part
    starts on the page where its id is laid out (the template puts `break-before: page`
    between parts) and runs until the next part starts. Raises ValueError when an id is not
    in the layout, or when content comes before the first part. Same context rules as
    render_pdf.
    """
    check_context(context)
    html = render_to_string(template_name, {**context, "ki_name": settings.KI_NAME})
    document = HTML(
        string=html,
        base_url=document_base_url(),
        url_fetcher=StaticOnlyURLFetcher(),
        media_type="print",
    ).render()
    groups: dict[str, list] = {}
    current: list | None = None
    for page in document.pages:
        starting = [anchor for anchor in page.anchors if anchor in part_titles]
        if starting:
            if len(starting) > 1:
                raise ValueError(f"Parts {starting} start on the same page.")
            current = groups[starting[0]] = []
        if current is None:
            raise ValueError("The document has pages before its first part.")
        current.append(page)
    missing = set(part_titles) - set(groups)
    if missing:
        raise ValueError(f"Parts missing from the layout: {sorted(missing)}")
    rendered = {}
    for part_id, pages in groups.items():
        part = document.copy(pages)
        part.metadata = copy.copy(document.metadata)
        part.metadata.title = part_titles[part_id]
        rendered[part_id] = part.write_pdf()
    return rendered


def check_context(context: Mapping[str, object]) -> None:
    """Every rule a PDF context follows: no key the template engine or templates/pdf/base.html
    defines itself (`block` would print Django's BlockNode), plain values only."""
    check_context_keys(context, also=BASE_TEMPLATE_NAMES, what="PDF")
    check_plain_values(context)


def check_plain_values(value: object, where: str = "context") -> None:
    """Raise TypeError unless `value` is built from plain values only (see render_pdf)."""
    if isinstance(value, SafeData):
        # A string marked safe would bypass autoescaping: documents escape everything.
        raise TypeError(f"{where} is marked safe; PDF templates escape everything, pass str.")
    if isinstance(value, PLAIN_TYPES):
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_plain_values(item, f"{where}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has a non-string key {key!r}.")
            check_plain_values(item, f"{where}[{key!r}]")
        return
    raise TypeError(
        f"{where} is a {type(value).__module__}.{type(value).__qualname__}; PDF templates take "
        "plain values only (str, numbers, dates, bool, None, lists and dicts of those)."
    )


def document_base_url() -> str:
    """Base for relative references: the public site, so that links in a PDF point at the
    platform and `/static/...` resolves to an address the fetcher maps to a local file."""
    return settings.SITE_URL.rstrip("/") + "/"


def static_file_for_url(url: str) -> Path | None:
    """The local file behind a URL under STATIC_URL (absolute against SITE_URL), else None.

    Looks in the static finders (source files), then in STATIC_ROOT (collected files, which
    include the hashed names that {% static %} returns with the manifest storage in production).
    Nothing outside those folders: '..', encoded or not, is refused.
    """
    static_base = urlsplit(urljoin(document_base_url(), settings.STATIC_URL))
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.scheme.lower(), parts.netloc.lower()) != (
        static_base.scheme.lower(),
        static_base.netloc.lower(),
    ) or not parts.path.startswith(static_base.path):
        return None
    relative = unquote(parts.path[len(static_base.path) :])
    segments = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    if any(segment in {"", ".", ".."} for segment in segments):
        return None
    try:
        found = finders.find(relative)
        if found:
            return Path(found)
        if settings.STATIC_ROOT:
            collected = Path(safe_join(settings.STATIC_ROOT, relative))
            if collected.is_file():
                return collected
    except SuspiciousFileOperation:
        return None
    return None


class StaticOnlyURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher: the project's static files and data: URLs, nothing else.

    data: URLs are allowed: their content is inside the document already (no network, no
    file system), and WeasyPrint 70 routes them through the fetcher like any URL. Everything
    else (http(s) to any host, file://, ftp:, unknown schemes) raises FetchRefusedError, logged
    at WARNING; WeasyPrint treats that as a failed fetch and leaves the resource out.
    """

    def __init__(self) -> None:
        # The parent only ever opens data: URLs (see fetch); the protocol list is a second lock.
        super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = static_file_for_url(url)
        if path is None:
            shown = url if len(url) <= 200 else url[:200] + "..."
            logger.warning("PDF rendering refused to fetch %s (not a static file)", shown)
            raise FetchRefusedError(f"Not one of the project's static files: {shown}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
