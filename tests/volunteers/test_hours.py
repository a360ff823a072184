"""Hours: volunteers log them, coordinators confirm or reject them, and confirmed hours add up
to the Ehrenamtskarte thresholds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.formats import date_format

from backend.errors import InvalidTransition, ValidationFailed
from notifications.models import Notification
from notifications.rendering import render_notification
from tests.factories import VolunteerFactory
from volunteers.models import HoursEntry
from volunteers.services.hours import (
    ehrenamtskarte_status,
    hours_confirm,
    hours_confirmed_per_year,
    hours_log,
    hours_reject,
)

from .factories import AssignmentFactory, HelpRequestFactory, HoursEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(open_request, helper):
    """The helper's confirmed assignment with the coordinator's organisation, on a request
    open and confirmed for two years (hours before the confirmation cannot be logged)."""
    long_ago = timezone.now() - dt.timedelta(days=2 * 366)
    open_request.opened_at = long_ago
    open_request.save(update_fields=["opened_at"])
    return AssignmentFactory(
        help_request=open_request, volunteer=helper, confirmed=True, confirmed_at=long_ago
    )


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


# --- Logging ---------------------------------------------------------------------------------


def test_volunteer_logs_hours_that_wait_for_confirmation(assignment, helper):
    entry = hours_log(
        assignment=assignment, actor=helper, date=days_ago(1), hours="2.5", note="  Amt  "
    )
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.SUBMITTED
    assert entry.hours == Decimal("2.50")
    assert entry.note == "Amt"


def test_hours_in_the_future_are_refused(assignment, helper):
    with pytest.raises(ValidationFailed) as refused:
        hours_log(assignment=assignment, actor=helper, date=days_ago(-1), hours=2)
    assert refused.value.field == "date"
    hours_log(assignment=assignment, actor=helper, date=timezone.localdate(), hours=2)
    assert list(HoursEntry.objects.values_list("date", flat=True)) == [timezone.localdate()]


@pytest.mark.parametrize("hours", [0, "-1", "24.5", "abc"])
def test_hours_outside_0_to_24_are_refused(assignment, helper, hours):
    with pytest.raises(ValidationFailed) as refused:
        hours_log(assignment=assignment, actor=helper, date=days_ago(1), hours=hours)
    assert refused.value.field == "hours"
    assert not HoursEntry.objects.exists()


def test_a_whole_day_of_24_hours_is_accepted(assignment, helper):
    entry = hours_log(assignment=assignment, actor=helper, date=days_ago(1), hours=24)
    assert entry.hours == Decimal("24.00")


def test_less_than_a_quarter_hour_is_refused_as_the_message_says(assignment, helper):
    with pytest.raises(ValidationFailed):
        hours_log(assignment=assignment, actor=helper, date=days_ago(1), hours="0.1")


def test_a_day_has_at_most_24_hours_across_all_assignments(organisation, assignment, helper):
    elsewhere = AssignmentFactory(
        help_request=HelpRequestFactory(
            organisation=organisation, open=True, opened_at=assignment.confirmed_at
        ),
        volunteer=helper,
        confirmed=True,
        confirmed_at=assignment.confirmed_at,
    )
    day = days_ago(2)
    hours_log(assignment=assignment, actor=helper, date=day, hours=13)
    with pytest.raises(ValidationFailed, match="13") as refused:
        hours_log(assignment=elsewhere, actor=helper, date=day, hours=13)
    assert refused.value.field == "hours"
    with pytest.raises(ValidationFailed):
        hours_log(assignment=assignment, actor=helper, date=day, hours=13)

    # The rest of the day, and the next day, are still there.
    hours_log(assignment=elsewhere, actor=helper, date=day, hours=11)
    hours_log(assignment=assignment, actor=helper, date=days_ago(1), hours=13)
    assert HoursEntry.objects.filter(date=day).count() == 2


def test_rejected_hours_do_not_use_up_the_day(assignment, helper, coordinator):
    day = days_ago(1)
    wrong = hours_log(assignment=assignment, actor=helper, date=day, hours=13)
    hours_reject(entry=wrong, actor=coordinator)
    corrected = hours_log(assignment=assignment, actor=helper, date=day, hours=13)
    assert corrected.status == HoursEntry.Status.SUBMITTED


@pytest.mark.parametrize("status", ["invited", "offered", "declined"])
def test_hours_need_a_confirmed_assignment(open_request, helper, status):
    unconfirmed = AssignmentFactory(help_request=open_request, volunteer=helper, **{status: True})
    with pytest.raises(ValidationFailed, match="Zusage"):
        hours_log(assignment=unconfirmed, actor=helper, date=days_ago(1), hours=2)
    assert not HoursEntry.objects.exists()


def test_nobody_logs_hours_on_someone_elses_assignment(assignment, coordinator):
    for someone_else in (VolunteerFactory(), coordinator):
        with pytest.raises(PermissionDenied):
            hours_log(assignment=assignment, actor=someone_else, date=days_ago(1), hours=2)
    assert not HoursEntry.objects.exists()


# --- Review ----------------------------------------------------------------------------------


def test_coordinator_confirms_hours_and_the_volunteer_is_told(assignment, helper, coordinator):
    entry = hours_log(assignment=assignment, actor=helper, date=days_ago(1), hours="3.5")
    hours_confirm(entry=entry, actor=coordinator)
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.CONFIRMED
    assert entry.reviewed_by == coordinator
    assert entry.reviewed_at is not None
    told = Notification.objects.get(kind="volunteers.hours_confirmed")
    assert told.recipient == helper
    # The date and the number are written as the volunteer's language writes them.
    day = days_ago(1)
    assert told.language == "de"
    german = render_notification(told).body
    with translation.override("de"):
        assert f"Ihre 3,5 Stunden vom {date_format(day, 'DATE_FORMAT')} bei" in german
    told.language = "en"
    english = render_notification(told).body
    with translation.override("en"):
        assert f"3.5 hours on {date_format(day, 'DATE_FORMAT')}" in english

    with pytest.raises(InvalidTransition):
        hours_reject(entry=entry, actor=coordinator)
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.CONFIRMED


def test_coordinator_rejects_hours_once_and_for_good(assignment, helper, coordinator):
    entry = hours_log(assignment=assignment, actor=helper, date=days_ago(1), hours=2)
    hours_reject(entry=entry, actor=coordinator)
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.REJECTED
    with pytest.raises(InvalidTransition):
        hours_confirm(entry=entry, actor=coordinator)
    assert not Notification.objects.filter(kind="volunteers.hours_confirmed").exists()
    assert hours_confirmed_per_year(volunteer=helper) == {}


def test_only_a_coordinator_of_the_organisation_reviews_hours(
    assignment, helper, other_coordinator
):
    entry = hours_log(assignment=assignment, actor=helper, date=days_ago(1), hours=2)
    for someone_else in (other_coordinator, helper):
        with pytest.raises(PermissionDenied):
            hours_confirm(entry=entry, actor=someone_else)
        with pytest.raises(PermissionDenied):
            hours_reject(entry=entry, actor=someone_else)
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.SUBMITTED


def test_confirmed_hours_add_up_per_year(assignment, helper, coordinator):
    this_year = timezone.localdate().replace(month=1, day=1)
    last_year = this_year.replace(year=this_year.year - 1)

    def log(date, hours, decision=hours_confirm):
        entry = hours_log(assignment=assignment, actor=helper, date=date, hours=hours)
        if decision:
            decision(entry=entry, actor=coordinator)

    log(last_year, "3")
    log(last_year + dt.timedelta(days=200), "4.5")
    log(last_year + dt.timedelta(days=201), "8", decision=hours_reject)
    log(last_year + dt.timedelta(days=202), "6", decision=None)  # still waiting
    log(this_year, "1.25")
    HoursEntryFactory(confirmed=True, hours=10)  # somebody else's

    assert hours_confirmed_per_year(volunteer=helper) == {
        last_year.year: Decimal("7.50"),
        this_year.year: Decimal("1.25"),
    }


# --- Ehrenamtskarte --------------------------------------------------------------------------

TODAY = dt.date(2025, 12, 31)


@pytest.fixture
def thresholds(settings):
    """The NRW thresholds from 2026: 200 hours a year or 4 a week, over two years."""
    settings.EHRENAMTSKARTE_HOURS_PER_YEAR = 200
    settings.EHRENAMTSKARTE_HOURS_PER_WEEK = 4
    settings.EHRENAMTSKARTE_YEARS = 2
    return settings


def confirmed_hours(assignment, weeks_back: int, total: str) -> None:
    """Confirmed entries adding up to `total` hours, on consecutive days going back from
    `weeks_back` weeks before TODAY, at most 20 hours a day."""
    left, day = Decimal(total), TODAY - dt.timedelta(weeks=weeks_back)
    while left > 0:
        chunk = min(left, Decimal(20))
        HoursEntryFactory(assignment=assignment, date=day, hours=chunk, confirmed=True)
        left -= chunk
        day -= dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("earlier_year", "last_year", "eligible"),
    [
        ("200", "200", True),  # the yearly threshold in both 12-month slices
        ("199.75", "200", False),  # a quarter hour short, and 3.8 h a week on average
        ("400", "16", True),  # 416 h = 4 h a week on average over 104 weeks
        ("400", "15.75", False),  # a quarter hour short of that
    ],
)
def test_ehrenamtskarte_at_the_thresholds(
    assignment, helper, thresholds, earlier_year, last_year, eligible
):
    confirmed_hours(assignment, 60, earlier_year)  # 52-104 weeks ago
    confirmed_hours(assignment, 1, last_year)  # within the last 52 weeks
    status = ehrenamtskarte_status(volunteer=helper, today=TODAY)
    assert status["eligible"] is eligible
    assert [s["hours"] for s in status["slices"]] == [Decimal(last_year), Decimal(earlier_year)]


def test_ehrenamtskarte_counts_only_confirmed_hours_in_the_window(assignment, helper, thresholds):
    confirmed_hours(assignment, 110, "1000")  # before the two years
    confirmed_hours(assignment, 1, "200")
    HoursEntryFactory(assignment=assignment, date=TODAY - dt.timedelta(weeks=70), hours=24)
    HoursEntryFactory(
        assignment=assignment, date=TODAY - dt.timedelta(weeks=71), hours=24, rejected=True
    )
    status = ehrenamtskarte_status(volunteer=helper, today=TODAY)
    assert status["eligible"] is False
    assert status["slices"][1]["hours"] == 0


def test_ehrenamtskarte_thresholds_come_from_the_settings(assignment, helper, settings):
    settings.EHRENAMTSKARTE_HOURS_PER_YEAR = 10
    settings.EHRENAMTSKARTE_HOURS_PER_WEEK = 1
    settings.EHRENAMTSKARTE_YEARS = 1
    confirmed_hours(assignment, 1, "10")
    status = ehrenamtskarte_status(volunteer=helper, today=TODAY)
    assert status["eligible"] is True
    assert status["years"] == 1
    assert (status["threshold_per_year"], status["threshold_per_week"]) == (10, 1)

    settings.EHRENAMTSKARTE_HOURS_PER_YEAR = 11
    assert ehrenamtskarte_status(volunteer=helper, today=TODAY)["eligible"] is False


def test_ehrenamtskarte_for_four_hours_every_week_of_the_last_two_years(
    assignment, helper, thresholds
):
    today = dt.date(2025, 3, 1)
    for week in range(1, 105):
        day = today - dt.timedelta(weeks=week)
        HoursEntryFactory(assignment=assignment, date=day, hours=4, confirmed=True)
    assert ehrenamtskarte_status(volunteer=helper, today=today)["eligible"] is True
