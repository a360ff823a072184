"""Reminders before something runs out, found by daily sweeps: a volunteer whose Führungszeugnis
runs out within 8 weeks is told once; the coordinators of an open request that still needs
helpers are told 3 days before its "open until" date. A sweep that runs twice acts once."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from backend.celery import app
from notifications.models import Notification
from notifications.rendering import render_notification
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, VolunteerFactory
from volunteers.models import FuehrungszeugnisRecord, HelpRequest
from volunteers.services.expiry_reminders import (
    fuehrungszeugnis_last_issue_expired_by,
    fuehrungszeugnis_reminders_send,
    request_expiry_reminders_send,
)
from volunteers.services.help_requests import help_request_close, help_request_update
from volunteers.services.staff import fuehrungszeugnis_record
from volunteers.tasks import (
    send_fuehrungszeugnis_reminders_task,
    send_request_expiry_reminders_task,
)

from .factories import FuehrungszeugnisRecordFactory, HelpRequestFactory

pytestmark = pytest.mark.django_db

FZ_KIND = "volunteers.fuehrungszeugnis_expiring"
REQUEST_KIND = "volunteers.request_expiring"
TODAY = dt.date(2026, 6, 15)  # no 29 February within reach: valid_until is issue date + 5 years


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


# --- Führungszeugnis ------------------------------------------------------------------------


def record_valid_until(valid_until: dt.date, **fields) -> FuehrungszeugnisRecord:
    issued = valid_until.replace(year=valid_until.year - FuehrungszeugnisRecord.VALID_YEARS)
    record = FuehrungszeugnisRecordFactory(
        certificate_date=issued, seen_on=issued + dt.timedelta(days=7), **fields
    )
    assert record.valid_until == valid_until
    return record


def fz_reminded() -> list[int]:
    """Volunteers with a Führungszeugnis reminder in the outbox."""
    return sorted(Notification.objects.filter(kind=FZ_KIND).values_list("recipient_id", flat=True))


def in_days(days: int, today: dt.date = TODAY) -> dt.date:
    return today + dt.timedelta(days=days)


def test_a_record_running_out_within_eight_weeks_is_reminded_and_no_other():
    last_day_in = record_valid_until(in_days(56))
    tomorrow = record_valid_until(in_days(1))
    record_valid_until(in_days(57))  # reminded tomorrow, not today
    record_valid_until(TODAY)  # valid until today means: no longer valid today
    record_valid_until(in_days(-30))  # already expired
    record_valid_until(in_days(30), volunteer=VolunteerFactory(is_active=False))
    record_valid_until(in_days(365 * 3))

    assert fuehrungszeugnis_reminders_send(today=TODAY) == 2

    assert fz_reminded() == sorted([last_day_in.volunteer_id, tomorrow.volunteer_id])


def test_the_sweep_reminds_once_per_record_whatever_the_days_it_runs():
    record = record_valid_until(in_days(57))

    queued = [fuehrungszeugnis_reminders_send(today=in_days(day)) for day in range(0, 60)]

    assert queued == [0] + [1] + [0] * 58  # first day in the window, then never again
    [reminder] = Notification.objects.filter(kind=FZ_KIND)
    assert reminder.recipient_id == record.volunteer_id
    assert reminder.dedupe_key == f"{FZ_KIND}:{record.pk}:{in_days(57).isoformat()}"
    assert reminder.context["valid_until"] == {"$date": in_days(57).isoformat()}


def test_a_newer_certificate_replaces_the_record_and_gets_its_own_reminder(staff_with_mfa):
    renewed = record_valid_until(in_days(20)).volunteer
    other = record_valid_until(in_days(20)).volunteer
    fuehrungszeugnis_record(
        volunteer=renewed,
        certificate_date=in_days(-10),
        seen_on=in_days(-3),
        actor=staff_with_mfa,
        today=TODAY,
    )

    assert fuehrungszeugnis_reminders_send(today=TODAY) == 1
    assert fz_reminded() == [other.pk]

    # The new certificate runs out in five years; 8 weeks before, it has a reminder of its own.
    new_valid_until = FuehrungszeugnisRecord.objects.get(volunteer=renewed).valid_until
    assert new_valid_until == in_days(-10).replace(year=TODAY.year + 5)
    assert fuehrungszeugnis_reminders_send(today=new_valid_until - dt.timedelta(days=57)) == 0
    assert fuehrungszeugnis_reminders_send(today=new_valid_until - dt.timedelta(days=56)) == 1
    assert fz_reminded() == sorted([other.pk, renewed.pk])


def test_renewing_after_the_reminder_sends_nothing_more(staff_with_mfa):
    record = record_valid_until(in_days(50))
    assert fuehrungszeugnis_reminders_send(today=TODAY) == 1
    fuehrungszeugnis_record(
        volunteer=record.volunteer,
        certificate_date=in_days(-2),
        seen_on=in_days(-1),
        actor=staff_with_mfa,
        today=TODAY,
    )

    assert [fuehrungszeugnis_reminders_send(today=in_days(day)) for day in range(1, 60)] == [0] * 59
    assert Notification.objects.filter(kind=FZ_KIND).count() == 1


@pytest.mark.parametrize(
    "day",
    [dt.date(2029, 2, d) for d in range(25, 29)]
    + [dt.date(2029, 3, d) for d in range(1, 4)]
    + [dt.date(2028, 2, d) for d in range(26, 30)]
    + [dt.date(2028, 3, 1), dt.date(2026, 6, 15), dt.date(2026, 12, 31)],
)
def test_the_issue_date_cut_off_agrees_with_valid_until_around_29_february(day):
    """Issued on or before the cut-off: run out by `day`; issued after: still valid on `day`
    (the model's own rule, with 29 February 2024 valid until 28 February 2029)."""
    cutoff = fuehrungszeugnis_last_issue_expired_by(day)
    for offset in range(-5, 6):
        issued = cutoff + dt.timedelta(days=offset)
        record = FuehrungszeugnisRecord(certificate_date=issued)
        assert (record.valid_until <= day) == (issued <= cutoff), (day, issued)


def test_a_29_february_certificate_is_reminded_eight_weeks_before_28_february():
    record = FuehrungszeugnisRecordFactory(
        certificate_date=dt.date(2024, 2, 29), seen_on=dt.date(2024, 3, 1)
    )
    assert record.valid_until == dt.date(2029, 2, 28)
    eight_weeks_before = dt.date(2029, 2, 28) - dt.timedelta(days=56)

    assert fuehrungszeugnis_reminders_send(today=eight_weeks_before - dt.timedelta(days=1)) == 0
    assert fuehrungszeugnis_reminders_send(today=eight_weeks_before) == 1
    assert fuehrungszeugnis_reminders_send(today=dt.date(2029, 2, 28)) == 0


def test_the_email_says_when_it_runs_out_and_links_to_the_profile():
    volunteer = VolunteerFactory(full_name="<b>Mira</b> & Söhne")
    record_valid_until(dt.date(2026, 8, 10), volunteer=volunteer)
    fuehrungszeugnis_reminders_send(today=TODAY)
    notification = Notification.objects.get(kind=FZ_KIND)

    message = render_notification(notification)

    assert message.to == [volunteer.email]
    assert "10. August 2026" in message.subject
    assert "Führungszeugnis" in message.subject
    link = settings.SITE_URL + reverse("volunteers:profile") + "#fuehrungszeugnis"
    assert "läuft am 10. August 2026 ab" in message.body
    assert link in message.body
    assert "Guten Tag <b>Mira</b> & Söhne," in message.body  # plain text: as typed
    html = html_of(message)
    assert "läuft am 10. August 2026 ab" in html
    assert html.count(f'href="{link}"') == 2  # the button and the address below it
    assert "&lt;b&gt;Mira&lt;/b&gt; &amp; Söhne" in html
    assert "<b>Mira</b>" not in html


def test_the_email_renders_in_english_for_an_english_speaking_volunteer():
    volunteer = VolunteerFactory(language="en")
    record_valid_until(in_days(10), volunteer=volunteer)
    fuehrungszeugnis_reminders_send(today=TODAY)
    notification = Notification.objects.get(kind=FZ_KIND)

    assert notification.language == "en"
    message = render_notification(notification)
    with translation.override("en"):
        assert date_format(in_days(10), "DATE_FORMAT") in message.subject


# --- Help requests --------------------------------------------------------------------------


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Helferkreis <i>Oelde</i> & Co")


@pytest.fixture
def coordinators(organisation) -> list:
    """Two active coordinators and one who left (inactive, gets nothing)."""
    first = MembershipFactory(organisation=organisation, user__full_name="Klara Koordination")
    second = MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=organisation, user=UserFactory(is_active=False))
    return [first.user, second.user]


def open_request(organisation, open_until: dt.date, **fields) -> HelpRequest:
    fields.setdefault("open", True)
    return HelpRequestFactory(organisation=organisation, open_until=open_until, **fields)


def request_reminders(help_request: HelpRequest | None = None) -> list[tuple[int, int]]:
    rows = Notification.objects.filter(kind=REQUEST_KIND)
    if help_request is not None:
        rows = rows.filter(dedupe_key__startswith=f"{REQUEST_KIND}:{help_request.pk}:")
    return sorted(
        (int(key.split(":")[1]), recipient)
        for key, recipient in rows.values_list("dedupe_key", "recipient_id")
    )


def test_open_requests_closing_within_three_days_remind_every_active_coordinator(
    today, organisation, coordinators
):
    in_three = open_request(organisation, in_days(3, today))
    last_day = open_request(organisation, today)
    half_staffed = open_request(organisation, in_days(1, today), helpers_needed=2)
    HelpRequest.objects.filter(pk=half_staffed.pk).update(confirmed_count=1)
    open_request(organisation, in_days(4, today))
    open_request(organisation, in_days(-1, today))  # past: the expiry sweep's business
    open_request(organisation, in_days(2, today), open=False, filled=True)
    open_request(organisation, in_days(2, today), open=False, closed=True)
    open_request(organisation, in_days(2, today), open=False, draft=True)
    open_request(organisation, in_days(2, today), open=False, expired=True)
    bystander = MembershipFactory().user  # coordinator of another organisation

    assert request_expiry_reminders_send(today=today) == 6

    assert request_reminders() == sorted(
        (help_request.pk, coordinator.pk)
        for help_request in (in_three, last_day, half_staffed)
        for coordinator in coordinators
    )
    assert not Notification.objects.filter(recipient=bystander).exists()


def test_the_request_sweep_reminds_once_per_date_and_again_after_an_extension(
    today, organisation, coordinators
):
    help_request = open_request(organisation, in_days(5, today))
    queued = [request_expiry_reminders_send(today=in_days(day, today)) for day in range(0, 6)]
    assert queued == [0, 0, 2, 0, 0, 0]

    help_request_update(
        help_request=help_request,
        actor=coordinators[0],
        data={"open_until": in_days(20, today)},
    )
    assert request_expiry_reminders_send(today=in_days(5, today)) == 0
    assert request_expiry_reminders_send(today=in_days(17, today)) == 2
    dates = sorted(
        key.split(":")[2]
        for key in Notification.objects.filter(kind=REQUEST_KIND).values_list(
            "dedupe_key", flat=True
        )
    )
    assert dates == sorted(
        [in_days(5, today).isoformat()] * 2 + [in_days(20, today).isoformat()] * 2
    )


def test_a_request_closed_in_time_is_not_reminded(today, organisation, coordinators):
    help_request = open_request(organisation, in_days(3, today))
    help_request_close(help_request=help_request, actor=coordinators[0])

    assert request_expiry_reminders_send(today=today) == 0
    assert request_reminders() == []


def test_the_request_email_names_the_date_and_links_to_the_edit_page(
    today, organisation, coordinators
):
    help_request = open_request(
        organisation, in_days(2, today), title="Fahrten <script>x</script> & mehr"
    )
    request_expiry_reminders_send(today=today)
    notification = Notification.objects.get(kind=REQUEST_KIND, recipient=coordinators[0])

    message = render_notification(notification)

    date = date_format(in_days(2, today), "DATE_FORMAT")
    link = settings.SITE_URL + reverse("volunteers:help_request_edit", args=[help_request.pk])
    assert message.to == [coordinators[0].email]
    assert "Fahrten <script>x</script> & mehr" in message.subject
    assert date in message.subject
    assert f"nur noch bis zum {date} offen" in message.body
    assert "0 von 1" in message.body
    assert link in message.body
    html = html_of(message)
    assert f"nur noch bis zum {date} offen" in html
    assert html.count(f'href="{link}"') == 2  # the button and the address below it
    assert "Fahrten &lt;script&gt;x&lt;/script&gt; &amp; mehr" in html
    assert "Helferkreis &lt;i&gt;Oelde&lt;/i&gt; &amp; Co" in html
    assert "<script>" not in html and "<i>Oelde" not in html
    assert "Guten Tag Klara Koordination," in html


# --- Tasks and schedule ---------------------------------------------------------------------


def test_the_daily_tasks_ran_twice_act_once(today, organisation, coordinators):
    issued = fuehrungszeugnis_last_issue_expired_by(in_days(30, today))
    record = FuehrungszeugnisRecordFactory(certificate_date=issued)
    help_request = open_request(organisation, in_days(3, today))

    assert send_fuehrungszeugnis_reminders_task.apply().get() == 1
    assert send_fuehrungszeugnis_reminders_task.apply().get() == 0
    assert send_request_expiry_reminders_task.apply().get() == 2
    assert send_request_expiry_reminders_task.apply().get() == 0

    assert fz_reminded() == [record.volunteer_id]
    assert request_reminders(help_request) == sorted((help_request.pk, c.pk) for c in coordinators)


@pytest.mark.parametrize(
    ("name", "hour", "minute"),
    [
        ("volunteers.send_fuehrungszeugnis_reminders", 7, 30),
        ("volunteers.send_request_expiry_reminders", 7, 45),
    ],
)
def test_the_sweeps_are_registered_and_scheduled_daily(name, hour, minute):
    assert app.tasks[name].name == name
    [schedule] = [
        entry["schedule"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == name
    ]
    assert isinstance(schedule, crontab)
    assert (schedule.hour, schedule.minute) == ({hour}, {minute})
    assert schedule.day_of_week == set(range(7))
