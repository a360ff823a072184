"""Ranking happens in the database: a fixed number of queries, and only the shown rows become
Python objects."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.volunteers.factories import AssignmentFactory
from volunteers.matching import suggest_requests, suggest_volunteers
from volunteers.models import HelpRequest, LanguageLevel, VolunteerProfile


def queries(func) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        func()
    return [query["sql"] for query in captured.captured_queries]


def test_suggest_volunteers_needs_the_same_queries_for_5_and_50(make_volunteer, make_request):
    help_request = make_request(languages={"ar": LanguageLevel.BASIC}, helpers_needed=50)

    def volunteers(n: int) -> None:
        for _ in range(n):
            volunteer = make_volunteer(languages={"ar": 3, "de": 2}, areas_=("Dolmetschen",))
            AssignmentFactory(volunteer=volunteer, confirmed=True)

    volunteers(5)
    small = queries(lambda: suggest_volunteers(help_request, limit=100))
    volunteers(45)
    large = queries(lambda: suggest_volunteers(help_request, limit=100))
    assert len(suggest_volunteers(help_request, limit=100)) == 50
    assert len(large) == len(small) <= 7, "\n".join(large)


def test_suggest_requests_needs_the_same_queries_for_5_and_50(make_volunteer, make_request):
    volunteer = make_volunteer(languages={"ar": 3})
    for _ in range(5):
        make_request(languages={"ar": 1})
    small = queries(lambda: suggest_requests(volunteer, limit=100))
    for _ in range(45):
        make_request(languages={"ar": 1})
    large = queries(lambda: suggest_requests(volunteer, limit=100))
    assert len(suggest_requests(volunteer, limit=100)) == 50
    assert len(large) == len(small) <= 7, "\n".join(large)


def test_only_the_shown_volunteers_are_loaded(make_volunteer, make_request, monkeypatch):
    """200 eligible volunteers, limit 5: the database sorts and cuts, Python builds 5."""
    help_request = make_request()
    for _ in range(200):
        make_volunteer()
    built = []
    from_db = VolunteerProfile.from_db.__func__

    def counting_from_db(cls, *args, **kwargs):
        built.append(1)
        return from_db(cls, *args, **kwargs)

    monkeypatch.setattr(VolunteerProfile, "from_db", classmethod(counting_from_db))
    sql = queries(lambda: suggest_volunteers(help_request, limit=5))
    assert len(built) == 5
    assert any("ORDER BY" in query and "LIMIT 5" in query for query in sql)


def test_only_the_shown_requests_are_loaded(make_volunteer, make_request, monkeypatch):
    volunteer = make_volunteer()
    for _ in range(30):
        make_request()
    built = []
    from_db = HelpRequest.from_db.__func__

    def counting_from_db(cls, *args, **kwargs):
        built.append(1)
        return from_db(cls, *args, **kwargs)

    monkeypatch.setattr(HelpRequest, "from_db", classmethod(counting_from_db))
    assert len(suggest_requests(volunteer, limit=3)) == 3
    assert len(built) == 3
