"""Property-based: over random volunteers, requests and assignments, both directions return
exactly the candidates that pass every hard filter, best first.

The expected candidates come from `eligible_volunteer` / `eligible_request` below: the rules
written out plainly in Python, from the specs the data was made from and distances computed
from the towns' coordinates, without the engine's SQL. Each example builds its data in a
savepoint that is rolled back, so examples do not see each other's rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import effort
from tests.factories import UserFactory
from volunteers.matching import scores, suggest_requests, suggest_volunteers
from volunteers.models import (
    ALL_SLOTS,
    ActivityArea,
    Assignment,
    FuehrungszeugnisRecord,
    HelpRequest,
    Town,
)
from volunteers.services.reference import great_circle_km

from .bulk import Link, Request, Volunteer, create_links, create_requests, create_volunteers

# A few towns near and far from each other (Ahlen-Beckum 10 km, Ahlen-Telgte 25 km,
# Beckum-Telgte 31 km, Ahlen-Ostbevern 33 km), and few languages and areas, so that matches,
# near misses and ties all occur.
TOWNS = ["Ahlen", "Beckum", "Telgte", "Ostbevern"]
LANGUAGES = ["de", "ar", "uk"]
AREAS = ["dolmetschen-sprachmittlung", "kinderbetreuung", "fahrdienste"]
RADII = [0, 10, 20, 35, 60]
# Dates are taken when an example is drawn, never when the module is imported: a run that
# crosses midnight (Europe/Berlin) must not compare yesterday's data with today's engine.


def fuehrungszeugnis_issued(kind: str | None) -> dt.date | None:
    """The issue date of a certificate that is valid (two years old) or expired."""
    today = timezone.localdate()
    return {
        None: None,
        "valid": today - dt.timedelta(days=2 * 365),
        "expired": today - dt.timedelta(days=5 * 365 + 10),
    }[kind]


# Assignments are this many days old plus half a day, never on the edge of a window.
AGES = st.integers(min_value=0, max_value=12)

levels = st.integers(min_value=1, max_value=3)
# Mostly true, so that most volunteers pass the account filters and the others are tested.
mostly = st.sampled_from([True, True, True, True, False])
rarely = mostly.map(lambda value: not value)
volunteers = st.builds(
    Volunteer,
    town=st.sampled_from([*TOWNS, *TOWNS, None]),
    languages=st.dictionaries(st.sampled_from(LANGUAGES), levels, max_size=3),
    areas=st.lists(st.sampled_from(AREAS), unique=True, max_size=2).map(tuple),
    availability=st.integers(min_value=0, max_value=ALL_SLOTS),
    radius=st.sampled_from([*RADII, 35, 60]),
    active=mostly,
    verified=mostly,
    complete=mostly,
    consent=st.sampled_from(["given"] * 4 + ["withdrawn", "none"]),
    fz_issued=st.sampled_from([None, "valid", "expired"]).map(fuehrungszeugnis_issued),
)


@st.composite
def requests(draw) -> Request:
    schedule = draw(st.sampled_from(list(HelpRequest.Schedule)))
    needed = draw(st.integers(min_value=1, max_value=3))
    starts_at = None
    if schedule == HelpRequest.Schedule.ONCE:
        starts_at = timezone.now() + dt.timedelta(
            days=draw(st.integers(1, 7)), hours=draw(st.integers(0, 23))
        )
    return Request(
        town=draw(st.sampled_from(TOWNS)),
        area=draw(st.sampled_from(AREAS)),
        languages=draw(st.dictionaries(st.sampled_from(LANGUAGES), levels, max_size=2)),
        schedule=schedule,
        starts_at=starts_at,
        weekly_slots=(
            draw(st.integers(0, ALL_SLOTS)) if schedule == HelpRequest.Schedule.WEEKLY else 0
        ),
        helpers_needed=needed,
        confirmed_count=draw(st.sampled_from([0, 0, needed - 1, needed])),
        requires_fuehrungszeugnis=draw(rarely),
        status=draw(st.sampled_from(["open"] * 4 + ["filled", "draft"])),
        open_until=timezone.localdate() + dt.timedelta(days=draw(st.sampled_from([-1, 0, 10, 10]))),
    )


@st.composite
def worlds(draw) -> tuple[list[Volunteer], list[Request], list[Link]]:
    """Volunteers, requests, and assignments among them: at most one per pair, plus
    invitations to a closed request elsewhere (declined, up to four per volunteer) that count
    towards the weekly budget (3) and fairness but exclude nobody from anything."""
    people = draw(st.lists(volunteers, min_size=1, max_size=10))
    asks = draw(st.lists(requests(), min_size=1, max_size=4))
    now = timezone.now()
    pairs = draw(
        st.dictionaries(
            st.tuples(st.integers(0, len(people) - 1), st.integers(0, len(asks) - 1)),
            st.tuples(st.sampled_from(list(Assignment.Status)), st.booleans(), AGES),
            max_size=len(people) * 2,
        )
    )
    # Ages in days (plus half a day): four of six inside the budget window.
    elsewhere = draw(
        st.lists(
            st.lists(st.sampled_from([0, 2, 5, 6, 8, 20]), max_size=4),
            min_size=len(people),
            max_size=len(people),
        )
    )
    links = [
        Link(
            volunteer=v,
            request=r,
            status=status,
            invited=invited,
            created_at=now - dt.timedelta(days=age, hours=12),
        )
        for (v, r), (status, invited, age) in sorted(pairs.items())
    ]
    links += [
        Link(
            volunteer=v,
            request=len(asks),
            status=Assignment.Status.DECLINED,
            invited=True,
            created_at=now - dt.timedelta(days=age, hours=12),
        )
        for v, ages in enumerate(elsewhere)
        for age in ages
    ]
    return people, [*asks, Request(status=HelpRequest.Status.CLOSED)], links


# --- The rules, plainly -----------------------------------------------------------------------


def km(towns: dict[str, Town], a: str, b: str) -> int:
    first, second = towns[a], towns[b]
    return round(
        great_circle_km(
            float(first.latitude),
            float(first.longitude),
            float(second.latitude),
            float(second.longitude),
        )
    )


def speaks_enough(volunteer: Volunteer, request: Request) -> bool:
    return all(
        volunteer.languages.get(code, 0) >= minimum for code, minimum in request.languages.items()
    )


def fuehrungszeugnis_ok(volunteer: Volunteer, request: Request) -> bool:
    if not request.requires_fuehrungszeugnis:
        return True
    today = timezone.localdate()
    return volunteer.fz_issued is not None and volunteer.fz_issued > today.replace(
        year=today.year - FuehrungszeugnisRecord.VALID_YEARS
    )


def eligible_volunteer(
    v: int, r: int, people: list[Volunteer], asks: list[Request], links: list[Link], towns
) -> bool:
    """May volunteer v be suggested for request r?"""
    volunteer, request = people[v], asks[r]
    week_ago = timezone.now() - dt.timedelta(days=7)
    invitations_this_week = sum(
        1 for link in links if link.volunteer == v and link.invited and link.created_at >= week_ago
    )
    return (
        volunteer.active
        and volunteer.verified
        and volunteer.complete
        and volunteer.consent == "given"
        and volunteer.town is not None
        and km(towns, volunteer.town, request.town) <= volunteer.radius
        and not any(link.volunteer == v and link.request == r for link in links)
        and speaks_enough(volunteer, request)
        and fuehrungszeugnis_ok(volunteer, request)
        and invitations_this_week < django_settings.MATCHING_WEEKLY_INVITATIONS
    )


def eligible_request(
    r: int, v: int, people: list[Volunteer], asks: list[Request], links: list[Link], towns
) -> bool:
    """May request r be recommended to volunteer v? (Their own dashboard: no consent to be
    contacted and no invitation budget needed.)"""
    volunteer, request = people[v], asks[r]
    return (
        volunteer.active
        and volunteer.complete
        and volunteer.town is not None
        and request.status == "open"
        and request.open_until >= timezone.localdate()
        and request.confirmed_count < request.helpers_needed
        and km(towns, request.town, volunteer.town) <= volunteer.radius
        and not any(link.volunteer == v and link.request == r for link in links)
        and speaks_enough(volunteer, request)
        and fuehrungszeugnis_ok(volunteer, request)
    )


def assert_ranked(suggestions) -> None:
    """Best first, and every score is the weighted sum of its parts (each 0..1)."""
    found = [s.score for s in suggestions]
    assert found == sorted(found, reverse=True)
    weights = django_settings.MATCHING_WEIGHTS
    for s in suggestions:
        assert all(0 <= part <= 1 for part in s.parts.values()), s.parts
        assert s.score == pytest.approx(sum(weights[n] * s.parts[n] for n in scores.PARTS))


@hypothesis_settings(
    max_examples=effort(ci=30, local=15),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_hard_filters_hold_and_order_is_by_score(towns, world):
    people, asks, links = world
    with transaction.atomic():
        area_ids = dict(ActivityArea.objects.values_list("slug", "pk"))
        users = create_volunteers(people, towns=towns, area_ids=area_ids)
        rows = create_requests(asks, towns=towns, area_ids=area_ids)
        create_links(links, users=users, requests=rows, coordinator=UserFactory())
        user_index = {user.pk: n for n, user in enumerate(users)}
        request_index = {row.pk: n for n, row in enumerate(rows)}

        for r, row in enumerate(rows):
            suggestions = suggest_volunteers(row, limit=100)
            found = {user_index[s.item.user_id] for s in suggestions}
            expected = {
                v
                for v in range(len(people))
                if eligible_volunteer(v, r, people, asks, links, towns)
            }
            assert found == expected, f"request {r}"
            assert_ranked(suggestions)

        for v, user in enumerate(users):
            suggestions = suggest_requests(user, limit=100)
            found = {request_index[s.item.pk] for s in suggestions}
            expected = {
                r for r in range(len(asks)) if eligible_request(r, v, people, asks, links, towns)
            }
            assert found == expected, f"volunteer {v}"
            assert_ranked(suggestions)
        transaction.set_rollback(True)
