"""Submitting an application: every rule of the programme is checked, a refusal names the field
and the problem, and a refused submission changes nothing (status, time stamp, audit trail,
e-mails)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from backend.errors import ConflictError, ValidationFailed
from funding.models import Application, CostLine, Pauschale
from funding.services.applications import (
    ApplicationData,
    CostLineData,
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, UserFactory

from .conftest import history
from .factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    block,
    coordinator_of,
    next_year,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]

NY = next_year()


def snapshot(application: Application) -> tuple:
    """Everything a refused submission must leave as it was."""
    row = Application.objects.get(pk=application.pk)
    return (
        row.status,
        row.submitted_at,
        history(row),
        Notification.objects.count(),
        list(row.cost_lines.values_list("description", "amount", "units")),
    )


def refused(application: Application, *, today: dt.date | None = None) -> dict[str, list[str]]:
    """Submit, expect a refusal that changed nothing; the problems by field."""
    before = snapshot(application)
    with pytest.raises(ValidationFailed) as caught:
        application_submit(application=application, actor=coordinator_of(application), today=today)
    assert snapshot(application) == before
    assert application.status == before[0]  # the caller's instance is untouched too
    errors = caught.value.errors
    assert caught.value.message == next(iter(errors.values()))[0]
    return errors


def test_a_complete_application_is_submitted_once_with_a_confirmation_per_coordinator():
    application = ApplicationFactory()
    second = MembershipFactory(organisation=application.organisation).user
    MembershipFactory(organisation=application.organisation, user=UserFactory(is_active=False))

    application_submit(application=application, actor=coordinator_of(application))

    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None
    assert history(application) == [("draft", "submitted")]
    told = Notification.objects.filter(kind="funding.application_submitted")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [coordinator_of(application).pk, second.pk]
    )
    with pytest.raises(ConflictError):
        application_submit(application=application, actor=coordinator_of(application))
    assert history(application) == [("draft", "submitted")]


def test_missing_fields_are_each_named():
    application = ApplicationFactory(
        title=" ",
        description="",
        goals=" \n",
        target_group="",
        starts_on=None,
        ends_on=None,
        requested_amount=Decimal("0"),
        own_contribution=Decimal("0"),
        cost_lines=[],
    )
    errors = refused(application)
    assert set(errors) == {
        "title",
        "description",
        "goals",
        "target_group",
        "starts_on",
        "ends_on",
        "cost_lines",
        "requested_amount",
    }
    assert errors["starts_on"] == ["Bitte geben Sie den geplanten Beginn an."]
    assert errors["cost_lines"] == [
        "Bitte stellen Sie einen Kostenplan mit mindestens einer Position auf."
    ]


def test_no_retroactive_funding_a_project_that_started_before_today_is_refused():
    # A call that is still open in the funding year itself, so only the start is wrong.
    year = ProgrammeYearFactory(call_closes_on=dt.date(NY, 12, 31))
    application = ApplicationFactory(programme_year=year, starts_on=dt.date(NY, 2, 1))

    errors = refused(application, today=dt.date(NY, 2, 2))

    assert list(errors) == ["starts_on"]
    assert "nicht vor heute beginnen" in errors["starts_on"][0]
    assert "nicht gefördert" in errors["starts_on"][0]
    # Starting today is fine.
    application_submit(
        application=application, actor=coordinator_of(application), today=dt.date(NY, 2, 1)
    )


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "fields"),
    [
        (dt.date(NY, 11, 1), dt.date(NY + 1, 1, 31), ["ends_on"]),
        (dt.date(NY + 1, 1, 2), dt.date(NY + 1, 3, 31), ["starts_on", "ends_on"]),
    ],
)
def test_the_period_must_lie_in_the_funding_year(starts_on, ends_on, fields):
    application = ApplicationFactory(starts_on=starts_on, ends_on=ends_on)
    errors = refused(application)
    assert sorted(errors) == sorted(fields)
    for name in fields:
        assert errors[name] == [f"Der Projektzeitraum muss im Förderjahr {NY} liegen."]


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(-60, -1), (1, 30)],
    ids=["closed", "not-yet-open"],
)
def test_outside_the_call_nothing_is_submitted(opens, closes):
    today = timezone.localdate()
    year = ProgrammeYearFactory(
        call_opens_on=today + dt.timedelta(days=opens),
        call_closes_on=today + dt.timedelta(days=closes),
    )
    application = ApplicationFactory(programme_year=year)
    errors = refused(application)
    assert list(errors) == ["__all__"]
    assert errors["__all__"][0].startswith(f"Anträge für {NY} können vom ")


def test_an_unverified_organisation_cannot_submit():
    application = ApplicationFactory(organisation=OrganisationFactory(unverified=True))
    errors = refused(application)
    assert errors == {"__all__": ["Nur geprüfte Organisationen können Anträge einreichen."]}


def test_a_cost_plan_that_does_not_add_up_is_refused_with_both_sums():
    application = ApplicationFactory(
        requested_amount=Decimal("900"),
        own_contribution=Decimal("100"),
        cost_lines=[("fees", "Honorar", "800"), ("material", "Bücher", "400")],
    )
    errors = refused(application)
    assert errors == {
        "requested_amount": [
            "Der Kostenplan geht nicht auf: Gesamtkosten 1.200,00 €, aber beantragter Betrag "
            "und Eigenanteil ergeben 1.000,00 €."
        ]
    }


def test_more_than_the_cap_per_application_is_refused():
    year = ProgrammeYearFactory(cap_per_application=Decimal("800"))
    application = ApplicationFactory(programme_year=year)  # 900 requested (saved before the cap)
    errors = refused(application)
    assert errors == {"requested_amount": ["Je Antrag können höchstens 800,00 € beantragt werden."]}


def test_more_than_is_left_in_the_block_is_refused_naming_the_block():
    year = ProgrammeYearFactory(blocks={"A": Decimal("1500"), "B": Decimal("5000")})
    approved(
        ApplicationFactory(
            programme_year=year, requested_amount=Decimal("700"), own_contribution=Decimal("300")
        )
    )
    application = ApplicationFactory(programme_year=year)  # 900 requested, 800 left in A

    errors = refused(application)

    assert errors == {"requested_amount": ["Im Baustein A sind nur noch 800,00 € frei."]}


def test_more_than_is_left_in_the_year_is_refused_naming_the_year():
    """The year's pot was cut after the blocks were set: the year, not the block, is short."""
    year = ProgrammeYearFactory()
    year.pot = Decimal("850")
    year.save(update_fields=["pot"])
    application = ApplicationFactory(programme_year=year)  # 900 requested, 25,000 left in A

    errors = refused(application)

    assert errors == {"requested_amount": [f"Im Fördertopf {NY} sind nur noch 850,00 € frei."]}


@pytest.fixture
def room_flat_rate():
    """1,000 € per room, at most 2 rooms, for block A of next year."""
    year = ProgrammeYearFactory()
    return Pauschale.objects.create(
        programme_year=year,
        block=block(year, "A"),
        title="Raumpauschale",
        unit="Räume",
        amount=Decimal("1000"),
        max_units=2,
    )


def _data(application: Application, lines: list[CostLineData], requested: str) -> ApplicationData:
    return ApplicationData(
        block=application.block,
        title=application.title,
        town=application.town,
        description=application.description,
        goals=application.goals,
        target_group=application.target_group,
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        own_contribution=Decimal("0"),
        requested_amount=Decimal(requested),
        cost_lines=lines,
    )


@pytest.mark.parametrize(
    ("units", "amount", "message"),
    [
        (3, "3000", "„Raumpauschale“ gibt es für 1 bis 2 Räume."),
        (0, "1000", "„Raumpauschale“ gibt es für 1 bis 2 Räume."),
        (2, "1500", "„Raumpauschale“ für 2 Räume beträgt genau 2.000,00 €."),
    ],
)
def test_a_pauschale_with_wrong_units_or_amount_is_not_saved(
    room_flat_rate, units, amount, message
):
    application = ApplicationFactory(programme_year=room_flat_rate.programme_year)
    before = snapshot(application)
    line = CostLineData("room", "Miete Treffpunkt", Decimal(amount), room_flat_rate, units)

    with pytest.raises(ValidationFailed) as caught:
        application_update(
            application=application,
            data=_data(application, [line], amount),
            actor=coordinator_of(application),
        )

    assert caught.value.errors == {"cost_lines.0": [message]}
    assert snapshot(application) == before


def test_a_pauschale_whose_amount_changed_after_saving_is_refused_at_submission(room_flat_rate):
    application = ApplicationFactory(programme_year=room_flat_rate.programme_year)
    line = CostLineData("room", "Miete Treffpunkt", Decimal("2000"), room_flat_rate, 2)
    application_update(
        application=application,
        data=_data(application, [CostLineData("fees", "Honorar", Decimal("500")), line], "2500"),
        actor=coordinator_of(application),
    )
    Pauschale.objects.filter(pk=room_flat_rate.pk).update(amount=Decimal("900"))

    errors = refused(application)

    assert errors == {"cost_lines.1": ["„Raumpauschale“ für 2 Räume beträgt genau 1.800,00 €."]}


def test_a_right_pauschale_is_submitted(room_flat_rate):
    application = ApplicationFactory(programme_year=room_flat_rate.programme_year)
    line = CostLineData("room", "Miete Treffpunkt", Decimal("2000"), room_flat_rate, 2)
    application_update(
        application=application,
        data=_data(application, [line], "2000"),
        actor=coordinator_of(application),
    )
    application_submit(application=application, actor=coordinator_of(application))
    assert CostLine.objects.get(application=application).units == 2
    assert application.status == Application.Status.SUBMITTED


def test_a_pauschale_of_another_block_is_refused(room_flat_rate):
    application = ApplicationFactory(
        programme_year=room_flat_rate.programme_year,
        block=block(room_flat_rate.programme_year, "B"),
    )
    line = CostLineData("room", "Miete", Decimal("1000"), room_flat_rate, 1)
    with pytest.raises(ValidationFailed) as caught:
        application_update(
            application=application,
            data=_data(application, [line], "1000"),
            actor=coordinator_of(application),
        )
    assert caught.value.errors == {
        "cost_lines.0": ["Diese Pauschale gilt nicht für diesen Baustein."]
    }


def test_only_coordinators_of_the_organisation_submit_and_a_draft_gets_a_running_reference():
    year = ProgrammeYearFactory()
    organisation = OrganisationFactory()
    coordinator = MembershipFactory(organisation=organisation).user
    data = ApplicationData(block=block(year), title="Treffpunkt", town=TownFactory())
    first = application_create(
        organisation=organisation, programme_year=year, data=data, actor=coordinator
    )
    second = application_create(
        organisation=organisation, programme_year=year, data=data, actor=coordinator
    )
    assert (first.reference, second.reference) == (f"KA2-{NY}-0001", f"KA2-{NY}-0002")

    stranger = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        application_submit(application=first, actor=stranger)
    with pytest.raises(PermissionDenied):
        application_create(
            organisation=organisation, programme_year=year, data=data, actor=stranger
        )
    with pytest.raises(PermissionDenied):
        application_withdraw(application=first, actor=stranger)
    assert Application.objects.get(pk=first.pk).status == Application.Status.DRAFT


def test_amounts_with_more_than_cents_are_not_saved():
    application = ApplicationFactory()
    before = snapshot(application)
    data = _data(application, [CostLineData("fees", "Honorar", Decimal("1000.005"))], "1000.005")
    with pytest.raises(ValidationFailed) as caught:
        application_update(application=application, data=data, actor=coordinator_of(application))
    assert set(caught.value.errors) == {"requested_amount", "cost_lines.0"}
    assert "zwei Nachkommastellen" in caught.value.errors["cost_lines.0"][0]
    assert snapshot(application) == before
