"""The staff pages send the security headers and contain no markup the Content-Security-Policy
would block (the site crawl in tests/security reaches them only once the navigation links
to them, so they are checked here directly)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory
from tests.security.test_security_headers import PageParser, header_problems
from tests.volunteers.factories import FuehrungszeugnisRecordFactory

from .conftest import make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer_with_record(ahlen, language_support):
    volunteer = make_volunteer("Amal", town=ahlen, languages={"ar": 3}, areas=[language_support])
    FuehrungszeugnisRecordFactory(volunteer=volunteer)
    return volunteer


def pages(volunteer) -> list[tuple[str, str, dict]]:
    detail = reverse("volunteers:staff_volunteer_detail", args=[volunteer.pk])
    record = reverse("volunteers:staff_fuehrungszeugnis_record", args=[volunteer.pk])
    return [
        ("GET", reverse("volunteers:staff_organisation_list"), {}),
        ("GET", reverse("volunteers:staff_volunteer_list"), {}),
        ("GET", reverse("volunteers:staff_volunteer_list"), {"town": "ahlen", "page": "9"}),
        ("GET", detail, {}),
        ("POST", record, {"certificate_date": "2099-01-01", "seen_on": "x"}),
        ("GET", reverse("volunteers:staff_overview"), {}),
    ]


def test_staff_pages_send_the_headers_and_no_inline_script_or_style(
    staff_client, volunteer_with_record
):
    organisation = OrganisationFactory(unverified=True, description="Wir helfen.\nSeit 2015.")
    MembershipFactory(organisation=organisation)
    for method, url, data in pages(volunteer_with_record):
        response = (staff_client.get if method == "GET" else staff_client.post)(url, data)
        assert response.status_code == 200, (method, url)
        assert not header_problems(response, logged_in=True, path=url), (method, url)
        parser = PageParser()
        parser.feed(response.content.decode())
        assert not parser.blocked, (method, url, parser.blocked)


def test_staff_pages_are_never_cached(staff_client, client, volunteer_with_record):
    for _method, url, _data in pages(volunteer_with_record):
        assert "no-store" in staff_client.get(url).get("Cache-Control", ""), url
        assert "no-store" in client.get(url).get("Cache-Control", ""), url  # anonymous


def test_every_staff_page_names_itself_and_has_one_main_heading(
    staff_client, volunteer_with_record
):
    for method, url, data in pages(volunteer_with_record):
        response = (staff_client.get if method == "GET" else staff_client.post)(url, data)
        html = response.content.decode()
        assert html.count("<h1") == 1, url
        assert "<title>" in html and "<title> –" not in html, url
