"""Reasons say in words what the data says, in the language that is active."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from tests.factories import UserFactory
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory
from volunteers.matching import suggest_requests, suggest_volunteers
from volunteers.models import LanguageLevel, slot_bit

TUESDAY, AFTERNOON = 1, 1


def test_reasons_for_a_coordinator_in_german_and_english(make_volunteer, make_request, areas):
    help_request = make_request(
        town="Ahlen",
        area="Dolmetschen",
        languages={"ar": LanguageLevel.FLUENT},
        schedule="weekly",
        weekly_slots=slot_bit(TUESDAY, AFTERNOON) | slot_bit(3, 2),
    )
    volunteer = make_volunteer(
        town="Telgte",
        radius=35,
        languages={"ar": LanguageLevel.NATIVE, "de": LanguageLevel.NATIVE},
        areas_=("Dolmetschen",),
        availability=slot_bit(TUESDAY, AFTERNOON),
    )
    with translation.override("de"):
        [suggestion] = suggest_volunteers(help_request)
    assert suggestion.reasons == [
        "spricht Arabisch (Muttersprache)",
        "wohnt 25 km entfernt in Telgte",
        "dienstags nachmittags verfügbar",
        "interessiert sich für Dolmetschen / Sprachmittlung",
        "hat in den letzten 30 Tagen noch keine Anfrage bekommen",
    ]
    with translation.override("en"):
        [suggestion] = suggest_volunteers(help_request)
    assert suggestion.reasons == [
        "speaks Arabic (native)",
        "lives 25 km away in Telgte",
        "available Tuesday afternoons",
        "interested in Interpreting",
        "has not been asked in the last 30 days",
    ]
    assert volunteer.pk == suggestion.item.user_id


def test_experience_history_and_same_town(make_volunteer, make_request, areas):
    help_request = make_request(town="Ahlen", area="Dolmetschen", helpers_needed=3)
    volunteer = make_volunteer(town="Ahlen")
    earlier = HelpRequestFactory(closed=True, activity_area=areas["Dolmetschen"])
    AssignmentFactory(help_request=earlier, volunteer=volunteer, confirmed=True)
    running = make_request(area="Kinderbetreuung")
    AssignmentFactory(help_request=running, volunteer=volunteer, confirmed=True)
    AssignmentFactory(
        volunteer=volunteer,
        invited_by=UserFactory(),
        created_at=timezone.now() - dt.timedelta(days=40),
    )
    with translation.override("de"):
        [suggestion] = suggest_volunteers(help_request)
    assert suggestion.reasons == [
        "wohnt am Ort, in Ahlen",
        "Erfahrung im Bereich Dolmetschen / Sprachmittlung",
        "wurde in den letzten 30 Tagen 2-mal angefragt",
        "hilft gerade bei 1 Hilfegesuch",
    ]
    with translation.override("en"):
        [suggestion] = suggest_volunteers(help_request)
    assert suggestion.reasons == [
        "lives in the same town, Ahlen",
        "experience in Interpreting",
        "was asked 2 times in the last 30 days",
        "currently helps with 1 request",
    ]


def test_reasons_for_a_volunteer_in_german_and_english(make_volunteer, make_request):
    volunteer = make_volunteer(
        town="Ahlen",
        radius=20,
        languages={"uk": LanguageLevel.FLUENT},
        areas_=("Kinderbetreuung",),
        availability=slot_bit(TUESDAY, AFTERNOON),
    )
    empty = make_request(
        town="Beckum",
        area="Kinderbetreuung",
        languages={"uk": LanguageLevel.BASIC},
        schedule="weekly",
        weekly_slots=slot_bit(TUESDAY, AFTERNOON),
    )
    started = make_request(town="Ahlen", area="Fahrdienste", helpers_needed=4, confirmed_count=1)
    with translation.override("de"):
        by_request = {s.item.pk: s.reasons for s in suggest_requests(volunteer)}
    assert by_request == {
        empty.pk: [
            "Sie sprechen Ukrainisch (fließend)",
            "10 km entfernt in Beckum",
            "passt zu Ihrer Zeit: dienstags nachmittags",
            "in Ihrem Tätigkeitsbereich Kinderbetreuung",
            "hat noch keine Helfenden",
        ],
        started.pk: ["in Ihrem Wohnort Ahlen", "noch 3 Plätze frei"],
    }
    with translation.override("en"):
        by_request = {s.item.pk: s.reasons for s in suggest_requests(volunteer)}
    assert by_request == {
        empty.pk: [
            "you speak Ukrainian (fluent)",
            "10 km away in Beckum",
            "fits your time: Tuesday afternoons",
            "in your field: Childcare",
            "has no helpers yet",
        ],
        started.pk: ["in your town, Ahlen", "3 places left"],
    }
