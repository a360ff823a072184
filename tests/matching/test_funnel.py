"""Why nobody is suggested: the hard filters counted step by step. The steps are the filters
themselves (filters.volunteer_filter_steps), so their last step is exactly who is suggested,
and a requirement registered later shows up as a step of its own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UserFactory
from tests.trainings.test_qualification import certify
from tests.volunteers.factories import AssignmentFactory, FuehrungszeugnisRecordFactory
from volunteers.matching import filters
from volunteers.matching.funnel import volunteer_funnel
from volunteers.models import LanguageLevel, Qualification

pytestmark = pytest.mark.django_db

FLUENT, BASIC = LanguageLevel.FLUENT, LanguageLevel.BASIC


def counts(funnel) -> list[tuple[str, int]]:
    return [(step.key, step.remaining) for step in funnel.steps]


def suggested_ids(help_request) -> set[int]:
    eligible = filters.volunteers_eligible(help_request, now=timezone.now())
    return set(eligible.values_list("user_id", flat=True))


def test_the_example_a_fuehrungszeugnis_nobody_in_reach_has(make_volunteer, make_request):
    for _ in range(4):
        make_volunteer()  # Ahlen, in reach, no Führungszeugnis
    make_volunteer(town="Telgte")  # 25 km away, travels 10 km
    make_volunteer(consent=False)  # does not want to be asked
    help_request = make_request(requires_fuehrungszeugnis=True)

    funnel = volunteer_funnel(help_request)

    assert counts(funnel) == [
        ("contactable", 5),
        ("reach", 4),
        ("fuehrungszeugnis", 0),
        ("budget", 0),
        ("asked", 0),
    ]
    assert funnel.blocking.key == "fuehrungszeugnis"
    assert funnel.blocking.sentence == (
        "Führungszeugnis erforderlich: 0 von 4 Personen in Reichweite haben ein gültiges."
    )
    assert funnel.remaining == 0


def test_every_hard_filter_is_a_step_in_the_matchings_order(make_volunteer, make_request):
    """Each volunteer fails exactly one filter, so each step removes exactly one person."""
    child_protection = Qualification.objects.create(
        slug="kinderschutz", name_de="Kinderschutz", name_en="Child protection"
    )
    help_request = make_request(
        languages={"ar": FLUENT},
        requires_fuehrungszeugnis=True,
        required_qualification=child_protection,
    )

    def passing(**kwargs):
        volunteer = make_volunteer(languages={"ar": FLUENT}, **kwargs)
        FuehrungszeugnisRecordFactory(volunteer=volunteer)
        certify(volunteer, child_protection)
        return volunteer

    winner = passing()
    passing(town="Telgte")  # out of reach
    make_volunteer(languages={"ar": BASIC})  # language too weak (and nothing else)
    no_fz = make_volunteer(languages={"ar": FLUENT})
    certify(no_fz, child_protection)  # no Führungszeugnis
    untrained = make_volunteer(languages={"ar": FLUENT})
    FuehrungszeugnisRecordFactory(volunteer=untrained)  # training missing
    busy = passing()
    for _ in range(3):  # MATCHING_WEEKLY_INVITATIONS (3) invitations this week
        AssignmentFactory(volunteer=busy, invited_by=UserFactory())
    asked = passing()
    AssignmentFactory(help_request=help_request, volunteer=asked, declined=True)

    funnel = volunteer_funnel(help_request)

    assert counts(funnel) == [
        ("contactable", 7),
        ("reach", 6),
        ("languages", 5),
        ("fuehrungszeugnis", 4),
        ("qualification", 3),
        ("budget", 2),
        ("asked", 1),
    ]
    assert funnel.blocking is None
    assert suggested_ids(help_request) == {winner.pk}
    sentences = [step.sentence for step in funnel.steps]
    assert sentences == [
        "Ansprechbar: 7 Personen haben ein vollständiges Profil und möchten angefragt werden.",
        "In Reichweite von Ahlen: 6 von 7 ansprechbaren Personen wohnen so nah, wie sie "
        "fahren möchten.",
        "Sprachen (Arabisch, mindestens fließend): 5 von 6 Personen in Reichweite sprechen "
        "sie gut genug.",
        "Führungszeugnis erforderlich: 4 von 5 übrigen Personen haben ein gültiges.",
        "Schulung „Kinderschutz“ erforderlich: 3 von 4 übrigen Personen haben sie abgeschlossen.",
        "Höchstens 3 Anfragen in sieben Tagen: 2 von 3 übrigen Personen dürfen diese Woche "
        "noch angefragt werden.",
        "Noch nicht zu diesem Hilfegesuch gefragt: 1 von 2 übrigen Personen wurde noch nicht "
        "eingeladen und hat sich nicht gemeldet.",
    ]


def test_requirements_the_request_does_not_set_are_no_step(make_volunteer, make_request):
    make_volunteer()
    funnel = volunteer_funnel(make_request())
    assert [step.key for step in funnel.steps] == ["contactable", "reach", "budget", "asked"]


def test_the_last_step_is_exactly_who_is_suggested(make_volunteer, make_request):
    help_request = make_request(languages={"ar": FLUENT})
    speaks = make_volunteer(languages={"ar": FLUENT})
    make_volunteer(languages={"ar": BASIC})
    make_volunteer(town="Telgte", languages={"ar": FLUENT})
    steps = filters.volunteer_filter_steps(help_request, now=timezone.now())
    assert set(steps[-1].profiles.values_list("user_id", flat=True)) == {speaks.pk}
    assert suggested_ids(help_request) == {speaks.pk}


def test_a_requirement_registered_later_becomes_a_step(make_volunteer, make_request, monkeypatch):
    class Named:
        """Only volunteers called Lea (a stand-in for a feature's new condition)."""

        label = "Nur Lea"

        def filter_volunteers(self, profiles, help_request):
            return profiles.filter(user__first_name="Lea")

        def filter_requests(self, requests, profile):
            return requests

    monkeypatch.setattr(filters, "REQUIREMENTS", [*filters.REQUIREMENTS, Named()])
    make_volunteer(full_name="Lea Muster")
    make_volunteer(full_name="Tom Muster")
    funnel = volunteer_funnel(make_request())
    assert counts(funnel) == [
        ("contactable", 2),
        ("reach", 2),
        ("Named", 1),
        ("budget", 1),
        ("asked", 1),
    ]
    assert funnel.steps[2].sentence == "Nur Lea: 1 von 2 Personen in Reichweite erfüllt sie."


def test_counting_takes_the_same_queries_for_5_and_50_volunteers(make_volunteer, make_request):
    help_request = make_request(languages={"ar": FLUENT}, requires_fuehrungszeugnis=True)

    def queries() -> int:
        # As the management page has it: with its town.
        fresh = type(help_request).objects.select_related("town").get(pk=help_request.pk)
        with CaptureQueriesContext(connection) as captured:
            volunteer_funnel(fresh)
        return len(captured.captured_queries)

    for _ in range(5):
        make_volunteer(languages={"ar": FLUENT})
    at_5 = queries()
    for _ in range(45):
        make_volunteer(languages={"ar": FLUENT})
    assert queries() == at_5 == 2  # the request's languages, then one count for every step
