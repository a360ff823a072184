"""An assignment ends when its request closes or expires, not only when it is withdrawn: the
Führungszeugnis is deleted three months after that, and invitations nobody answered expire."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.volunteers.factories import FuehrungszeugnisRecordFactory
from volunteers.models import Assignment, FuehrungszeugnisRecord, HelpRequest
from volunteers.selectors import volunteer_dashboard
from volunteers.services.assignments import (
    INVITATION_EXPIRY_DAYS,
    assignment_accept,
    assignment_invite,
    invitations_expire,
)
from volunteers.services.gdpr import fuehrungszeugnis_purge_expired, months_before
from volunteers.services.help_requests import help_request_close
from volunteers.tasks import expire_help_requests_task

from .conftest import contactable_volunteer
from .factories import HelpRequestFactory

pytestmark = pytest.mark.django_db


def _helped_on_request_closed_on(day: dt.date, *, organisation, coordinator):
    """A volunteer confirmed on a request that the coordinator closed on `day` (the closing
    time moved back to that day, as if the service had run then)."""
    request = HelpRequestFactory(organisation=organisation, created_by=coordinator, open=True)
    volunteer = contactable_volunteer()
    invitation = assignment_invite(help_request=request, volunteer=volunteer, actor=coordinator)
    assignment_accept(assignment=invitation, actor=volunteer)
    request.refresh_from_db()
    help_request_close(help_request=request, actor=coordinator)
    assert HelpRequest.objects.get(pk=request.pk).ended_at is not None
    closed_at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    HelpRequest.objects.filter(pk=request.pk).update(ended_at=closed_at)
    return FuehrungszeugnisRecordFactory(
        volunteer=volunteer,
        seen_on=day - dt.timedelta(days=200),
        certificate_date=day - dt.timedelta(days=210),
    )


def test_fuehrungszeugnis_is_deleted_three_months_after_the_request_closed(
    organisation, coordinator
):
    today = timezone.localdate()
    three_months_and_a_day = months_before(today, 3) - dt.timedelta(days=1)
    two_months = months_before(today, 2)
    gone = _helped_on_request_closed_on(
        three_months_and_a_day, organisation=organisation, coordinator=coordinator
    )
    kept = _helped_on_request_closed_on(
        two_months, organisation=organisation, coordinator=coordinator
    )
    # The assignments themselves were never withdrawn: they are still "confirmed".
    assert Assignment.objects.filter(status=Assignment.Status.CONFIRMED).count() == 2

    assert fuehrungszeugnis_purge_expired(today=today) == 1

    remaining = set(FuehrungszeugnisRecord.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk}
    assert gone.pk not in remaining


def test_fuehrungszeugnis_of_an_expired_request_counts_from_its_expiry(organisation, coordinator):
    today = timezone.localdate()
    request = HelpRequestFactory(
        organisation=organisation,
        created_by=coordinator,
        open=True,
        open_until=today - dt.timedelta(days=1),
    )
    volunteer = contactable_volunteer()
    invitation = assignment_invite(help_request=request, volunteer=volunteer, actor=coordinator)
    assignment_accept(assignment=invitation, actor=volunteer)
    FuehrungszeugnisRecordFactory(
        volunteer=volunteer,
        seen_on=today - dt.timedelta(days=400),
        certificate_date=today - dt.timedelta(days=410),
    )
    expire_help_requests_task.apply().get()
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.EXPIRED

    # Kept while the three months run, deleted once they are over.
    assert fuehrungszeugnis_purge_expired(today=today) == 0
    later = (request.ended_at + dt.timedelta(days=93)).date()
    assert fuehrungszeugnis_purge_expired(today=later) == 1


def test_unanswered_invitation_expires_after_the_fixed_time(
    organisation, coordinator, open_request
):
    volunteer = contactable_volunteer()
    invitation = assignment_invite(
        help_request=open_request, volunteer=volunteer, actor=coordinator
    )
    assert len(volunteer_dashboard(user=volunteer)["invitations"]) == 1

    assert invitations_expire(now=timezone.now()) == 0
    later = timezone.now() + dt.timedelta(days=INVITATION_EXPIRY_DAYS, hours=1)
    assert invitations_expire(now=later) == 1
    assert invitations_expire(now=later) == 0  # ran twice, acted once

    invitation.refresh_from_db()
    assert invitation.status == Assignment.Status.EXPIRED
    dashboard = volunteer_dashboard(user=volunteer)
    assert dashboard["invitations"] == []
    assert [a.pk for a in dashboard["past"]] == [invitation.pk]


def test_invitations_of_a_closed_request_expire_in_the_daily_sweep(
    client, organisation, coordinator
):
    open_request = HelpRequestFactory(
        organisation=organisation, created_by=coordinator, open=True, helpers_needed=2
    )
    answered, unanswered = contactable_volunteer(), contactable_volunteer()
    accepted = assignment_invite(help_request=open_request, volunteer=answered, actor=coordinator)
    assignment_accept(assignment=accepted, actor=answered)
    pending = assignment_invite(help_request=open_request, volunteer=unanswered, actor=coordinator)

    def open_invitations() -> int:
        return Assignment.objects.filter(
            help_request__organisation=organisation, status=Assignment.Status.INVITED
        ).count()

    assert open_invitations() == 1
    client.force_login(coordinator)
    page = client.get(reverse("volunteers:help_request_manage", args=[open_request.pk]))
    assert "Einladung zurückziehen" in page.content.decode()
    client.logout()
    open_request.refresh_from_db()
    help_request_close(help_request=open_request, actor=coordinator)

    assert expire_help_requests_task.apply().get() == 1

    pending.refresh_from_db()
    accepted.refresh_from_db()
    assert pending.status == Assignment.Status.EXPIRED
    assert accepted.status == Assignment.Status.CONFIRMED
    assert open_invitations() == 0
    assert volunteer_dashboard(user=unanswered)["invitations"] == []
    # The coordinator's page of the request no longer offers to withdraw it.
    client.force_login(coordinator)
    page = client.get(reverse("volunteers:help_request_manage", args=[open_request.pk]))
    assert page.status_code == 200
    assert "Einladung zurückziehen" not in page.content.decode()
