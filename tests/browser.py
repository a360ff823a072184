"""Browser-test fixtures (a pytest plugin, loaded by tests/conftest.py for every folder):
Playwright drives Debian's Chromium (never a downloaded browser) against the
live server; every page a journey visits is checked with axe-core and photographed."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "e2e"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make
# there are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        message = "Debian's chromium is not installed (make test installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class Journey:
    """One browser tab plus the checks every visited page gets."""

    def __init__(self, page, name: str):
        self.page = page
        self.folder = SCREENSHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.step = 0
        self.external_requests: list[str] = []

    def check(self, label: str) -> None:
        """axe-core WCAG 2.1 A/AA on the current page (0 violations) and screenshots of it as a
        phone and as a desktop shows it."""
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.screenshots(f"{self.step:02d}-{slug}")
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]
        assert violations == [], (
            f"axe found WCAG violations on {label} ({self.page.url}):\n"
            + json.dumps(violations, indent=1, ensure_ascii=False)
        )

    def screenshots(self, name: str) -> None:
        """`<name>-phone.png` and `<name>-desktop.png` of the whole page; the tab keeps the
        size it had."""
        size = self.page.viewport_size or DESKTOP
        for kind, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            self.page.set_viewport_size(viewport)
            self.page.screenshot(path=str(self.folder / f"{name}-{kind}.png"), full_page=True)
        self.page.set_viewport_size(size)


@pytest.fixture
def journey(browser, live_server, request):
    context = browser.new_context(locale="de-DE", viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    # A hang guard for each step (Playwright's own default): pages answer within a second or
    # two, but a busy machine running the suite on every core may need longer.
    page.set_default_timeout(30_000)
    current = Journey(page, request.node.name)
    # No page may ask any other host for anything (no CDN, no fonts, no tracking).
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((live_server.url, "data:"))
            else current.external_requests.append(r.url)
        ),
    )
    yield current
    context.close()
    assert current.external_requests == [], current.external_requests
