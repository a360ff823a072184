"""Planted ideal candidates come out on top among 2,000 random volunteers, and every reason
shown for a suggestion is true of the data behind it."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.utils import timezone, translation

from tests.factories import UserFactory
from volunteers.languages import language_name
from volunteers.matching import suggest_requests, suggest_volunteers
from volunteers.matching.reasons import WEEKDAYS_BEFORE_PART
from volunteers.matching.scores import request_slots
from volunteers.models import (
    ALL_SLOTS,
    DAY_PARTS,
    ActivityArea,
    Assignment,
    HelpRequest,
    LanguageLevel,
    slot_bit,
)
from volunteers.services.reference import great_circle_km

from .bulk import Link, Request, Volunteer, create_links, create_requests, create_volunteers

NATIVE = LanguageLevel.NATIVE
TUESDAY_AFTERNOON = slot_bit(1, 1)
LANGUAGES = ["de", "ar", "uk", "ru", "tr", "fa", "en"]
RADII = [0, 10, 20, 35, 60]


def random_volunteer(rng: random.Random, towns: list[str], areas: list[str]) -> Volunteer:
    languages = {"de": rng.choice([1, 2, 3, 3, 3])}
    for code in rng.sample(LANGUAGES[1:], rng.randint(0, 2)):
        languages[code] = rng.randint(1, 3)
    return Volunteer(
        town=rng.choice(towns),
        languages=languages,
        areas=tuple(rng.sample(areas, rng.randint(1, 3))),
        availability=rng.randrange(ALL_SLOTS + 1),
        radius=rng.choice(RADII),
    )


@pytest.fixture
def area_ids(areas) -> dict[str, int]:
    return dict(ActivityArea.objects.values_list("slug", "pk"))


def test_planted_ideal_candidates_are_in_the_top_5_of_2000(towns, area_ids):
    rng = random.Random(2026)
    others = [random_volunteer(rng, list(towns), list(area_ids)) for _ in range(2000)]
    ideal = Volunteer(
        town="Telgte",
        languages={"de": NATIVE, "ar": NATIVE},
        areas=("dolmetschen-sprachmittlung",),
        availability=TUESDAY_AFTERNOON,
        radius=10,
    )
    # Created last: ties are broken in favour of older rows, so they win on merit alone.
    users = create_volunteers([*others, ideal, ideal, ideal], towns=towns, area_ids=area_ids)
    [help_request] = create_requests(
        [
            Request(
                town="Telgte",
                area="dolmetschen-sprachmittlung",
                languages={"ar": LanguageLevel.BASIC},
                schedule=HelpRequest.Schedule.WEEKLY,
                weekly_slots=TUESDAY_AFTERNOON,
            )
        ],
        towns=towns,
        area_ids=area_ids,
    )
    top = suggest_volunteers(help_request, limit=5)
    planted = {user.pk for user in users[-3:]}
    assert planted <= {s.item.user_id for s in top}
    # Nobody scores better than they do (a random ideal twin may tie).
    assert top[0].score == max(s.score for s in top if s.item.user_id in planted)


# --- Reasons against the data -----------------------------------------------------------------


def slots_named(text: str) -> int:
    """'dienstags nachmittags, freitags abends' -> the mask of those slots."""
    labels = {
        f"{weekday} {part}": slot_bit(day, n)
        for day, weekday in enumerate(WEEKDAYS_BEFORE_PART)
        for n, part in enumerate(DAY_PARTS)
    }
    return sum(labels[label] for label in text.split(", "))


def km_between(a, b) -> int:
    return round(
        great_circle_km(
            float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude)
        )
    )


LEVELS = {str(level.label): level.value for level in LanguageLevel}


def check_volunteer_reasons(suggestion, help_request: HelpRequest) -> None:
    """Every reason for a coordinator names a fact that holds (German wording)."""
    profile, user = suggestion.item, suggestion.item.user
    spoken = {language.code: language.level for language in profile.languages.all()}
    needed = {language.code for language in help_request.languages.all()}
    names = {language_name(code): code for code in spoken}
    now = timezone.now()
    assignments = Assignment.objects.filter(volunteer=user)
    languages_named = set()
    for reason in suggestion.reasons:
        if m := re.fullmatch(r"spricht (.+) \((.+)\)", reason):
            code = names[m[1]]
            assert code in needed and spoken[code] == LEVELS[m[2]], reason
            languages_named.add(code)
        elif m := re.fullmatch(r"wohnt am Ort, in (.+)", reason):
            assert profile.town_id == help_request.town_id and m[1] == profile.town.name
        elif m := re.fullmatch(r"wohnt (\d+) km entfernt in (.+)", reason):
            assert profile.town_id != help_request.town_id and m[2] == profile.town.name
            assert int(m[1]) == km_between(profile.town, help_request.town)
        elif m := re.fullmatch(r"(.+) verfügbar", reason):
            assert slots_named(m[1]) == profile.availability & request_slots(help_request)
        elif m := re.fullmatch(r"Erfahrung im Bereich (.+)", reason):
            assert m[1] == help_request.activity_area.name_de
            assert assignments.filter(
                confirmed_at__isnull=False, help_request__activity_area=help_request.activity_area
            ).exists()
        elif m := re.fullmatch(r"interessiert sich für (.+)", reason):
            assert m[1] == help_request.activity_area.name_de
            assert profile.activity_areas.filter(pk=help_request.activity_area_id).exists()
        elif m := re.fullmatch(
            r"wurde in den letzten 30 Tagen (einmal|(\d+)-mal) angefragt", reason
        ):
            count = 1 if m[1] == "einmal" else int(m[2])
            assert assignments.filter(created_at__gte=now - dt.timedelta(days=30)).count() == count
        elif reason == "hat in den letzten 30 Tagen noch keine Anfrage bekommen":
            assert not assignments.filter(created_at__gte=now - dt.timedelta(days=30)).exists()
        elif m := re.fullmatch(r"hilft gerade bei (\d+) Hilfegesuch(en)?", reason):
            busy = assignments.filter(
                status=Assignment.Status.CONFIRMED, help_request__status__in=["open", "filled"]
            )
            assert busy.count() == int(m[1]) > 0
        else:
            pytest.fail(f"unknown reason: {reason}")
    assert languages_named == needed


def check_request_reasons(suggestion, profile) -> None:
    """Every reason for a volunteer names a fact that holds (German wording)."""
    help_request = suggestion.item
    spoken = {language.code: language.level for language in profile.languages.all()}
    needed = {language.code for language in help_request.languages.all()}
    languages_named = set()
    for reason in suggestion.reasons:
        if m := re.fullmatch(r"Sie sprechen (.+) \((.+)\)", reason):
            code = {language_name(c): c for c in spoken}[m[1]]
            assert code in needed and spoken[code] == LEVELS[m[2]], reason
            languages_named.add(code)
        elif m := re.fullmatch(r"in Ihrem Wohnort (.+)", reason):
            assert profile.town_id == help_request.town_id and m[1] == help_request.town.name
        elif m := re.fullmatch(r"(\d+) km entfernt in (.+)", reason):
            assert profile.town_id != help_request.town_id and m[2] == help_request.town.name
            assert int(m[1]) == km_between(profile.town, help_request.town)
        elif m := re.fullmatch(r"passt zu Ihrer Zeit: (.+)", reason):
            assert slots_named(m[1]) == profile.availability & request_slots(help_request)
        elif m := re.fullmatch(r"in Ihrem Tätigkeitsbereich (.+)", reason):
            assert m[1] == help_request.activity_area.name_de
            assert profile.activity_areas.filter(pk=help_request.activity_area_id).exists()
        elif reason == "hat noch keine Helfenden":
            assert help_request.confirmed_count == 0
        elif m := re.fullmatch(r"noch (\d+) (Platz|Plätze) frei", reason):
            assert help_request.confirmed_count > 0
            assert int(m[1]) == help_request.helpers_needed - help_request.confirmed_count
        else:
            pytest.fail(f"unknown reason: {reason}")
    assert languages_named == needed


def test_reasons_match_the_data(towns, area_ids):
    """Random volunteers, requests and history; every reason of every suggestion checked."""
    rng = random.Random(5)
    town_names, slugs = list(towns), list(area_ids)
    people = [random_volunteer(rng, town_names, slugs) for _ in range(60)]
    asks = [
        Request(
            town=rng.choice(town_names),
            area=rng.choice(slugs),
            languages=dict.fromkeys(rng.sample(LANGUAGES, rng.randint(0, 2)), 1),
            schedule=HelpRequest.Schedule.WEEKLY,
            weekly_slots=rng.randrange(1, ALL_SLOTS + 1),
            helpers_needed=(needed := rng.randint(1, 4)),
            confirmed_count=rng.randint(0, needed - 1),
        )
        for _ in range(12)
    ]
    users = create_volunteers(people, towns=towns, area_ids=area_ids)
    rows = create_requests(asks, towns=towns, area_ids=area_ids)
    now = timezone.now()
    links = {
        (rng.randrange(60), rng.randrange(12)): rng.choice(list(Assignment.Status))
        for _ in range(80)
    }
    create_links(
        [
            Link(v, r, status, True, now - dt.timedelta(days=rng.randint(0, 45)))
            for (v, r), status in links.items()
        ],
        users=users,
        requests=rows,
        coordinator=UserFactory(),
    )
    checked = 0
    with translation.override("de"):
        for row in rows:
            for suggestion in suggest_volunteers(row, limit=100):
                check_volunteer_reasons(suggestion, row)
                checked += 1
        for user in users:
            profile = user.volunteer_profile
            for suggestion in suggest_requests(user, limit=100):
                check_request_reasons(suggestion, profile)
                checked += 1
    assert checked > 50
