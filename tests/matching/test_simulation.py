"""The matching simulation: consistent figures, nothing kept, same seed -> same result, and
fairness spreading invitations where it clearly must."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from backend.accounts.models import User
from volunteers.matching import simulation
from volunteers.matching.simulation import (
    RequestSpec,
    SimulationConfig,
    SimulationRefused,
    VolunteerSpec,
    World,
    gini,
    simulate,
    world_build,
    world_generate,
    world_run,
)
from volunteers.models import (
    ActivityArea,
    Assignment,
    Consent,
    HelpRequest,
    LanguageLevel,
    Organisation,
    Town,
    VolunteerProfile,
)

SMALL = SimulationConfig(volunteers=60, requests_per_day=3, days=10, seed=7, after_days=2)
TINY = SimulationConfig(volunteers=20, requests_per_day=2, days=3, seed=3)
MODELS = (User, VolunteerProfile, Consent, Organisation, HelpRequest, Assignment, Town)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def reference(towns) -> tuple[list[str], list[str]]:
    """Town names and activity area slugs, as simulate_once reads them."""
    return (
        list(Town.objects.order_by("name").values_list("name", flat=True)),
        list(ActivityArea.objects.order_by("slug").values_list("slug", flat=True)),
    )


def test_gini():
    assert gini([]) == gini([0, 0]) == gini([4, 4, 4]) == 0.0
    assert gini([0, 0, 0, 9]) == pytest.approx(0.75)
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)


def test_figures_are_consistent_and_repeatable(db, settings, reference):
    report = simulate(SMALL)
    again = simulate(SMALL)
    assert (again.fairness_on, again.fairness_off) == (report.fairness_on, report.fairness_off)
    towns, areas = reference
    assert world_generate(SMALL, towns=towns, areas=areas) != world_generate(
        SimulationConfig(**{**SMALL.__dict__, "seed": 8}), towns=towns, areas=areas
    )
    assert report.fairness_on.fairness_weight == settings.MATCHING_WEIGHTS["fairness"] > 0
    assert report.fairness_off.fairness_weight == 0
    for run in (report.fairness_on, report.fairness_off):
        assert run.requests > 0 and run.invitations > 0
        for share in (run.filled_share, run.no_candidate_share, run.invited_volunteers_share):
            assert 0 <= share <= 1
        assert 0 <= run.invitations_gini <= 1
        assert run.filled_share == run.filled / run.requests
        assert run.no_candidate_share == run.no_candidate / run.requests
        assert sum(run.invitations_per_volunteer) == run.invitations
        assert max(run.invitations_per_volunteer) == run.invitations_max
        assert len(run.invitations_per_volunteer) == SMALL.volunteers
        assert run.accepted <= run.invitations
        assert run.filled <= run.accepted
        assert (run.median_days_to_fill is None) == (run.filled == 0)
        if run.median_days_to_fill is not None:
            assert 0 <= run.median_days_to_fill <= SMALL.open_days
        # The weekly budget holds: no volunteer gets more than 3 in any 7 days, so at most
        # 3 per started week of the simulation.
        assert run.invitations_max <= settings.MATCHING_WEEKLY_INVITATIONS * 2


def test_invitations_are_the_rows_the_run_created(make_volunteer, reference):
    """Inside one transaction: the counted invitations are the Assignment rows, all at
    simulated times within the month, all for synthetic volunteers (the volunteer already in
    the database is set aside for the run)."""
    existing = make_volunteer()
    towns, areas = reference
    world = world_generate(SMALL, towns=towns, areas=areas)
    with transaction.atomic():
        built = world_build(world)
        report = world_run(SMALL, world, built)
        rows = Assignment.objects.filter(invited_by=built.coordinator_id)
        counted = Counter(rows.values_list("volunteer", flat=True))
        assert rows.count() == Assignment.objects.count() == report.invitations
        index = {user_id: n for n, user_id in enumerate(built.user_ids)}
        assert {index[user]: n for user, n in counted.items()} == {
            n: count for n, count in enumerate(report.invitations_per_volunteer) if count
        }
        end = world.start + dt.timedelta(days=SMALL.days)
        assert all(world.start <= at < end for at in rows.values_list("created_at", flat=True))
        assert built.set_aside == 1
        assert not Assignment.objects.filter(volunteer=existing).exists()
        transaction.set_rollback(True)


def test_nothing_remains_in_the_database(make_volunteer):
    existing = make_volunteer()
    before = row_counts()
    report = simulate(TINY)
    assert report.fairness_on.invitations > 0
    assert report.volunteers_set_aside == 1
    assert row_counts() == before
    existing.volunteer_profile.refresh_from_db()
    assert existing.volunteer_profile.onboarding_completed_at is not None


def test_nothing_remains_when_a_run_fails(db, monkeypatch):
    before = row_counts()

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(simulation, "world_run", fail)
    with pytest.raises(RuntimeError):
        simulate(TINY)
    assert row_counts() == before


def test_refuses_with_production_settings(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(SimulationRefused):
        simulate(SMALL)


def test_the_command_prints_both_runs(db, capsys):
    call_command("simulate_matching", "--volunteers=20", "--days=3")
    out = capsys.readouterr().out
    assert "fairness 1.5" in out and "fairness 0" in out
    assert "Invitations per volunteer: Gini" in out
    call_command("simulate_matching", "--volunteers=20", "--days=3", "--json")
    assert '"fairness_off"' in capsys.readouterr().out


def planted_world(towns: list[str], areas: list[str]) -> World:
    """Twelve volunteers alike in everything, who never answer, and one request a day that
    nobody fills. Without fairness the ranking's tie-break (oldest profile first) keeps
    choosing the same volunteers until their weekly budget is used up; with fairness whoever
    was asked lately drops behind those who were not."""
    volunteer = VolunteerSpec(
        town="Ahlen",
        languages={"de": LanguageLevel.NATIVE},
        areas=tuple(areas),
        availability=0,
        radius=60,
        consent=True,
        verified=True,
        active=True,
        complete=True,
        fz_years_ago=None,
        dormant=True,
    )
    request = RequestSpec(
        opens_after=dt.timedelta(hours=10),
        town="Ahlen",
        area=areas[0],
        languages={},
        schedule=HelpRequest.Schedule.FLEXIBLE,
        starts=None,
        weekly_slots=0,
        helpers_needed=1,
        requires_fuehrungszeugnis=False,
    )
    return World(
        start=simulation.simulation_start(28),
        volunteers=[volunteer] * 12,
        requests=[
            RequestSpec(**{**request.__dict__, "opens_after": dt.timedelta(days=day, hours=10)})
            for day in range(28)
        ],
    )


def test_fairness_spreads_invitations_in_a_planted_case(db, reference, settings):
    config = SimulationConfig(volunteers=12, days=28, batch=2, after_days=30, open_days=30)
    world = planted_world(*reference)
    results = {}
    for fairness in (settings.MATCHING_WEIGHTS["fairness"], 0.0):
        weights = {**settings.MATCHING_WEIGHTS, "fairness": fairness}
        with override_settings(MATCHING_WEIGHTS=weights), transaction.atomic():
            results[fairness] = world_run(config, world, world_build(world))
            transaction.set_rollback(True)
    on, off = results.values()
    assert on.invitations == off.invitations == 2 * 28
    assert on.invitations_gini < off.invitations_gini
    assert on.invitations_max < off.invitations_max
