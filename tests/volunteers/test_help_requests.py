"""Help requests: what a coordinator may enter, the status pipeline, the nightly expiry."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from backend.errors import InvalidTransition, ValidationFailed
from backend.models import StatusChange
from volunteers.models import HelpRequest
from volunteers.services.assignments import assignment_accept, assignment_invite
from volunteers.services.help_requests import (
    help_request_close,
    help_request_create,
    help_request_open,
    help_request_update,
    help_requests_expire,
)

from .conftest import contactable_volunteer
from .factories import ActivityAreaFactory, HelpRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(organisation):
    """What the coordinator fills in."""
    return {
        "title": "Begleitung zur Ausländerbehörde",
        "description": "Termin am Dienstagvormittag, Dolmetschen Arabisch–Deutsch.",
        "activity_area": ActivityAreaFactory(),
        "town": organisation.town,
        "helpers_needed": 2,
        "open_until": timezone.localdate() + dt.timedelta(days=21),
    }


def statuses(request: HelpRequest) -> list[tuple[str, str]]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(HelpRequest), object_id=request.pk
        ).values_list("from_status", "to_status")
    )


def test_coordinator_creates_a_draft_that_nobody_can_answer_yet(organisation, coordinator, form):
    request = help_request_create(
        organisation=organisation, actor=coordinator, data=form, languages=[("ar", 2)]
    )
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.DRAFT
    assert request.created_by == coordinator
    assert (request.helpers_needed, request.confirmed_count) == (2, 0)
    assert list(request.languages.values_list("code", "min_level")) == [("ar", 2)]


def test_someone_outside_the_organisation_cannot_create(organisation, other_coordinator, form):
    with pytest.raises(PermissionDenied):
        help_request_create(organisation=organisation, actor=other_coordinator, data=form)
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("helpers", [0, 51])
def test_helpers_outside_1_to_50_are_refused_naming_the_field(
    organisation, coordinator, form, helpers
):
    with pytest.raises(ValidationFailed) as refused:
        help_request_create(
            organisation=organisation, actor=coordinator, data=form | {"helpers_needed": helpers}
        )
    assert refused.value.field == "helpers_needed"
    assert "50" in refused.value.message
    assert not HelpRequest.objects.exists()


def test_fifty_helpers_is_the_largest_request(organisation, coordinator, form):
    request = help_request_create(
        organisation=organisation, actor=coordinator, data=form | {"helpers_needed": 50}
    )
    assert request.helpers_needed == 50


def test_open_until_in_the_past_is_refused(organisation, coordinator, form):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        help_request_create(
            organisation=organisation, actor=coordinator, data=form | {"open_until": yesterday}
        )
    assert refused.value.field == "open_until"
    assert not HelpRequest.objects.exists()

    # Today is still fine: the request is open through the whole day.
    today = help_request_create(
        organisation=organisation,
        actor=coordinator,
        data=form | {"open_until": timezone.localdate()},
    )
    assert today.status == HelpRequest.Status.DRAFT


def test_draft_whose_date_passed_cannot_be_published(organisation, coordinator):
    draft = HelpRequestFactory(
        organisation=organisation, open_until=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationFailed) as refused:
        help_request_open(help_request=draft, actor=coordinator)
    assert refused.value.field == "open_until"
    draft.refresh_from_db()
    assert draft.status == HelpRequest.Status.DRAFT


def test_draft_is_published_then_filled_then_closed(organisation, coordinator, form):
    request = help_request_create(
        organisation=organisation, actor=coordinator, data=form | {"helpers_needed": 1}
    )
    help_request_open(help_request=request, actor=coordinator)
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OPEN
    assert request.opened_at is not None

    helper = contactable_volunteer()
    invitation = assignment_invite(help_request=request, volunteer=helper, actor=coordinator)
    assignment_accept(assignment=invitation, actor=helper)
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.FILLED

    help_request_close(help_request=request, actor=coordinator, note="erledigt")
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.CLOSED
    assert statuses(request) == [("draft", "open"), ("open", "filled"), ("filled", "closed")]


def test_draft_can_be_discarded_by_closing_it(organisation, coordinator):
    draft = HelpRequestFactory(organisation=organisation)
    help_request_close(help_request=draft, actor=coordinator)
    draft.refresh_from_db()
    assert draft.status == HelpRequest.Status.CLOSED


def test_only_its_own_organisation_opens_and_closes_a_request(organisation, other_coordinator):
    draft = HelpRequestFactory(organisation=organisation)
    with pytest.raises(PermissionDenied):
        help_request_open(help_request=draft, actor=other_coordinator)
    with pytest.raises(PermissionDenied):
        help_request_close(help_request=draft, actor=other_coordinator)
    draft.refresh_from_db()
    assert draft.status == HelpRequest.Status.DRAFT


@pytest.mark.parametrize("final", ["closed", "expired"])
def test_closed_or_expired_request_cannot_be_reopened(organisation, coordinator, final):
    request = HelpRequestFactory(organisation=organisation, **{final: True})
    with pytest.raises(InvalidTransition):
        help_request_open(help_request=request, actor=coordinator)
    with pytest.raises(ValidationFailed):
        help_request_update(help_request=request, actor=coordinator, data={"title": "Neu"})
    request.refresh_from_db()
    assert request.status == final
    assert statuses(request) == []


def test_open_request_cannot_be_published_twice(open_request, coordinator):
    with pytest.raises(InvalidTransition):
        help_request_open(help_request=open_request, actor=coordinator)
    assert statuses(open_request) == []


def test_stale_copy_cannot_reopen_a_request_closed_meanwhile(organisation, coordinator):
    """Two browser tabs: one closes the draft, the other (still showing "draft") publishes."""
    draft = HelpRequestFactory(organisation=organisation)
    other_tab = HelpRequest.objects.get(pk=draft.pk)
    help_request_close(help_request=draft, actor=coordinator)
    with pytest.raises(InvalidTransition):
        help_request_open(help_request=other_tab, actor=coordinator)
    draft.refresh_from_db()
    assert draft.status == HelpRequest.Status.CLOSED


def test_expiry_ends_overdue_open_and_filled_requests_exactly_once(organisation):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    overdue_open = HelpRequestFactory(organisation=organisation, open=True, open_until=yesterday)
    overdue_filled = HelpRequestFactory(
        organisation=organisation, filled=True, open_until=yesterday
    )
    open_today = HelpRequestFactory(organisation=organisation, open=True, open_until=today)
    overdue_draft = HelpRequestFactory(organisation=organisation, open_until=yesterday)
    overdue_closed = HelpRequestFactory(
        organisation=organisation, closed=True, open_until=yesterday
    )

    assert help_requests_expire() == 2
    assert help_requests_expire() == 0

    def status(request):
        request.refresh_from_db()
        return request.status

    assert status(overdue_open) == HelpRequest.Status.EXPIRED
    assert status(overdue_filled) == HelpRequest.Status.EXPIRED
    assert status(open_today) == HelpRequest.Status.OPEN
    assert status(overdue_draft) == HelpRequest.Status.DRAFT
    assert status(overdue_closed) == HelpRequest.Status.CLOSED
    assert statuses(overdue_open) == [("open", "expired")]
    assert statuses(overdue_filled) == [("filled", "expired")]

    # The next day the request that was open "until today" is overdue too.
    assert help_requests_expire(today=today + dt.timedelta(days=1)) == 1
    assert status(open_today) == HelpRequest.Status.EXPIRED


def _with_confirmed(organisation, coordinator, helpers_needed: int, confirmed: int) -> HelpRequest:
    request = HelpRequestFactory(
        organisation=organisation, open=True, helpers_needed=helpers_needed
    )
    for _ in range(confirmed):
        helper = contactable_volunteer()
        invitation = assignment_invite(help_request=request, volunteer=helper, actor=coordinator)
        assignment_accept(assignment=invitation, actor=helper)
    request.refresh_from_db()
    return request


def test_helpers_needed_cannot_drop_below_those_already_confirmed(organisation, coordinator):
    request = _with_confirmed(organisation, coordinator, helpers_needed=4, confirmed=3)

    with pytest.raises(ValidationFailed) as refused:
        help_request_update(help_request=request, actor=coordinator, data={"helpers_needed": 2})
    assert refused.value.field == "helpers_needed"
    assert "3" in refused.value.message
    request.refresh_from_db()
    assert (request.helpers_needed, request.confirmed_count) == (4, 3)
    assert request.status == HelpRequest.Status.OPEN


def test_changing_helpers_needed_fills_and_reopens_the_request(organisation, coordinator):
    request = _with_confirmed(organisation, coordinator, helpers_needed=4, confirmed=3)

    help_request_update(help_request=request, actor=coordinator, data={"helpers_needed": 3})
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.FILLED

    help_request_update(help_request=request, actor=coordinator, data={"helpers_needed": 5})
    request.refresh_from_db()
    assert (request.status, request.seats_left) == (HelpRequest.Status.OPEN, 2)
    assert statuses(request) == [("open", "filled"), ("filled", "open")]
