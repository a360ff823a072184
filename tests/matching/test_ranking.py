"""Ranking: clear cases come out in the obvious order, in both directions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import UserFactory
from tests.volunteers.factories import AssignmentFactory
from volunteers.matching import suggest_requests, suggest_volunteers
from volunteers.models import LanguageLevel, slot_bit

NATIVE, FLUENT, BASIC = LanguageLevel.NATIVE, LanguageLevel.FLUENT, LanguageLevel.BASIC
TUESDAY, AFTERNOON, MORNING = 1, 1, 0


def ranked_users(help_request, **kwargs) -> list[int]:
    return [s.item.user_id for s in suggest_volunteers(help_request, **kwargs)]


def test_native_speaker_nearby_beats_basic_speaker_far_away(make_volunteer, make_request):
    help_request = make_request(languages={"ar": BASIC})
    far_basic = make_volunteer(town="Telgte", radius=35, languages={"ar": BASIC})
    near_native = make_volunteer(town="Ahlen", languages={"ar": NATIVE})
    assert ranked_users(help_request) == [near_native.pk, far_basic.pk]


def test_each_part_decides_when_all_else_is_equal(make_volunteer, make_request):
    """One volunteer is better in exactly one part than the other."""
    help_request = make_request(
        languages={"ar": BASIC}, schedule="weekly", weekly_slots=slot_bit(TUESDAY, AFTERNOON)
    )
    base = {"languages": {"ar": FLUENT}, "areas_": (), "availability": 0}
    cases = [
        ({"areas_": ("Dolmetschen",)}, "activity"),
        ({"languages": {"ar": NATIVE}}, "language"),
        ({"town": "Ahlen"}, "distance"),
        ({"availability": slot_bit(TUESDAY, AFTERNOON)}, "availability"),
    ]
    for better, part in cases:
        worse_one = make_volunteer(**{"town": "Beckum", "radius": 20, **base})
        better_one = make_volunteer(**{"town": "Beckum", "radius": 20, **base, **better})
        suggestions = {s.item.user_id: s for s in suggest_volunteers(help_request, limit=100)}
        assert suggestions[better_one.pk].parts[part] > suggestions[worse_one.pk].parts[part]
        assert suggestions[better_one.pk].score > suggestions[worse_one.pk].score, part


def test_order_is_by_score_and_limited(make_volunteer, make_request):
    help_request = make_request(languages={"ar": BASIC})
    for level in (BASIC, FLUENT, NATIVE, FLUENT, BASIC, NATIVE):
        make_volunteer(languages={"ar": level})
    suggestions = suggest_volunteers(help_request, limit=4)
    assert len(suggestions) == 4
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert {s.parts["language"] for s in suggestions[:2]} == {1.0}


def test_fairness_lowers_a_frequently_asked_volunteer(make_volunteer, make_request):
    help_request = make_request()
    asked_often, rested = make_volunteer(), make_volunteer()
    coordinator = UserFactory()
    for _ in range(3):
        AssignmentFactory(
            volunteer=asked_often,
            invited_by=coordinator,
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10),
        )
    assert ranked_users(help_request) == [rested.pk, asked_often.pk]
    parts = {s.item.user_id: s.parts for s in suggest_volunteers(help_request)}
    assert parts[rested.pk]["fairness"] == 1.0
    assert parts[asked_often.pk]["fairness"] == 0.5  # asked often, but not busy


def test_busy_volunteers_rank_lower(make_volunteer, make_request):
    help_request = make_request()
    busy, idle = make_volunteer(), make_volunteer()
    AssignmentFactory(
        volunteer=busy,
        confirmed=True,
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=60),
    )
    assert ranked_users(help_request) == [idle.pk, busy.pk]


def test_single_date_matches_the_weekday_and_part_of_day_in_berlin(make_volunteer, make_request):
    """Tuesday 13:30 in Berlin (11:30 UTC in summer) is a Tuesday afternoon."""
    starts_at = dt.datetime(2026, 7, 7, 13, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    help_request = make_request(schedule="once", starts_at=starts_at)
    morning = make_volunteer(availability=slot_bit(TUESDAY, MORNING))
    afternoon = make_volunteer(availability=slot_bit(TUESDAY, AFTERNOON))
    assert ranked_users(help_request) == [afternoon.pk, morning.pk]
    assert [s.item.pk for s in suggest_requests(afternoon)] == [help_request.pk]
    assert suggest_requests(afternoon)[0].parts["availability"] == 1.0
    assert suggest_requests(morning)[0].parts["availability"] == 0.0


def test_requests_for_a_volunteer(make_volunteer, make_request):
    volunteer = make_volunteer(
        town="Telgte",
        radius=35,
        languages={"ar": NATIVE, "de": FLUENT},
        areas_=("Kinderbetreuung",),
        availability=slot_bit(TUESDAY, AFTERNOON),
    )
    ideal = make_request(
        town="Telgte",
        area="Kinderbetreuung",
        languages={"ar": FLUENT},
        schedule="weekly",
        weekly_slots=slot_bit(TUESDAY, AFTERNOON),
    )
    half_filled = make_request(
        town="Telgte",
        area="Kinderbetreuung",
        languages={"ar": FLUENT},
        schedule="weekly",
        weekly_slots=slot_bit(TUESDAY, AFTERNOON),
        helpers_needed=2,
        confirmed_count=1,
    )
    far_other_area = make_request(town="Ahlen")
    ranked = suggest_requests(volunteer)
    assert [s.item.pk for s in ranked] == [ideal.pk, half_filled.pk, far_other_area.pk]
    assert ranked[0].parts == {
        "activity": 1.0,
        "language": 1.0,
        "distance": 1.0,
        "availability": 1.0,
        "fairness": 1.0,
    }
    assert ranked[1].parts["fairness"] == 0.5


def test_incomplete_volunteers_get_no_recommendations(make_volunteer, make_request):
    make_request()
    volunteer = make_volunteer()
    volunteer.volunteer_profile.onboarding_completed_at = None
    volunteer.volunteer_profile.save(update_fields=["onboarding_completed_at"])
    assert suggest_requests(volunteer) == []
