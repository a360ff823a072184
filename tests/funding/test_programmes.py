"""Programme years as data (create, copy into the next year "vorbehaltlich") and the budget
overview and work queue that staff read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from backend.errors import ConflictError, ValidationFailed
from funding.models import Application, Pauschale
from funding.selectors import applications_for_staff, applications_for_user, budget_overview
from funding.services.programmes import programme_year_copy, programme_year_create
from tests.factories import UserFactory

from .factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    block,
    coordinator_of,
    komm_an_programme,
    next_year,
    proposed,
    staff_user,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]

D = Decimal
NY = next_year() + 5  # a year no other factory makes


def create(**kwargs):
    values = {
        "programme": komm_an_programme(),
        "year": NY,
        "pot": D("125000"),
        "block_pots": {"A": D("40000"), "B": D("30000"), "C": D("25000"), "D": D("30000")},
        "call_opens_on": dt.date(NY - 1, 11, 1),
        "call_closes_on": dt.date(NY, 3, 31),
        "actor": staff_user(),
    }
    return programme_year_create(**{**values, **kwargs})


def test_a_year_is_made_with_the_komm_an_blocks_and_their_pots():
    year = create(cap_per_application=D("5000"))
    assert [(b.code, b.pot, b.committed) for b in year.blocks.order_by("code")] == [
        ("A", D("40000.00"), 0),
        ("B", D("30000.00"), 0),
        ("C", D("25000.00"), 0),
        ("D", D("30000.00"), 0),
    ]
    assert block(year, "A").title == "Ankommenstreffpunkte"
    with pytest.raises(ConflictError):
        create()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"block_pots": {"A": D("100000"), "B": D("30000")}}, "block_pots"),
        ({"block_pots": {"E": D("100")}}, "block_pots"),
        ({"pot": D("-1"), "block_pots": {}}, "pot"),
        ({"block_pots": {"A": D("-1")}}, "pot"),
        ({"call_closes_on": dt.date(NY - 1, 10, 1)}, "call_closes_on"),
    ],
    ids=["blocks-above-year", "unknown-block", "negative-year", "negative-block", "call"],
)
def test_a_year_that_does_not_add_up_is_not_made(kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        create(**kwargs)
    assert caught.value.field == field
    assert not komm_an_programme().years.filter(year=NY).exists()


def test_only_staff_with_mfa_make_a_year():
    with pytest.raises(PermissionDenied):
        create(actor=UserFactory(ki_staff=True))


def test_the_next_year_copies_the_rules_and_opens_subject_to_confirmation():
    source = create(cap_per_application=D("5000"), proof_of_use_weeks=10)
    Pauschale.objects.create(
        programme_year=source, block=block(source, "A"), title="Raum", amount=D("1000")
    )
    Pauschale.objects.create(programme_year=source, title="Fahrten", amount=D("50"), max_units=9)

    target = programme_year_copy(
        source=source,
        year=NY + 1,
        call_opens_on=dt.date(NY, 11, 1),
        call_closes_on=dt.date(NY + 1, 3, 31),
        actor=staff_user(),
    )

    assert target.subject_to_confirmation is True
    assert (target.pot, target.cap_per_application, target.proof_of_use_weeks) == (
        D("125000.00"),
        D("5000.00"),
        10,
    )
    assert {(b.code, b.pot) for b in target.blocks.all()} == {
        (b.code, b.pot) for b in source.blocks.all()
    }
    copied = {(p.title, p.block.code if p.block else None) for p in target.pauschalen.all()}
    assert copied == {("Raum", "A"), ("Fahrten", None)}
    assert all(p.block is None or p.block.programme_year == target for p in target.pauschalen.all())


def test_the_budget_overview_shows_bound_paid_returned_and_open_requests():
    year = ProgrammeYearFactory(blocks={"A": D("5000"), "B": D("5000")})
    approved(ApplicationFactory(programme_year=year), amount=D("800"))
    proposed(ApplicationFactory(programme_year=year, block=block(year, "B")))
    submitted(ApplicationFactory(programme_year=year))
    ApplicationFactory(programme_year=year)  # a draft counts nowhere

    overview = budget_overview(year)

    rows = {row.code: row for row in overview.blocks}
    assert (rows["A"].committed, rows["A"].available, rows["A"].requested_open) == (
        D("800.00"),
        D("4200.00"),
        D("900.00"),
    )
    assert (rows["B"].committed, rows["B"].requested_open) == (0, D("900.00"))
    assert (overview.total.committed, overview.total.requested_open) == (D("800.00"), D("1800.00"))


def test_the_staff_queue_is_first_come_first_served_without_drafts(django_assert_max_num_queries):
    year = ProgrammeYearFactory()
    first = submitted(ApplicationFactory(programme_year=year))
    second = submitted(ApplicationFactory(programme_year=year))
    ApplicationFactory(programme_year=year)
    for _ in range(10):
        submitted(ApplicationFactory(programme_year=year))

    with django_assert_max_num_queries(1):
        rows = list(applications_for_staff(programme_year=year))
        [(row.organisation.name, row.block.code, row.town.name) for row in rows]

    assert len(rows) == 12 and rows[:2] == [first, second]
    assert all(row.status == Application.Status.SUBMITTED for row in rows)
    assert list(applications_for_staff(search=first.reference)) == [first]
    assert list(applications_for_user(coordinator_of(first))) == [first]
