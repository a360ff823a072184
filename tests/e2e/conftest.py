"""Fixtures of the browser journeys (the first browser, `journey`, is tests/browser.py's)."""

import pytest

from tests.browser import DESKTOP, Journey


def _other_browser(browser, live_server, name: str):
    """A further browser (own cookies) checked like the first: axe via Journey.check, and no
    request may leave the live server."""
    context = browser.new_context(locale="de-DE", viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(30_000)  # a hang guard, as in tests/browser.py
    current = Journey(page, name)
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


@pytest.fixture
def second_journey(browser, live_server, request):
    """The volunteer's own browser (separate cookies), checked like the first."""
    yield from _other_browser(browser, live_server, request.node.name + "-ehrenamt")


@pytest.fixture
def visitor_journey(browser, live_server, request):
    """A third browser that never logs in (an anonymous visitor), checked like the others."""
    yield from _other_browser(browser, live_server, request.node.name + "-besuch")
