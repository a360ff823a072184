"""The figures per town are right for a small constructed district (see conftest), small
counts in the breakdowns are suppressed, and every town costs the same few queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.selectors_figures import (
    all_towns_figures,
    hide_complement,
    suppress,
    town_figures,
)
from tests.factories import TownFactory
from tests.volunteers_staff.conftest import make_volunteer
from volunteers.models import LanguageLevel
from volunteers.selectors_staff import town_overview

from .conftest import FUNDING_YEAR, THIS_YEAR

pytestmark = pytest.mark.django_db


def breakdown(rows) -> dict[str, int | None]:
    return {row.key: row.count for row in rows}


def test_one_towns_figures_this_year(district):
    figures = town_figures(district.ahlen, THIS_YEAR)
    assert figures.volunteers == 5
    assert (figures.requests_published, figures.requests_open, figures.requests_filled) == (
        2,
        1,
        1,
    )
    assert figures.hours == Decimal("3.50")
    assert figures.trainings_attended == 1
    # The KOMM-AN cases are in next year's funding year: none this year.
    assert (figures.applications_submitted, figures.money_committed) == (0, Decimal(0))


def test_applications_count_signed_decisions_only(district):
    figures = town_figures(district.ahlen, FUNDING_YEAR)
    assert figures.applications_submitted == 3
    assert figures.applications_approved == 1
    assert figures.applications_rejected == 1
    # 800 of the signed approval; the unsigned proposal over 900 commits nothing.
    assert figures.money_committed == Decimal("800.00")


def test_all_years_include_last_years_request_and_hours(district):
    figures = town_figures(district.ahlen)
    assert figures.requests_published == 3
    assert (figures.requests_open, figures.requests_filled) == (1, 1)
    assert figures.hours == Decimal("5.00")
    assert figures.applications_submitted == 3


def test_small_counts_in_breakdowns_are_suppressed_and_totals_stay_exact(district):
    figures = town_figures(district.ahlen, THIS_YEAR)
    assert breakdown(figures.languages) == {"de": 5, "ar": 3, "uk": None, "fa": None}
    # Two languages are small: neither can be worked out, the others stay. One area is
    # small: with "Begleitung 4" shown, 5 volunteers minus 4 would tell it, so both are hidden.
    assert breakdown(figures.activity_areas) == {"begleitung": None, "sprachfoerderung": None}
    assert [row.complement for row in figures.activity_areas] == [True, False]
    assert [row.label for row in figures.languages[:2]] == ["Deutsch", "Arabisch"]
    assert all(row.suppressed for row in figures.languages[2:])
    assert not any(row.complement for row in figures.languages)
    assert figures.volunteers_shown == 5
    telgte = town_figures(district.telgte, THIS_YEAR)
    assert telgte.volunteers_shown is None and not telgte.volunteers_complement  # a town of 1
    assert breakdown(telgte.languages) == {"fa": None}


def test_a_town_of_two_volunteers_shows_less_than_three(district):
    make_volunteer("Zweite Person", town=district.telgte, languages={"fa": LanguageLevel.NATIVE})
    telgte = town_figures(district.telgte, THIS_YEAR)
    assert telgte.volunteers == 2 and telgte.volunteers_shown is None
    assert breakdown(telgte.languages) == {"fa": None}


def test_a_hidden_town_cannot_be_computed_from_the_district_total(district):
    """Telgte (1) is hidden; with Ahlen (5) shown, 6 - 5 would give it away, so Ahlen is
    "nicht ausgewiesen" too. Beelen (0) reveals nothing and stays."""
    overview = all_towns_figures(THIS_YEAR)
    rows = {row.name: row for row in overview.rows}
    assert rows["Telgte"].volunteers_shown is None and not rows["Telgte"].volunteers_complement
    assert rows["Ahlen"].volunteers_shown is None and rows["Ahlen"].volunteers_complement
    assert rows["Beelen"].volunteers_shown == 0
    assert overview.total.volunteers_shown == 6
    hidden = [row for row in overview.rows if row.volunteers_shown is None]
    assert len(hidden) != 1


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({"a": 5, "b": 1, "c": 0}, {"a", "b"}),  # one small: the smallest shown goes too
        ({"a": 5, "b": 4, "c": 2}, {"b", "c"}),
        ({"a": 5, "b": 1, "c": 2}, {"b", "c"}),  # two small: nothing more to hide
        ({"a": 5, "b": 7}, set()),
        ({"a": 1}, {"a"}),  # a town of one: nothing else to hide
    ],
)
def test_hide_complement(counts, hidden):
    small = {key for key, n in counts.items() if suppress(n) is None}
    assert hide_complement(counts, small) == hidden


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (2, None), (3, 3), (40, 40)])
def test_suppress(count, shown):
    assert suppress(count) == shown


def test_all_towns_side_by_side_with_the_district_total(district):
    overview = all_towns_figures(FUNDING_YEAR - 1)
    rows = {row.name: row for row in overview.rows}
    assert list(rows) == ["Ahlen", "Beelen", "Telgte"]
    assert rows["Ahlen"].volunteers == 5
    assert rows["Telgte"].volunteers == 1
    assert rows["Telgte"].requests_open == 1
    assert rows["Telgte"].trainings_attended == 1
    assert rows["Telgte"].hours == 0  # Farid's hours count where he helped: Ahlen
    assert rows["Beelen"].is_empty
    assert overview.unknown is None
    assert overview.total.volunteers == 6
    assert overview.total.trainings_attended == 2
    # No district breakdown: exact district counts would give the suppressed towns away
    # (3 Persian speakers in the district, 2 in Ahlen shown as "weniger als 3": Telgte 1).
    assert overview.total.languages == [] and overview.total.activity_areas == []


def test_figures_agree_with_the_staff_overview_per_town(district):
    """The same definitions as volunteers.selectors_staff.town_overview for the same year."""
    ours = {row.slug: row for row in all_towns_figures(THIS_YEAR).rows}
    theirs = {row.slug: row for row in town_overview(year=THIS_YEAR)["rows"]}
    for slug, row in theirs.items():
        assert ours[slug].volunteers == row.complete_volunteers, slug
        assert ours[slug].hours == row.confirmed_hours, slug


def test_the_year_filter_selects_requests_hours_trainings_and_funding_years(district):
    last = town_figures(district.ahlen, THIS_YEAR - 1)
    assert last.requests_published == 1
    assert (last.requests_open, last.requests_filled) == (0, 0)  # it is closed now
    assert last.hours == Decimal("1.50")
    assert last.trainings_attended == 0
    assert last.volunteers == 5  # as of today, whatever the year


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_all_towns_take_the_same_number_of_queries_however_many_towns(district):
    few = _queries(lambda: all_towns_figures(THIS_YEAR))
    for index in range(10):
        TownFactory(name=f"Ort {index}", slug=f"ort-{index}", postal_codes=[f"4800{index}"])
    many = _queries(lambda: all_towns_figures(THIS_YEAR))
    assert many == few
    assert many <= 10
    assert _queries(lambda: town_figures(district.ahlen, THIS_YEAR)) <= 9
