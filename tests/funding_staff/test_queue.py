"""The staff work queue: every submitted case (never drafts), the oldest submission first,
filters, the count per status, paging, escaping, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Application
from tests.factories import OrganisationFactory, TownFactory
from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory, block, next_year
from tests.querybudget import assert_constant_queries

pytestmark = pytest.mark.django_db

QUEUE = reverse("funding:staff_queue")
counter = itertools.count()


def references(response) -> list[str]:
    """The references in the table, in page order."""
    return re.findall(r">(KA2-[A-Z0-9-]+)</a></th>", response.content.decode())


def case(status="submitted", *, days_ago=1, **kwargs) -> Application:
    fields = {"status": status}
    if status != Application.Status.DRAFT:
        fields["submitted_at"] = timezone.now() - dt.timedelta(days=days_ago)
    return ApplicationFactory(**fields, **kwargs)


def test_lists_submitted_cases_oldest_first_and_never_drafts(staff_client):
    newer = case(days_ago=1, reference="KA2-NEU")
    older = case(days_ago=9, reference="KA2-ALT")
    approved = case("approved", days_ago=5, reference="KA2-MITTE")
    case("draft", reference="KA2-ENTWURF")

    response = staff_client.get(QUEUE)

    assert response.status_code == 200
    assert references(response) == [older.reference, approved.reference, newer.reference]
    assert "3 Anträge" in response.content.decode()


def test_each_filter_narrows_the_list(staff_client):
    later_year = ProgrammeYearFactory(year=next_year() + 1)
    beckum = TownFactory(name="Beckum")
    plain = case(reference="KA2-PLAIN")
    proposed = case("proposed", reference="KA2-PROP")
    other_year = case(reference="KA2-YEAR", programme_year=later_year, block=block(later_year, "A"))
    in_block_c = case(reference="KA2-BLOCKC")
    in_block_c.block = block(in_block_c.programme_year, "C")
    in_block_c.save(update_fields=["block"])
    in_beckum = case(reference="KA2-BECKUM", town=beckum)
    by_name = case(
        reference="KA2-NAME", organisation=OrganisationFactory(name="Helferkreis Sendenhorst")
    )
    titled = case(reference="KA2-TITLE", title="Nähcafé für Frauen")
    everyone = {
        c.reference for c in (plain, proposed, other_year, in_block_c, in_beckum, by_name, titled)
    }

    def listed(**params) -> set[str]:
        return set(references(staff_client.get(QUEUE, params)))

    assert listed() == everyone
    assert listed(status="proposed") == {proposed.reference}
    assert listed(year=later_year.pk) == {other_year.reference}
    assert listed(block="C") == {in_block_c.reference}
    assert listed(town=beckum.pk) == {in_beckum.reference}
    assert listed(q="sendenhorst") == {by_name.reference}
    assert listed(q="nähcafé") == {titled.reference}
    assert listed(q="ka2-beckum") == {in_beckum.reference}
    assert listed(status="submitted", town=beckum.pk) == {in_beckum.reference}


def test_counts_per_status_follow_the_other_filters_and_link_to_the_status(staff_client):
    beckum = TownFactory(name="Beckum")
    for _ in range(3):
        case()
    case("proposed")
    case("approved", town=beckum)
    case("draft")

    page = staff_client.get(QUEUE).content.decode()
    assert '<a class="kern-link" href="?status=submitted">3 eingereicht</a>' in page
    assert "1 Entscheidung vorgeschlagen" in page
    assert "1 bewilligt" in page
    assert "Entwurf" not in page

    in_beckum = staff_client.get(QUEUE, {"town": beckum.pk}).content.decode()
    assert f'href="?town={beckum.pk}&amp;status=approved">1 bewilligt</a>' in in_beckum
    assert "eingereicht</a>" not in in_beckum


def test_fifty_per_page_and_the_filters_stay_in_the_page_links(staff_client):
    for days in range(55):
        case(days_ago=100 - days)

    first = staff_client.get(QUEUE, {"status": "submitted"})
    second = staff_client.get(QUEUE, {"status": "submitted", "page": 2})

    assert len(references(first)) == 50
    assert len(references(second)) == 5
    assert 'href="?status=submitted&amp;page=2"' in first.content.decode()
    assert set(references(first)).isdisjoint(references(second))


def test_an_invalid_filter_shows_the_error_and_does_not_crash(staff_client):
    case()
    response = staff_client.get(QUEUE, {"year": "abc"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_markup_in_a_title_or_name_is_shown_as_text(staff_client):
    case(
        title='<script>alert("x")</script>',
        organisation=OrganisationFactory(name="<b>Verein</b>"),
    )
    page = staff_client.get(QUEUE).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Verein&lt;/b&gt;" in page


def test_query_count_does_not_grow_with_the_cases(staff_client):
    towns = [TownFactory(name=name) for name in ("Ahlen", "Beckum", "Oelde")]
    year = ProgrammeYearFactory()

    def make(n):
        for _ in range(n):
            i = next(counter)
            case(
                ["submitted", "proposed", "approved", "proof_submitted"][i % 4],
                days_ago=i + 1,
                town=towns[i % 3],
                block=block(year, "ABCD"[i % 4]),
                programme_year=year,
            )

    queries = assert_constant_queries(staff_client, QUEUE, make)
    assert queries <= 14, queries
