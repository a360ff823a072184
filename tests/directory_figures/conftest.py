"""A small constructed district for the figures per town: volunteers in Ahlen and Telgte,
help requests, confirmed (and unconfirmed) hours, an attended training, and KOMM-AN cases of
Ahlen: a signed approval, a signed rejection and an unsigned proposal that must not count.

Ahlen, today (this year), exactly:
- volunteers 5 (plus one with an unfinished profile and one deactivated account: not counted);
  languages de 5, ar 3, uk 1 (suppressed), fa 2 (suppressed); areas Begleitung 4,
  Sprachförderung 2 (suppressed)
- help requests (published this year) 2: 1 open, 1 filled; a draft and one published last year
  (closed) do not count this year (all years: 3 published)
- hours this year 3.5 (plus 2 submitted, not counted; 1.5 confirmed last year)
- trainings attended 1 (the second Ahlen participant missed a session)
- applications submitted 3, approved 1, rejected 1; money committed 800.00 (the unsigned
  proposal over 900 is only "submitted"); all in the funding year FUNDING_YEAR
Telgte: volunteers 1 (fa), 1 open request, trainings attended 1, nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from directory.models import MunicipalAccess
from funding.models import Application
from funding.services import review
from tests.factories import OrganisationFactory, TownFactory, UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    lead_user,
    proposed,
    staff_user,
    submitted,
)
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from tests.volunteers.factories import (
    ActivityAreaFactory,
    AssignmentFactory,
    HelpRequestFactory,
    HoursEntryFactory,
)
from tests.volunteers_staff.conftest import make_volunteer
from volunteers.models import Attendance, HelpRequest, LanguageLevel

THIS_YEAR = timezone.localdate().year
FUNDING_YEAR = THIS_YEAR + 1  # ProgrammeYearFactory: next year's call, open now

# Names and emails that must never appear on a figures page or in an export.
PEOPLE = [
    ("Amira Haddad", "amira.haddad@example.org"),
    ("Bogdan Kowalenko", "bogdan.kowalenko@example.org"),
    ("Cem Yilmaz", "cem.yilmaz@example.org"),
    ("Dana Schulte", "dana.schulte@example.org"),
    ("Elif Arslan", "elif.arslan@example.org"),
    ("Farid Rahimi", "farid.rahimi@example.org"),
]


@dataclass
class District:
    ahlen: object
    telgte: object
    beelen: object
    volunteers: list
    names: list[str]
    emails: list[str]


@pytest.fixture
def district(db) -> District:
    ahlen = TownFactory(name="Ahlen")
    telgte = TownFactory(name="Telgte", postal_codes=["48291"])
    beelen = TownFactory(name="Beelen", postal_codes=["48361"])
    begleitung = ActivityAreaFactory(slug="begleitung", name_de="Begleitung", name_en="Escort")
    sprache = ActivityAreaFactory(
        slug="sprachfoerderung", name_de="Sprachförderung", name_en="Language support"
    )
    native, fluent, basic = LanguageLevel.NATIVE, LanguageLevel.FLUENT, LanguageLevel.BASIC
    specs = [
        ({"de": native, "ar": fluent, "uk": basic}, [begleitung, sprache]),
        ({"de": native, "ar": native}, [begleitung, sprache]),
        ({"de": fluent, "ar": basic, "fa": fluent}, [begleitung]),
        ({"de": native}, [begleitung]),
        ({"de": native, "fa": native}, []),
    ]
    volunteers = [
        make_volunteer(name, email=email, town=ahlen, languages=languages, areas=areas)
        for (name, email), (languages, areas) in zip(PEOPLE, specs, strict=False)
    ]
    farid = make_volunteer(PEOPLE[5][0], email=PEOPLE[5][1], town=telgte, languages={"fa": native})
    # Not counted: an unfinished profile, a deactivated account.
    make_volunteer("Gerd Unfertig", town=ahlen, languages={"ar": native}, complete=False)
    make_volunteer("Hanna Inaktiv", town=ahlen, languages={"uk": native}, is_active=False)

    # Help requests.
    organisation = OrganisationFactory(name="Flüchtlingshilfe Ahlen", town=ahlen)
    open_ahlen = HelpRequestFactory(organisation=organisation, open=True, activity_area=sprache)
    HelpRequestFactory(organisation=organisation, filled=True, activity_area=sprache)
    HelpRequestFactory(organisation=organisation, draft=True, activity_area=sprache)
    last_year = timezone.now().replace(year=THIS_YEAR - 1, month=6, day=1)
    old = HelpRequestFactory(organisation=organisation, closed=True, activity_area=sprache)
    HelpRequest.objects.filter(pk=old.pk).update(opened_at=last_year, created_at=last_year)
    HelpRequestFactory(
        organisation=OrganisationFactory(town=telgte), open=True, activity_area=sprache
    )

    # Hours: count for the request's town (Ahlen), whoever helped (Farid lives in Telgte).
    assignment = AssignmentFactory(help_request=open_ahlen, volunteer=farid, confirmed=True)
    today = timezone.localdate()
    HoursEntryFactory(assignment=assignment, confirmed=True, date=today, hours=Decimal("3.50"))
    HoursEntryFactory(assignment=assignment, submitted=True, date=today, hours=Decimal("2"))
    HoursEntryFactory(
        assignment=assignment,
        confirmed=True,
        date=dt.date(THIS_YEAR - 1, 6, 1),
        hours=Decimal("1.50"),
    )

    # A training with two sessions this year: Amira and Farid at both, Bogdan at one.
    start = timezone.make_aware(dt.datetime(THIS_YEAR, 6, 1, 10, 0))
    training = TrainingFactory(
        sessions=[
            (start, start + dt.timedelta(hours=3)),
            (start + dt.timedelta(days=7), start + dt.timedelta(days=7, hours=3)),
        ]
    )
    sessions = list(training.sessions.order_by("starts_at"))
    for volunteer, present in (
        (volunteers[0], (True, True)),
        (volunteers[1], (True, False)),
        (farid, (True, True)),
    ):
        registration = RegistrationFactory(training=training, volunteer=volunteer)
        for session, here in zip(sessions, present, strict=True):
            Attendance.objects.create(session=session, registration=registration, present=here)

    # KOMM-AN cases of Ahlen.
    year = ProgrammeYearFactory()
    assert year.year == FUNDING_YEAR
    staff, lead = staff_user(), lead_user()

    def case(title: str) -> Application:
        return ApplicationFactory(
            organisation=organisation, programme_year=year, town=ahlen, title=title
        )

    approved(case("Sprachcafé"), staff=staff, lead=lead, amount=Decimal("800.00"))
    proposed(case("Nähcafé"), staff=staff, amount=Decimal("900.00"))
    rejected = submitted(case("Fahrradwerkstatt"))
    review.decision_propose(
        application=rejected, decision="reject", reasons="Nicht förderfähig.", actor=staff
    )
    review.decision_sign(application=rejected, actor=lead)
    case("Entwurf")  # a draft: never submitted, not counted

    return District(
        ahlen=ahlen,
        telgte=telgte,
        beelen=beelen,
        volunteers=[*volunteers, farid],
        names=[name for name, _email in PEOPLE] + ["Gerd Unfertig", "Hanna Inaktiv"],
        emails=[email for _name, email in PEOPLE],
    )


def municipal_user(town=None, **fields):
    """An account of a town administration; with `town`, its MunicipalAccess."""
    user = UserFactory(role="municipal", full_name="Martina Kommune", **fields)
    if town is not None:
        MunicipalAccess.objects.create(user=user, town=town)
    return user


@pytest.fixture
def ahlen_contact(district):
    return municipal_user(district.ahlen, email="integration@ahlen.example.org")


@pytest.fixture
def ahlen_client(client, ahlen_contact):
    client.force_login(ahlen_contact)
    return client


@pytest.fixture
def staff_client(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    return client
