"""Security headers on every page a demo role can reach, and the production-only settings.

The crawl starts at "/" as each demo account, follows every same-site link (GET only, never
logout) and checks each response: Content-Security-Policy without unsafe-inline/unsafe-eval,
frame-ancestors 'none', nosniff, Referrer-Policy, X-Frame-Options, `Cache-Control: no-store`
for logged-in users and private areas, and no inline script or style the CSP would block.
HSTS and Secure cookies exist only in production, so they are checked with the values that
backend.settings.production computes from a realistic environment.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation.trans_real import translation as gettext_translation

from backend.accounts.models import User
from tests.conftest import module_transaction

from .conftest import production_settings

DEMO_ROLES = {
    "anonymous": None,
    "freiwillig1": "freiwillig1@example.org",
    "koordination1": "koordination1@example.org",
    "ki-team": "ki-team@example.org",
    "ki-leitung": "ki-leitung@example.org",
    "admin": "admin@example.org",
}
START_URLS = ("/",)
MAX_PAGES = 1200
VISITS_PER_ROUTE = 3
NEVER_FOLLOW = ("/static/", "/media/", "/konto/logout/", "/admin/logout/")
# Areas that show personal data even to visitors who are not logged in (addresses, codes,
# the demo mailbox): no browser or proxy may keep a copy.
PRIVATE_AREAS = ("/konto/", "/api/v1/", "/verwaltung/", "/admin/", "/postfach/")
STRICT_REFERRER_POLICIES = {"same-origin", "no-referrer"}
# <script type="..."> that browsers never execute, so the CSP does not apply to them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class PageParser(HTMLParser):
    """Collects links and the markup a strict CSP would block."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.blocked: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            self._inline_script = "src" not in attributes and kind not in DATA_SCRIPT_TYPES
        if tag == "style":
            self.blocked.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.blocked.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=...> event handler")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"<{tag} {name}=javascript:...>")

    def handle_data(self, data):
        if self._inline_script and data.strip():
            self.blocked.append(f"inline <script>: {data.strip()[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = False


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response, *, logged_in: bool, path: str) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"status {response.status_code}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options: {response.get('X-Content-Type-Options')}")
    policies = {p.strip() for p in response.get("Referrer-Policy", "").split(",") if p.strip()}
    if not policies or not policies <= STRICT_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy: {response.get('Referrer-Policy')}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options: {response.get('X-Frame-Options')}")
    cache_control = response.get("Cache-Control", "")
    if (logged_in or path.startswith(PRIVATE_AREAS)) and "no-store" not in cache_control:
        problems.append(f"Cache-Control without no-store: {cache_control!r}")
    if not response.get("Content-Type", "").startswith("text/html"):
        return problems
    csp = response.get("Content-Security-Policy")
    if not csp:
        return [*problems, "no Content-Security-Policy"]
    directives = csp_directives(csp)
    if "'self'" not in directives.get("default-src", []):
        problems.append(f"CSP default-src is not 'self': {directives.get('default-src')}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"CSP frame-ancestors is not 'none': {directives.get('frame-ancestors')}")
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'"):
        if unsafe in csp:
            problems.append(f"CSP allows {unsafe}")
    return problems


def _route(path: str) -> str:
    """The URL pattern a path matches (its view with the ids left open), or the path."""
    try:
        return resolve(path).route
    except Resolver404:
        return path


def crawl(client: Client, *, logged_in: bool, check=None) -> tuple[list[str], list[str]]:
    """Visit every same-site page reachable from START_URLS. Returns (pages, problems).
    `check(url, html)` may add problems of each HTML page's content."""
    queue = deque(START_URLS)
    seen = set(START_URLS)
    per_route: Counter[str] = Counter()
    pages, problems = [], []
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        pages.append(url)
        path = urlsplit(url).path
        problems += [
            f"{url} ({response.status_code}): {p}"
            for p in header_problems(response, logged_in=logged_in, path=path)
        ]
        targets = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets.append(response["Location"])
        elif response.get("Content-Type", "").startswith("text/html"):
            parser = PageParser()
            parser.feed(response.content.decode())
            problems += [f"{url}: CSP would block {b}" for b in dict.fromkeys(parser.blocked)]
            if check is not None:
                problems += check(url, response.content.decode())
            targets += parser.links
        for target in targets:
            absolute, _ = urldefrag(urljoin(f"http://testserver{url}", target))
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
                continue  # external, mailto:, tel:
            # One visit per path: query variants (sorting, filters, pages) render the same
            # view with the same headers, and would flood the crawl of the admin.
            if parts.path.startswith(NEVER_FOLLOW) or parts.path in seen:
                continue
            # A few objects per view: every help request, organisation or admin change page of
            # the demo district renders the same view with the same headers.
            route = _route(parts.path)
            if per_route[route] >= VISITS_PER_ROUTE:
                continue
            per_route[route] += 1
            seen.add(parts.path)
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages, problems


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo data, seeded once for the module's crawls."""
    with module_transaction(django_db_blocker):
        call_command("seed_demo", verbosity=0)
        yield


@pytest.fixture
def demo(_demo, db) -> None:
    """The demo data; what a crawl changes (sessions) is rolled back after each test."""


def must_reach(role: str) -> tuple[set[str], set[str]]:
    """Pages the crawl of `role` must reach and must not reach: a crawl that silently stops at
    the home page would check nothing."""
    outbox = reverse("notifications:outbox")
    return {
        "anonymous": ({reverse("account_login"), reverse("impressum")}, {outbox}),
        "ki-team": ({outbox}, set()),
        "admin": ({reverse("admin:accounts_user_changelist")}, set()),
    }.get(role, (set(), set()))


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_reachable_page_sends_the_security_headers(role, demo, capsys):
    client = Client(raise_request_exception=False)
    if DEMO_ROLES[role]:
        client.force_login(User.objects.get(email=DEMO_ROLES[role]))
    pages, problems = crawl(client, logged_in=DEMO_ROLES[role] is not None)
    with capsys.disabled():
        print(f"\n[crawl] {role}: {len(pages)} pages")
    assert len(pages) < MAX_PAGES, f"crawl of {role} hit the limit of {MAX_PAGES} pages"
    assert "/" in pages and len(pages) > 3, pages
    reached, never = must_reach(role)
    assert reached <= set(pages), f"{role}: the crawl missed {sorted(reached - set(pages))}"
    assert not never & set(pages), f"{role} reached {sorted(never & set(pages))}"
    assert not problems, f"{role}: {len(problems)} problem(s) on {len(pages)} pages:\n" + "\n".join(
        f"  {p}" for p in problems
    )


# --- English pages ---------------------------------------------------------------------------


class TextParser(HTMLParser):
    """The text nodes of a page outside <script>, <style> and <template>, and the texts of
    attributes people hear or read (alt, title, aria-label, placeholder)."""

    ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.texts += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data)


def german_texts() -> set[str]:
    """Every German message of our catalogue whose English differs, as one text node shows it
    (whitespace folded), without placeholders: if one of these stands alone on an English
    page, something printed the German (a gettext evaluated at import, a lazy text formatted
    too early, a string nobody marked)."""
    catalogue = gettext_translation("en")._catalog
    texts = set()
    for msgid, msgstr in catalogue.items():
        if not isinstance(msgid, str) or "%" in msgid or "{" in msgid or msgid == msgstr:
            continue
        text = " ".join(msgid.split())
        if len(text) >= 4 and any(c.isalpha() for c in text):
            texts.add(text)
    # A word that is German for one message and English for another ("Start") proves nothing.
    english = {" ".join(str(msgstr).split()) for _msgid, msgstr in catalogue.items()}
    return texts - english


def english_problems(german: set[str]):
    def check(url: str, html: str) -> list[str]:
        parser = TextParser()
        parser.feed(html)
        shown = {" ".join(text.split()) for text in parser.texts}
        return [f"{url}: German on an English page: {text!r}" for text in sorted(shown & german)]

    return check


@pytest.mark.parametrize("role", ["anonymous", "freiwillig1", "koordination1", "ki-leitung"])
def test_english_pages_show_no_german_message(role, demo, capsys):
    """Every page a role reaches, in English: no text of the German catalogue is left."""
    client = Client(raise_request_exception=False)
    if DEMO_ROLES[role]:
        user = User.objects.get(email=DEMO_ROLES[role])
        User.objects.filter(pk=user.pk).update(language="en")
        client.force_login(user)
    client.cookies["django_language"] = "en"
    pages, problems = crawl(
        client, logged_in=DEMO_ROLES[role] is not None, check=english_problems(german_texts())
    )
    with capsys.disabled():
        print(f"\n[crawl, English] {role}: {len(pages)} pages")
    assert len(pages) > 3, pages
    problems = [p for p in problems if "German on an English page" in p]
    assert not problems, f"{role}: {len(problems)} problem(s):\n" + "\n".join(problems[:60])


def test_the_english_check_finds_german():
    check = english_problems({"Hilfegesuch anlegen", "Deutsch"})
    html = (
        '<p>Create help request</p><button title="Deutsch">x</button>'
        "<p>  Hilfegesuch\n anlegen </p><script>var s = 'Deutsch';</script>"
    )
    assert check("/x/", html) == [
        "/x/: German on an English page: 'Deutsch'",
        "/x/: German on an English page: 'Hilfegesuch anlegen'",
    ]


def test_the_checks_catch_what_they_look_for():
    """The crawl's checks fail on a page with inline script and style and weak headers."""
    from django.http import HttpResponse

    page = HttpResponse(
        '<p style="color:red" onclick="x()">Hi</p><script>alert(1)</script>'
        '<script type="application/json">{}</script><script src="/static/a.js"></script>'
    )
    page["Content-Security-Policy"] = "default-src 'self' 'unsafe-inline'"
    problems = header_problems(page, logged_in=True, path="/")
    assert any("unsafe-inline" in p for p in problems)
    assert any("frame-ancestors" in p for p in problems)
    assert any("nosniff" in p or "X-Content-Type-Options" in p for p in problems)
    assert any("no-store" in p for p in problems)
    parser = PageParser()
    parser.feed(page.content.decode())
    assert parser.blocked == [
        '<p style="color:red">',
        "<p onclick=...> event handler",
        "inline <script>: 'alert(1)'",
    ]


def test_the_api_docs_page_has_no_markup_the_csp_blocks(client):
    """/api/docs/ is linked from nowhere, so the crawl does not find it; checked on its own."""
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert not header_problems(response, logged_in=False, path=response.request["PATH_INFO"])
    parser = PageParser()
    parser.feed(response.content.decode())
    assert not parser.blocked, parser.blocked


# --- Production-only settings ---------------------------------------------------------------

PRODUCTION_NAMES = (
    "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "SESSION_SAVE_EVERY_REQUEST",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "MIDDLEWARE",
)


@pytest.fixture(scope="module")
def production():
    values = production_settings(*PRODUCTION_NAMES)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_enforce_https_and_secure_cookies(production):
    expected = {
        "DEBUG": False,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_SAVE_EVERY_REQUEST": True,
        "CSRF_COOKIE_SECURE": True,
    }
    wrong = {k: production[k] for k, v in expected.items() if production[k] != v}
    assert not wrong, f"production settings differ from {expected}: {wrong}"
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SECURE_REFERRER_POLICY"] in STRICT_REFERRER_POLICIES
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert 0 < production["SESSION_COOKIE_AGE"] <= 30 * 60
    for middleware in ("SecurityMiddleware", "CSPMiddleware", "PrivatePagesMiddleware"):
        assert any(m.endswith(middleware) for m in production["MIDDLEWARE"]), middleware


@pytest.fixture
def as_in_production(settings, production):
    """This process, with the HTTPS and cookie settings production computes."""
    for name in PRODUCTION_NAMES:
        if name not in ("DEBUG", "MIDDLEWARE"):
            setattr(settings, name, production[name])
    return production


def test_production_redirects_plain_http_and_sends_hsts_and_secure_cookies(
    as_in_production, volunteer
):
    client = Client()
    plain = client.get("/impressum/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/impressum/"

    behind_proxy = {"HTTP_X_FORWARDED_PROTO": "https"}
    login_page = client.get(reverse("account_login"), **behind_proxy)
    assert login_page.status_code == 200
    hsts = login_page["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts, hsts
    csrf = login_page.cookies[as_in_production["CSRF_COOKIE_NAME"]]
    assert csrf["secure"] and csrf["samesite"] == "Lax", csrf.output()

    client.force_login(volunteer)
    page = client.get("/", **behind_proxy)
    session = page.cookies[as_in_production["SESSION_COOKIE_NAME"]]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["max-age"] == as_in_production["SESSION_COOKIE_AGE"]
    assert "no-store" in page["Cache-Control"]


# --- Session idle timeout -------------------------------------------------------------------


def test_session_idle_timeout_is_at_most_30_minutes_and_renewed_by_each_request(settings):
    assert 0 < settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_a_session_idle_longer_than_the_timeout_is_logged_out(staff_with_mfa, settings):
    client = Client()
    client.force_login(staff_with_mfa)
    outbox = reverse("notifications:outbox")
    key = client.session.session_key
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)

    def idle_for(elapsed: timedelta) -> None:
        """As if the last request was `elapsed` ago."""
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() + idle - elapsed)

    idle_for(idle - timedelta(minutes=1))  # one minute left
    assert client.get(outbox).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + idle - timedelta(minutes=1), "a request renews the session"

    idle_for(idle + timedelta(seconds=1))
    response = client.get(outbox)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
