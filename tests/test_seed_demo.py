"""The demo district (manage.py seed_demo): its size, its year of history, and what every demo
account finds to do on first login. The district is seeded once for the module (it takes a
while); each test runs in a savepoint inside it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from backend.management.demo_history import happened
from backend.models import StatusChange
from directory.models import ContactPerson, Offer
from funding.models import Application
from notifications.models import Notification
from tests.conftest import module_transaction, totp_code
from volunteers.demo_data import NAME_GROUPS
from volunteers.languages import COMMON_LANGUAGES
from volunteers.matching import suggest_requests, suggest_volunteers
from volunteers.models import (
    Assignment,
    HelpRequest,
    HoursEntry,
    Membership,
    Organisation,
    Registration,
    Town,
    Training,
    VolunteerLanguage,
    VolunteerProfile,
)

DEMO = {
    "volunteer": "freiwillig1@example.org",
    "volunteer2": "freiwillig2@example.org",
    "coordinator": "koordination1@example.org",
    "coordinator2": "koordination2@example.org",
    "staff": "ki-team@example.org",
    "lead": "ki-leitung@example.org",
    "admin": "admin@example.org",
    "municipal": "kommune-ahlen@example.org",
}


@pytest.fixture(scope="module")
def _district(django_db_setup, django_db_blocker) -> Iterator[None]:
    with module_transaction(django_db_blocker):
        call_command("seed_demo", verbosity=0)
        yield


@pytest.fixture
def district(_district, db) -> None:
    """The seeded demo district; what a test changes is rolled back after it."""


def logged_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def page(email: str, url: str) -> str:
    response = logged_in(email).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- The district -----------------------------------------------------------------------------


def test_volunteers_live_in_every_town_and_speak_the_district_s_languages(district):
    onboarded = VolunteerProfile.objects.filter(onboarding_completed_at__isnull=False)
    assert onboarded.count() >= 300
    towns = set(onboarded.values_list("town__name", flat=True))
    assert towns == set(Town.objects.values_list("name", flat=True))
    assert len(towns) == 13
    spoken = set(VolunteerLanguage.objects.values_list("code", flat=True))
    assert set(COMMON_LANGUAGES) <= spoken
    # Not everyone finished signing up, as in life.
    assert VolunteerProfile.objects.filter(onboarding_completed_at__isnull=True).exists()


def test_people_have_first_and_last_names_of_the_district_s_communities(district):
    people = User.objects.all()
    assert not people.filter(first_name="").exists()
    assert not people.filter(last_name="").exists()
    last_names = set(people.values_list("last_name", flat=True))
    assert len(last_names) > 100
    for group, names in NAME_GROUPS.items():
        known = {n if isinstance(n, str) else n[0] for n in names["last"]}
        known |= {n[1] for n in names["last"] if not isinstance(n, str)}
        assert last_names & known, f"nobody from the {group} names"


def test_organisations_some_waiting_for_the_ki(district):
    assert Organisation.objects.count() >= 40
    pending = Organisation.objects.filter(verified_at__isnull=True)
    assert pending.count() >= 3
    # Every organisation has a coordinator: the person who registered it.
    assert not Organisation.objects.annotate(n=Count("memberships")).filter(n=0).exists()


def test_help_requests_of_every_schedule_and_status(district):
    assert HelpRequest.objects.count() >= 60
    assert set(HelpRequest.objects.values_list("status", flat=True)) == set(
        HelpRequest.Status.values
    )
    assert set(HelpRequest.objects.values_list("schedule", flat=True)) == set(
        HelpRequest.Schedule.values
    )
    open_ones = HelpRequest.objects.filter(status=HelpRequest.Status.OPEN)
    assert set(open_ones.values_list("schedule", flat=True)) == set(HelpRequest.Schedule.values)
    assert set(Assignment.objects.values_list("status", flat=True)) == set(Assignment.Status.values)


def test_twelve_months_of_logged_and_confirmed_hours(district):
    """Confirmed hours in each of the eleven months before this one; this month's (and the
    demo coordinators' of last month) wait for confirmation."""
    confirmed = HoursEntry.objects.filter(status=HoursEntry.Status.CONFIRMED)
    months = {(d.year, d.month) for d in confirmed.values_list("date", flat=True)}
    month = timezone.localdate().replace(day=1)
    for _ in range(11):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        assert (month.year, month.month) in months, f"no confirmed hours in {month:%m/%Y}"
    assert HoursEntry.objects.filter(status=HoursEntry.Status.SUBMITTED).count() >= 10


def test_the_history_is_dated_over_the_past_year_and_nothing_in_the_future(district):
    now = timezone.now()
    assignments = Assignment.objects.values_list("created_at", flat=True)
    assert max(assignments) - min(assignments) > dt.timedelta(days=300)
    joined = User.objects.values_list("date_joined", flat=True)
    assert max(joined) - min(joined) > dt.timedelta(days=365)
    assert not StatusChange.objects.filter(at__gt=now).exists()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    # A request's history runs forward: opened after it was created, helpers after that.
    for request in HelpRequest.objects.exclude(opened_at=None)[:30]:
        assert request.created_at <= request.opened_at
        for assignment in request.assignments.all():
            assert assignment.created_at >= request.opened_at


def test_trainings_past_with_certificates_and_future_ones_full_with_a_waiting_list(district):
    now = timezone.now()
    assert Training.objects.count() >= 10
    past = Training.objects.filter(first_starts_at__lt=now)
    assert past.filter(registrations__attendances__isnull=False).distinct().count() >= 3
    assert past.filter(registrations__certificate__isnull=False).distinct().count() >= 2
    future_full = [
        t
        for t in Training.objects.filter(first_starts_at__gt=now)
        if t.seats_taken == t.capacity
        and t.registrations.filter(status=Registration.Status.WAITLISTED).exists()
    ]
    assert len(future_full) >= 2


def test_funding_cases_in_every_stage(district):
    assert set(Application.objects.values_list("status", flat=True)) == set(
        Application.Status.values
    )


def test_offers_differ_from_town_to_town(district):
    kinds = {
        town.name: frozenset(Offer.objects.filter(town=town).values_list("kind", flat=True))
        for town in Town.objects.all()
    }
    assert all(kinds.values()), "a town without offers"
    assert len(set(kinds.values())) >= 8
    weekdays = set(Offer.objects.values_list("weekday", flat=True))
    assert len(weekdays) >= 5
    assert ContactPerson.objects.filter(town__isnull=False).count() == 13


# --- What each demo account finds -------------------------------------------------------------


def test_freiwillig1_has_an_open_invitation_and_recommendations(district):
    html = page(DEMO["volunteer"], reverse("volunteers:dashboard"))
    invited = Assignment.objects.get(
        volunteer__email=DEMO["volunteer"], status=Assignment.Status.INVITED
    )
    assert invited.help_request.title in html
    assert "Zusagen" in html
    recommended = suggest_requests(User.objects.get(email=DEMO["volunteer"]), limit=5)
    assert len(recommended) >= 3
    for suggestion in recommended:
        assert suggestion.item.title in html


def test_freiwillig2_has_an_invitation_and_a_seat_offered_from_the_waiting_list(district):
    user = User.objects.get(email=DEMO["volunteer2"])
    assert Assignment.objects.filter(volunteer=user, status=Assignment.Status.INVITED).exists()
    offered = Registration.objects.get(volunteer=user, status=Registration.Status.OFFERED)
    assert offered.offer_expires_at > timezone.now()


def test_koordination1_sees_ten_ranked_suggestions_offers_and_hours(district):
    request = HelpRequest.objects.get(
        title="Begleitung zur Ausländerbehörde in Ahlen", status=HelpRequest.Status.OPEN
    )
    assert len(suggest_volunteers(request, limit=10)) == 10
    html = page(DEMO["coordinator"], reverse("volunteers:help_request_manage", args=[request.pk]))
    assert len(re.findall(r'<li class="suggestion">', html)) >= 10
    assert "Annehmen" in html  # offers from volunteers waiting for an answer
    organisation = Membership.objects.get(user__email=DEMO["coordinator"]).organisation
    assert HoursEntry.objects.filter(
        assignment__help_request__organisation=organisation, status=HoursEntry.Status.SUBMITTED
    ).exists()


def test_koordination2_has_offers_and_hours_waiting(district):
    organisation = Membership.objects.get(user__email=DEMO["coordinator2"]).organisation
    assert Assignment.objects.filter(
        help_request__organisation=organisation, status=Assignment.Status.OFFERED
    ).exists()
    assert HoursEntry.objects.filter(
        assignment__help_request__organisation=organisation, status=HoursEntry.Status.SUBMITTED
    ).exists()


def test_ki_team_has_organisations_to_verify_and_cases_to_review(district):
    html = page(DEMO["staff"], reverse("volunteers:staff_organisation_list"))
    for organisation in Organisation.objects.filter(verified_at__isnull=True):
        assert organisation.name in html.replace("&amp;", "&")
    queue = page(DEMO["staff"], reverse("funding:staff_queue") + "?status=submitted")
    submitted = Application.objects.filter(status=Application.Status.SUBMITTED)
    assert submitted.count() >= 3
    for application in submitted:
        assert application.title in queue.replace("&amp;", "&")


def test_ki_leitung_has_proposals_to_sign(district):
    queue = page(DEMO["lead"], reverse("funding:staff_queue") + "?status=proposed")
    proposed = Application.objects.filter(status=Application.Status.PROPOSED)
    assert proposed.count() >= 2
    for application in proposed:
        assert application.title in queue


def test_kommune_ahlen_sees_the_figures_of_ahlen(district):
    html = page(DEMO["municipal"], reverse("directory:municipal_figures"))
    assert "Ahlen" in html


def test_staff_accounts_log_in_with_the_documented_totp(district, client, settings):
    response = client.post(
        reverse("account_login"),
        {"login": DEMO["staff"], "password": settings.DEMO_PASSWORD},
    )
    assert response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(settings.DEMO_TOTP_SECRET)})
    assert client.get(reverse("notifications:outbox")).status_code == 200


def test_every_demo_account_has_the_demo_password_and_its_role(district, settings):
    roles = dict(User.objects.filter(email__in=DEMO.values()).values_list("email", "role"))
    assert roles == {
        DEMO["volunteer"]: "member",
        DEMO["volunteer2"]: "member",
        DEMO["coordinator"]: "member",
        DEMO["coordinator2"]: "member",
        DEMO["staff"]: "ki_staff",
        DEMO["lead"]: "ki_lead",
        DEMO["admin"]: "admin",
        DEMO["municipal"]: "municipal",
    }
    for email in DEMO.values():
        assert User.objects.get(email=email).check_password(settings.DEMO_PASSWORD)
    # The made-up people cannot log in.
    assert not User.objects.exclude(email__in=DEMO.values()).first().has_usable_password()


def test_the_public_list_shows_open_help_requests(district, client):
    listed = reverse("volunteers:help_request_list")
    first = client.get(listed).content.decode()
    assert len(set(re.findall(r'href="/hilfegesuche/\d+/"', first))) == 20  # a full first page
    telgte = client.get(listed, {"town": "telgte"}).content.decode()
    assert "Sprachcafé am Donnerstag" in telgte
    ahlen = client.get(listed, {"town": "ahlen", "language": "ar"}).content.decode()
    assert "Begleitung zur Ausländerbehörde in Ahlen" in ahlen
    profile = User.objects.get(email=DEMO["volunteer"]).volunteer_profile
    assert profile.is_complete
    assert {lang.code for lang in profile.languages.all()} == {"de", "ar", "en"}


# --- The demo mailbox and a second run --------------------------------------------------------


def test_only_the_last_days_emails_to_demo_accounts_wait_for_delivery(district):
    pending = Notification.objects.filter(status=Notification.Status.PENDING)
    assert pending.exists()
    assert set(pending.values_list("to_email", flat=True)) <= set(DEMO.values())
    week = timezone.now() - dt.timedelta(days=7)
    assert not pending.filter(created_at__lt=week).exists()
    # The rest is history: sent when it was written, hundreds of them.
    sent = Notification.objects.filter(status=Notification.Status.SENT)
    assert sent.count() > 10 * pending.count()
    assert not sent.exclude(sent_at=F("created_at")).exists()


def test_a_second_run_adds_nothing(district, settings):
    tables = [User, Organisation, HelpRequest, Assignment, HoursEntry, Training, Registration,
              Application, Offer, Notification, StatusChange]  # fmt: skip
    before = {model.__name__: model.objects.count() for model in tables}
    User.objects.filter(email=DEMO["volunteer"]).update(password="")
    call_command("seed_demo", verbosity=0)
    assert {model.__name__: model.objects.count() for model in tables} == before
    assert User.objects.get(email=DEMO["volunteer"]).check_password(settings.DEMO_PASSWORD)


# --- happened() -------------------------------------------------------------------------------


def test_happened_moves_what_the_services_stamp_and_keeps_what_was_given(db):
    from volunteers.services.consents import consent_give

    when = timezone.now() - dt.timedelta(days=100)
    given = timezone.now() - dt.timedelta(days=3)
    with happened(when):
        person = User.objects.create(email="p@example.org", first_name="P", last_name="Q")
        consent = consent_give(user=person, kind="contact")
        later = User.objects.create(email="q@example.org", last_login=given)
    person.refresh_from_db()
    consent.refresh_from_db()
    later.refresh_from_db()
    assert abs(person.date_joined - when) < dt.timedelta(seconds=5)
    assert abs(consent.given_at - when) < dt.timedelta(seconds=5)
    assert person.date_joined <= consent.given_at  # the order inside the step is kept
    assert later.last_login == given  # a time the step was given stays as it was
    with pytest.raises(ValueError), happened(timezone.now() + dt.timedelta(days=1)):
        pass
