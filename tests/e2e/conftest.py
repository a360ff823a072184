"""Fixtures of the browser journeys (the first browser, `journey`, is tests/browser.py's)."""

import pytest

from tests.browser import Journey


@pytest.fixture
def second_journey(browser, live_server, request):
    """The volunteer's own browser (separate cookies), checked like the first."""
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    current = Journey(page, request.node.name + "-ehrenamt")
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
def visitor_journey(browser, live_server, request):
    """A third browser that never logs in (an anonymous visitor), checked like the others."""
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    current = Journey(page, request.node.name + "-besuch")
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
