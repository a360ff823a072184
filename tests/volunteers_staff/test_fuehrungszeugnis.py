"""KI staff record that they saw a volunteer's Führungszeugnis: two dates only, checked
against each other and against today, valid for five years, replaced by a new recording,
each recording in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from backend.errors import ValidationFailed
from backend.models import StatusChange
from tests.volunteers.factories import FuehrungszeugnisRecordFactory
from volunteers.forms_staff import FuehrungszeugnisForm
from volunteers.models import FuehrungszeugnisRecord
from volunteers.selectors_staff import fuehrungszeugnis_state
from volunteers.services.staff import fuehrungszeugnis_record

from .conftest import make_volunteer

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def years_ago(n: int, *, plus_days: int = 0) -> dt.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - n)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - n, day=28)
    return day + dt.timedelta(days=plus_days)


def record_url(volunteer) -> str:
    return reverse("volunteers:staff_fuehrungszeugnis_record", args=[volunteer.pk])


def detail_url(volunteer) -> str:
    return reverse("volunteers:staff_volunteer_detail", args=[volunteer.pk])


def fz_audit():
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(FuehrungszeugnisRecord)
    ).order_by("pk")


@pytest.fixture
def helper(db):
    return make_volunteer("Mira Helferin")


def post(client, volunteer, certificate_date: dt.date, seen_on: dt.date, **extra):
    return client.post(
        record_url(volunteer),
        {"certificate_date": certificate_date.isoformat(), "seen_on": seen_on.isoformat(), **extra},
    )


# --- Valid recordings -----------------------------------------------------------------------


def test_a_valid_record_is_saved_shown_and_audited(staff_client, staff, helper):
    response = post(staff_client, helper, days_ago(30), days_ago(2))

    assert response.status_code == 302
    assert response.url == detail_url(helper)
    record = FuehrungszeugnisRecord.objects.get(volunteer=helper)
    assert (record.certificate_date, record.seen_on, record.recorded_by) == (
        days_ago(30),
        days_ago(2),
        staff,
    )
    [row] = fz_audit()
    assert (row.object_id, row.from_status, row.to_status, row.actor) == (
        record.pk,
        "none",
        "valid",
        staff,
    )
    assert days_ago(30).isoformat() in row.note

    page = staff_client.get(detail_url(helper))
    html = page.content.decode()
    assert "Die Einsicht in das Führungszeugnis ist gespeichert." in html
    last_valid = record.valid_until - dt.timedelta(days=1)
    assert f"gültig bis {last_valid:%d.%m.%Y}" in html
    assert page.context["fz"].state == "valid"


def test_seen_today_on_the_day_it_was_issued_is_fine(staff, helper):
    today = timezone.localdate()
    record = fuehrungszeugnis_record(
        volunteer=helper, certificate_date=today, seen_on=today, actor=staff
    )
    assert record.is_valid()


def test_recording_again_replaces_the_record_and_is_audited_again(staff, other_staff, helper):
    first = fuehrungszeugnis_record(
        volunteer=helper, certificate_date=days_ago(400), seen_on=days_ago(390), actor=staff
    )
    second = fuehrungszeugnis_record(
        volunteer=helper, certificate_date=days_ago(10), seen_on=days_ago(1), actor=other_staff
    )

    assert FuehrungszeugnisRecord.objects.count() == 1
    assert second.pk == first.pk
    record = FuehrungszeugnisRecord.objects.get()
    assert (record.certificate_date, record.seen_on, record.recorded_by) == (
        days_ago(10),
        days_ago(1),
        other_staff,
    )
    assert [(r.from_status, r.to_status, r.actor) for r in fz_audit()] == [
        ("none", "valid", staff),
        ("valid", "valid", other_staff),
    ]


def test_replacing_an_expired_record_says_so_in_the_audit(staff, helper):
    FuehrungszeugnisRecordFactory(
        volunteer=helper, certificate_date=years_ago(6), seen_on=years_ago(6)
    )
    fuehrungszeugnis_record(
        volunteer=helper, certificate_date=days_ago(5), seen_on=days_ago(1), actor=staff
    )
    [row] = fz_audit()
    assert (row.from_status, row.to_status) == ("expired", "valid")


# --- Refused recordings ---------------------------------------------------------------------

BAD_DATES = {
    "seen in the future": (
        lambda: (days_ago(10), days_ago(-1)),
        "seen_on",
        "Das Datum der Einsicht darf nicht in der Zukunft liegen.",
    ),
    "seen before it was issued": (
        lambda: (days_ago(10), days_ago(11)),
        "seen_on",
        "Der Tag der Einsicht kann nicht vor dem Ausstellungsdatum liegen.",
    ),
    "issued in the future": (
        lambda: (days_ago(-3), days_ago(-3)),
        "certificate_date",
        "Das Ausstellungsdatum darf nicht in der Zukunft liegen.",
    ),
    "issued exactly five years ago (expired today)": (
        lambda: (years_ago(5), days_ago(0)),
        "certificate_date",
        "älter als 5 Jahre und damit bereits abgelaufen",
    ),
    "issued more than five years ago": (
        lambda: (years_ago(7), years_ago(7, plus_days=3)),
        "certificate_date",
        "älter als 5 Jahre und damit bereits abgelaufen",
    ),
}


@pytest.mark.parametrize("case", BAD_DATES, ids=list(BAD_DATES))
def test_bad_dates_are_refused_with_a_clear_message_and_nothing_is_saved(
    case, staff_client, staff, helper
):
    dates, field, message = BAD_DATES[case]
    certificate_date, seen_on = dates()

    with pytest.raises(ValidationFailed) as refused:
        fuehrungszeugnis_record(
            volunteer=helper, certificate_date=certificate_date, seen_on=seen_on, actor=staff
        )
    assert refused.value.field == field
    assert message in refused.value.message

    response = post(staff_client, helper, certificate_date, seen_on)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben." in html
    assert 'aria-invalid="true"' in html
    assert not FuehrungszeugnisRecord.objects.exists()
    assert not fz_audit().exists()


def test_a_refused_recording_leaves_the_existing_record_alone(staff_client, helper):
    existing = FuehrungszeugnisRecordFactory(volunteer=helper)
    before = (existing.certificate_date, existing.seen_on, existing.recorded_by_id)

    post(staff_client, helper, days_ago(10), days_ago(11))

    existing.refresh_from_db()
    assert (existing.certificate_date, existing.seen_on, existing.recorded_by_id) == before
    assert not fz_audit().exists()


def test_a_certificate_issued_one_day_less_than_five_years_ago_is_accepted(staff, helper):
    record = fuehrungszeugnis_record(
        volunteer=helper,
        certificate_date=years_ago(5, plus_days=1),
        seen_on=days_ago(0),
        actor=staff,
    )
    assert record.is_valid()
    assert record.valid_until == timezone.localdate() + dt.timedelta(days=1)


def test_missing_or_malformed_dates_are_form_errors(staff_client, helper):
    response = staff_client.post(
        record_url(helper), {"certificate_date": "31.02.2024", "seen_on": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"certificate_date", "seen_on"}
    assert not FuehrungszeugnisRecord.objects.exists()


# --- Expiry ---------------------------------------------------------------------------------


def test_a_record_is_valid_for_five_years_and_then_expired(staff, helper):
    record = fuehrungszeugnis_record(
        volunteer=helper,
        certificate_date=dt.date(2024, 5, 10),
        seen_on=dt.date(2024, 5, 20),
        actor=staff,
        today=dt.date(2024, 6, 1),
    )
    assert record.valid_until == dt.date(2029, 5, 10)
    assert fuehrungszeugnis_state(record, on=dt.date(2029, 5, 9)) == "valid"
    assert fuehrungszeugnis_state(record, on=dt.date(2029, 5, 10)) == "expired"
    with pytest.raises(ValidationFailed, match="bereits abgelaufen"):
        fuehrungszeugnis_record(
            volunteer=helper,
            certificate_date=dt.date(2024, 5, 10),
            seen_on=dt.date(2029, 5, 10),
            actor=staff,
            today=dt.date(2029, 5, 10),
        )


def test_a_certificate_of_29_february_runs_out_on_28_february(staff, helper):
    record = FuehrungszeugnisRecord(
        volunteer=helper, certificate_date=dt.date(2024, 2, 29), seen_on=dt.date(2024, 3, 1)
    )
    assert record.valid_until == dt.date(2029, 2, 28)
    assert fuehrungszeugnis_state(record, on=dt.date(2029, 2, 27)) == "valid"
    assert fuehrungszeugnis_state(record, on=dt.date(2029, 2, 28)) == "expired"


def test_the_pages_show_an_expired_record_as_expired(staff_client, helper):
    record = FuehrungszeugnisRecordFactory(
        volunteer=helper, certificate_date=years_ago(5, plus_days=-1), seen_on=years_ago(4)
    )
    expired_since = f"abgelaufen seit {record.valid_until:%d.%m.%Y}"
    detail = staff_client.get(detail_url(helper))
    assert detail.context["fz"].state == "expired"
    assert expired_since in detail.content.decode()
    listing = staff_client.get(reverse("volunteers:staff_volunteer_list"))
    assert expired_since in listing.content.decode()


def test_a_record_running_out_within_90_days_is_flagged(staff_client, helper):
    FuehrungszeugnisRecordFactory(
        volunteer=helper, certificate_date=years_ago(5, plus_days=30), seen_on=years_ago(4)
    )
    detail = staff_client.get(detail_url(helper))
    assert detail.context["fz"].state == "expiring"
    assert "läuft bald ab" in detail.content.decode()


# --- No copy, no free text ------------------------------------------------------------------


def test_the_form_takes_two_dates_and_nothing_else(staff_client, helper):
    assert set(FuehrungszeugnisForm.base_fields) == {"certificate_date", "seen_on"}
    html = staff_client.get(detail_url(helper)).content.decode()
    form_html = html[html.index(record_url(helper)) :]
    form_html = form_html[: form_html.index("</form>")]
    assert 'type="file"' not in form_html
    assert "<textarea" not in form_html
    assert 'enctype="multipart/form-data"' not in form_html

    response = post(
        staff_client, helper, days_ago(30), days_ago(1), note="Eintrag wegen Diebstahl 2019"
    )
    assert response.status_code == 302
    assert "Diebstahl" not in str(FuehrungszeugnisRecord.objects.values().get())
    assert not StatusChange.objects.filter(note__contains="Diebstahl").exists()


# --- Who may record -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["volunteer", "staff_without_mfa"])
def test_the_service_refuses_anyone_but_staff_with_two_factor(
    who, helper, volunteer, staff_without_mfa
):
    actor = {"volunteer": volunteer, "staff_without_mfa": staff_without_mfa}[who]
    with pytest.raises(PermissionDenied):
        fuehrungszeugnis_record(
            volunteer=helper, certificate_date=days_ago(5), seen_on=days_ago(1), actor=actor
        )
    assert not FuehrungszeugnisRecord.objects.exists()


def test_the_page_refuses_non_staff_and_sends_staff_without_mfa_to_set_it_up(
    client, helper, staff_without_mfa
):
    client.force_login(helper)
    assert post(client, helper, days_ago(5), days_ago(1)).status_code == 403
    client.force_login(staff_without_mfa)
    response = post(client, helper, days_ago(5), days_ago(1))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert not FuehrungszeugnisRecord.objects.exists()


def test_an_account_without_volunteer_profile_has_no_record_page(staff_client, staff):
    from tests.factories import UserFactory

    coordinator = UserFactory()
    assert staff_client.get(detail_url(coordinator)).status_code == 404
    assert post(staff_client, coordinator, days_ago(5), days_ago(1)).status_code == 404
    with pytest.raises(ValidationFailed):
        fuehrungszeugnis_record(
            volunteer=coordinator, certificate_date=days_ago(5), seen_on=days_ago(1), actor=staff
        )
    assert not FuehrungszeugnisRecord.objects.exists()
