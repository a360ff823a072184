"""The demo district (seed_demo): a year in the volunteering of Kreis Warendorf.

Hundreds of volunteers across the 13 towns, organisations (some still waiting for the KI to
verify them), help requests in every schedule and status, invitations, offers, twelve months of
logged and confirmed hours, trainings with attendance, certificates and waiting lists.
Everything is written through the services, in the order it happened, each step inside
`happened(when)` (backend/management/demo_history.py), which dates the step's stamps back. The
district comes from a fixed random seed, so it is the same every time (dates are relative to
the day of seeding).

The demo accounts (README) get something to do: freiwillig1 an open invitation and
recommendations, freiwillig2 an invitation and a seat offered from a waiting list,
koordination1 and koordination2 offers to answer, hours to confirm and ranked suggestions,
KI staff organisations to verify.

Made-up people have no password: nobody logs in as them (and hashing hundreds of passwords
would take minutes).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.services import user_create_verified, user_set_totp
from backend.errors import DomainError
from backend.management.demo_history import happened
from volunteers.models import (
    ActivityArea,
    Assignment,
    FuehrungszeugnisRecord,
    HelpRequest,
    Organisation,
    Qualification,
    Registration,
    Town,
    TownDistance,
    Training,
    VolunteerProfile,
)
from volunteers.services.assignments import (
    assignment_accept,
    assignment_decline,
    assignment_invite,
    assignment_offer,
    assignment_withdraw,
    invitations_expire,
)
from volunteers.services.help_requests import (
    help_request_close,
    help_request_create,
    help_request_open,
    help_requests_expire,
)
from volunteers.services.hours import hours_confirm, hours_log
from volunteers.services.organisations import (
    coordinator_invitation_accept,
    coordinator_invite,
    organisation_register,
)
from volunteers.services.profiles import (
    profile_complete,
    profile_save_activities,
    profile_save_availability,
    profile_save_contact,
    profile_save_languages,
    profile_save_location,
    profile_start,
)
from volunteers.services.reference import towns_load_reference
from volunteers.services.staff import fuehrungszeugnis_record, organisation_verify
from volunteers.services.training_certificates import certificates_issue_for_training
from volunteers.services.trainings import (
    attendance_mark,
    registration_cancel,
    registration_create,
    training_create,
    training_publish,
)

from . import demo_data as data

SEED = 20260401
VOLUNTEERS = 330  # made-up volunteers besides the two demo ones; a few never finish onboarding
PLATFORM_AGE_DAYS = 420  # the platform went live this long ago
MARKER = data.ORGANISATIONS[0][0]  # exists once the district has been built
CERTIFICATES_AFTER_DAYS = 12  # past trainings older than this have their certificates

# The demo accounts: (email, role, town of the volunteer profile).
ACCOUNTS = [
    ("freiwillig1@example.org", User.Role.MEMBER, "Ahlen"),
    ("freiwillig2@example.org", User.Role.MEMBER, "Warendorf"),
    ("koordination1@example.org", User.Role.MEMBER, None),
    ("koordination2@example.org", User.Role.MEMBER, None),
    ("ki-team@example.org", User.Role.KI_STAFF, None),
    ("ki-leitung@example.org", User.Role.KI_LEAD, None),
    ("admin@example.org", User.Role.ADMIN, None),
]
STAFF = "ki-team@example.org"
ACCOUNTS_JOINED = {  # days ago; the KI's own accounts: when the platform went live
    "freiwillig1@example.org": 412,
    "freiwillig2@example.org": 350,
    "koordination1@example.org": 418,
    "koordination2@example.org": 402,
}

# What the two demo volunteers bring along (the rest of the district is drawn at random).
DEMO_VOLUNTEERS = {
    "freiwillig1@example.org": {
        "postal_code": "59227",
        "languages": {"de": data.NATIVE, "ar": data.FLUENT, "en": data.BASIC},
        "areas": ["begleitung-zu-behorden-und-arzten", "dolmetschen-sprachmittlung"],
        "slots": {(1, 1), (3, 1), (5, 0)},  # Tue and Thu afternoon, Sat morning
        "radius": VolunteerProfile.Radius.KM_20,
        "phone": "02382 48213",
        "joined": 412,
        "fz": (420, 405),  # certificate issued / seen (days ago)
    },
    "freiwillig2@example.org": {
        "postal_code": "48231",
        "languages": {"de": data.NATIVE, "tr": data.NATIVE, "uk": data.BASIC},
        "areas": ["hausaufgabenhilfe-lernforderung", "sprachforderung-deutsch-lernen"],
        "slots": {(0, 2), (2, 2), (3, 2), (4, 1)},
        "radius": VolunteerProfile.Radius.KM_20,
        "phone": "",
        "joined": 350,
        "fz": None,
    },
}


# --- The demo accounts ------------------------------------------------------------------------


def seed_accounts() -> dict[str, User]:
    """The accounts of the README table (except the municipal one, directory/demo.py), with
    the demo password; KI accounts get the demo TOTP secret. Run on every seeding: a second
    run resets passwords and devices and adds nothing."""
    users = {}
    today = timezone.localdate()
    for email, role, _town in ACCOUNTS:
        first_name, last_name = data.DEMO_PEOPLE[email]
        new = not User.objects.filter(email=email).exists()
        # The KI's accounts came with the platform; the others when the story has them join.
        joined = today - dt.timedelta(days=ACCOUNTS_JOINED.get(email, PLATFORM_AGE_DAYS + 10))
        moment = timezone.make_aware(dt.datetime.combine(joined, dt.time(9, 30)))
        with happened(moment) if new else nullcontext():
            users[email] = user_create_verified(
                email=email,
                password=settings.DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                role=role,
                is_staff=role == User.Role.ADMIN,
            )
            if role != User.Role.MEMBER:
                user_set_totp(user=users[email], secret=settings.DEMO_TOTP_SECRET)
    return users


def district_exists() -> bool:
    return Organisation.objects.filter(name=MARKER).exists()


# --- The story --------------------------------------------------------------------------------


class Chronicle:
    """The district's past, told in order: steps are collected with the moment they happened
    and run oldest first, each through the services inside happened(moment)."""

    def __init__(self) -> None:
        self._steps: list[tuple[dt.datetime, int, object]] = []

    def add(self, when: dt.datetime, step) -> None:
        self._steps.append((when, len(self._steps), step))

    def run(self) -> None:
        steps, self._steps = sorted(self._steps, key=lambda s: (s[0], s[1])), []
        for when, _order, step in steps:
            try:
                with happened(when):
                    step()
            except Exception as exc:
                exc.add_note(f"Demo step of {when:%Y-%m-%d %H:%M}: {_describe(step)}")
                raise


@dataclass
class Person:
    """A volunteer as drawn: what onboarding will be given and when things happen (days ago)."""

    email: str
    first_name: str
    last_name: str
    group: str
    town: str
    postal_code: str
    languages: dict[str, int]
    areas: list[str]
    slots: set[tuple[int, int]]
    radius: int
    phone: str
    consents: set[str]
    steps_done: int  # onboarding steps finished; 5 and complete = can be matched
    joined: int
    fz: tuple[int, int] | None = None  # (certificate issued, seen by KI staff), days ago
    fz_certificate: dt.date | None = None
    user: User | None = None

    @property
    def complete(self) -> bool:
        return self.steps_done >= 5


@dataclass
class RequestPlan:
    key: str
    organisation: str
    title: str
    area: str
    languages: list[tuple[str, int]]
    schedule: str
    helpers: int
    fz: bool
    description: str
    status: str
    created: int  # days ago
    long_running: bool = False
    event_in: int | None = None  # once: days from today (negative: in the past)
    closed: int | None = None  # days ago
    request: HelpRequest | None = None
    engaged: set[str] = field(default_factory=set)  # emails with an assignment on it


@dataclass
class Engagement:
    """A confirmed helper: from `since` until `until` days ago (0: still helping)."""

    plan: RequestPlan
    person: Person
    since: int
    until: int = 0


class District:
    """Draws the district and tells its story."""

    def __init__(self, users: dict[str, User]) -> None:
        self.rng = random.Random(SEED)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.users = users
        self.staff = users[STAFF]
        self.chronicle = Chronicle()
        self.emails: set[str] = set(data.DEMO_PEOPLE)
        self.towns: dict[str, Town] = {}
        self.km: dict[tuple[str, str], int] = {}
        self.areas: dict[str, ActivityArea] = {}
        self.people: list[Person] = []
        self.by_email: dict[str, Person] = {}
        self.organisations: dict[str, Organisation] = {}
        self.coordinators: dict[str, list[User]] = {}
        self.plans: list[RequestPlan] = []
        self.assignments: dict[tuple[str, str], Assignment] = {}
        self.worked: list[Engagement] = []
        self.trainings: dict[str, Training] = {}
        self.logged: dict[dt.date, list] = {}  # hours entries of a month, to confirm
        self.invitations: dict = {}  # coordinator invitations by email
        self.verified: dict[str, int] = {}  # organisation -> verified, days ago

    # --- time ---------------------------------------------------------------------------------

    def moment(self, days_ago: float, hour: int = 10, minute: int = 0) -> dt.datetime:
        """A local time `days_ago` days before today (at least one: the story is the past)."""
        day = self.today - dt.timedelta(days=max(1, int(days_ago)))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    # --- the whole --------------------------------------------------------------------------

    def build(self) -> None:
        towns_load_reference()
        self.towns = {town.name: town for town in Town.objects.all()}
        self.km = {
            (a, b): km
            for a, b, km in TownDistance.objects.values_list(
                "from_town__name", "to_town__name", "km"
            )
        }
        self.areas = {area.slug: area for area in ActivityArea.objects.all()}
        self._qualifications()
        self._draw_people()
        self._organisations()
        self._volunteers()
        self.chronicle.run()  # people and organisations exist before anybody helps anybody
        self._requests()
        self._trainings()
        self.chronicle.run()
        self._hours()
        self.chronicle.run()
        self._present()

    # --- people -------------------------------------------------------------------------------

    def _email(self, first_name: str, last_name: str) -> str:
        def ascii_part(text: str) -> str:
            for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
                text = text.lower().replace(umlaut, plain)
            text = unicodedata.normalize("NFKD", text.replace("ı", "i"))
            text = "".join(c for c in text if c.isascii() and (c.isalnum() or c in " -"))
            return "-".join(text.split())

        base = f"{ascii_part(first_name)}.{ascii_part(last_name)}"
        email, number = f"{base}@example.org", 1
        while email in self.emails:
            number += 1
            email = f"{base}{number}@example.org"
        self.emails.add(email)
        return email

    def _name(self, group: str, *, female: bool | None = None) -> tuple[str, str, bool]:
        names = data.NAME_GROUPS[group]
        if female is None:
            female = self.rng.random() < 0.56
        first = self.rng.choice(names["female" if female else "male"])
        last = self.rng.choice(names["last"])
        if isinstance(last, tuple):
            last = last[1] if female else last[0]
        return first, last, female

    def _group(self) -> str:
        groups = list(data.NAME_GROUPS)
        weights = [data.NAME_GROUPS[g]["weight"] for g in groups]
        return self.rng.choices(groups, weights)[0]

    def _town(self, group: str) -> str:
        towns = list(data.TOWN_WEIGHTS)
        boost = data.COMMUNITY_TOWNS.get(group, {})
        weights = [data.TOWN_WEIGHTS[t] * boost.get(t, 1.0) for t in towns]
        return self.rng.choices(towns, weights)[0]

    def _languages(self, group: str) -> dict[str, int]:
        spec = data.NAME_GROUPS[group]
        spoken: dict[str, int] = {}
        if group == "persian":
            if self.rng.random() < 0.5:
                spoken["fa"] = data.NATIVE
            else:
                spoken["prs"] = data.NATIVE
                if self.rng.random() < 0.6:
                    spoken["fa"] = data.FLUENT
                if self.rng.random() < 0.35:
                    spoken["ps"] = self.rng.choice((data.FLUENT, data.NATIVE))
        for code, level in spec["languages"]:
            spoken[code] = self.rng.choice(level) if isinstance(level, tuple) else level
        for code, levels, chance in spec["extra"]:
            if code not in spoken and self.rng.random() < chance:
                spoken[code] = self.rng.choice(levels)
        return spoken

    def _areas(self, spoken: dict[str, int]) -> list[str]:
        weights = {slug: 1.0 for slug in data.AREAS}
        if any(code != "de" and level >= data.FLUENT for code, level in spoken.items()):
            weights["dolmetschen-sprachmittlung"] = 5.0
            weights["begleitung-zu-behorden-und-arzten"] = 3.0
        if spoken.get("de", 0) >= data.NATIVE:
            weights["sprachforderung-deutsch-lernen"] = 3.0
            weights["hausaufgabenhilfe-lernforderung"] = 2.5
        chosen: list[str] = []
        for _ in range(self.rng.choice((1, 2, 2, 3, 3, 4))):
            pool = [s for s in data.AREAS if s not in chosen]
            chosen.append(self.rng.choices(pool, [weights[s] for s in pool])[0])
        return chosen

    def _slots(self) -> set[tuple[int, int]]:
        kind = self.rng.choices(("days", "evenings", "afternoons"), (35, 45, 20))[0]
        if kind == "days":
            pool = [(d, p) for d in range(5) for p in (0, 1)]
        elif kind == "evenings":
            pool = [(d, 2) for d in range(5)] + [(5, 0), (5, 1), (6, 1)]
        else:
            pool = [(d, 1) for d in range(5)] + [(5, 0), (5, 1), (6, 1)]
        return set(self.rng.sample(pool, self.rng.randint(2, min(6, len(pool)))))

    def _phone(self, town: str) -> str:
        if self.rng.random() < 0.5:
            return f"{data.AREA_CODES[town]} {self.rng.randint(10000, 999999)}"
        prefix = self.rng.choice(("0151", "0152", "0157", "0160", "0170", "0171", "0176"))
        return f"{prefix} {self.rng.randint(1000000, 99999999)}"

    def _draw_people(self) -> None:
        radii = list(VolunteerProfile.Radius.values)
        for email, spec in DEMO_VOLUNTEERS.items():
            first, last = data.DEMO_PEOPLE[email]
            town = next(t for e, _r, t in ACCOUNTS if e == email)
            person = Person(
                email=email,
                first_name=first,
                last_name=last,
                group="demo",
                town=town,
                postal_code=spec["postal_code"],
                languages=spec["languages"],
                areas=spec["areas"],
                slots=spec["slots"],
                radius=spec["radius"],
                phone=spec["phone"],
                consents={"contact", "digest"} | ({"phone"} if spec["phone"] else set()),
                steps_done=5,
                joined=spec["joined"],
                fz=spec["fz"],
                user=self.users[email],
            )
            self.people.append(person)
        for _ in range(VOLUNTEERS):
            group = self._group()
            first, last, _female = self._name(group)
            town = self._town(group)
            spoken = self._languages(group)
            areas = self._areas(spoken)
            phone = self._phone(town) if self.rng.random() < 0.6 else ""
            consents = set()
            if self.rng.random() < 0.88:
                consents.add("contact")
            if self.rng.random() < 0.55:
                consents.add("digest")
            if phone and self.rng.random() < 0.5:
                consents.add("phone")
            # The launch brought a wave of sign-ups; since then a steady trickle.
            if self.rng.random() < 0.3:
                joined = self.rng.randint(PLATFORM_AGE_DAYS - 40, PLATFORM_AGE_DAYS)
            else:
                joined = self.rng.randint(2, PLATFORM_AGE_DAYS - 40)
            person = Person(
                email=self._email(first, last),
                first_name=first,
                last_name=last,
                group=group,
                town=town,
                postal_code=self.rng.choice(self.towns[town].postal_codes),
                languages=spoken,
                areas=areas,
                slots=self._slots(),
                radius=self.rng.choices(radii, (10, 28, 35, 17, 10))[0],
                phone=phone,
                consents=consents,
                steps_done=5 if self.rng.random() > 0.04 else self.rng.randint(1, 4),
                joined=joined,
            )
            with_children = bool(set(areas) & data.AREAS_WITH_CHILDREN)
            if person.complete and self.rng.random() < (0.75 if with_children else 0.3):
                seen = max(1, joined - self.rng.randint(5, 45))
                if self.rng.random() < 0.07:  # an old certificate, run out or running out
                    issued = seen + self.rng.randint(5 * 365 - 150, 5 * 365 - 20)
                else:
                    issued = seen + self.rng.randint(3, 60)
                person.fz = (issued, seen)
            self.people.append(person)
        self.by_email = {p.email: p for p in self.people}

    def _volunteers(self) -> None:
        """Sign-up and onboarding through the profile services; the KI records the
        Führungszeugnisse it has seen on its Wednesday office hours."""
        office_hours: dict[int, list[Person]] = {}
        for person in self.people:
            self.chronicle.add(
                self.moment(person.joined, 8 + self.rng.randint(0, 12), self.rng.randint(0, 59)),
                lambda p=person: self._sign_up(p),
            )
            if person.fz:
                seen = person.fz[1]
                wednesday = seen + (self.day(seen).weekday() - 2) % 7
                seen = wednesday if wednesday < person.joined else seen
                person.fz = (max(person.fz[0], seen), seen)
                office_hours.setdefault(seen, []).append(person)
        for seen, people in office_hours.items():
            self.chronicle.add(self.moment(seen, 15), lambda ps=people, s=seen: self._fz(ps, s))

    def _sign_up(self, person: Person) -> None:
        if person.user is None:
            person.user = user_create_verified(
                email=person.email,
                password=None,
                first_name=person.first_name,
                last_name=person.last_name,
            )
        profile = profile_start(user=person.user)
        steps = [
            lambda: profile_save_location(
                profile=profile, town=self.towns[person.town], postal_code=person.postal_code
            ),
            lambda: profile_save_languages(
                profile=profile, languages=list(person.languages.items())
            ),
            lambda: profile_save_activities(
                profile=profile, activity_areas=[self.areas[s] for s in person.areas]
            ),
            lambda: profile_save_availability(
                profile=profile, slots=person.slots, travel_radius_km=person.radius
            ),
            lambda: profile_save_contact(
                profile=profile, phone=person.phone, consents=person.consents
            ),
        ]
        for step in steps[: person.steps_done]:
            step()
        if person.complete:
            profile_complete(profile=profile)
        # Fresh from the database: the account's cached profile predates its completion.
        person.user = User.objects.get(pk=person.user.pk)
        if person.email in self.users:
            self.users[person.email] = person.user

    def _fz(self, people: list[Person], seen: int) -> None:
        for person in people:
            issued, _seen = person.fz
            person.fz_certificate = self.day(issued)
            fuehrungszeugnis_record(
                volunteer=person.user,
                certificate_date=self.day(issued),
                seen_on=self.day(seen),
                actor=self.staff,
                today=self.day(seen),
            )

    def fz_valid_now(self, person: Person) -> bool:
        if person.fz_certificate is None and person.fz is not None:
            person.fz_certificate = self.day(person.fz[0])
        if person.fz is None:
            return False
        return FuehrungszeugnisRecord(certificate_date=person.fz_certificate).is_valid(self.today)

    # --- organisations ------------------------------------------------------------------------

    def _organisations(self) -> None:
        """Coordinators register their organisations; the KI verifies most of them within a
        week; some coordinators invite a colleague. The last few wait for the KI."""
        pending_days = iter((9, 6, 5, 4, 3, 2))
        demo_days = {"Flüchtlingshilfe Ahlen e. V.": 415, "Begegnungscafé Telgte": 400}
        coordinators_of = {name: email for email, name in data.DEMO_COORDINATED.items()}
        for index, (name, kind, town, verified, group, address, about) in enumerate(
            data.ORGANISATIONS
        ):
            if verified:
                registered = demo_days.get(name) or self.rng.randint(70, PLATFORM_AGE_DAYS - 5)
            else:
                registered = next(pending_days)
            email = coordinators_of.get(name)
            if email is None:
                first, last, _f = self._name(group)
                email = self._email(first, last)
                names = (first, last)
            else:
                names = None
            self.chronicle.add(
                self.moment(registered, 9 + index % 9, 7 * (index % 8)),
                lambda n=name, k=kind, t=town, a=address, d=about, e=email, p=names: self._register(
                    n, k, t, a, d, e, p
                ),
            )
            if not verified:
                continue
            verified_days = registered - self.rng.randint(1, 6)
            self.verified[name] = verified_days
            self.chronicle.add(self.moment(verified_days, 11), lambda n=name: self._verify(n))
            if name in coordinators_of or self.rng.random() < 0.3:
                # A coordinator invites a colleague, who signs up and accepts the next day.
                colleague_group = group if self.rng.random() < 0.7 else "german"
                first, last, _f = self._name(colleague_group)
                colleague = self._email(first, last)
                invited = verified_days - self.rng.randint(3, 30)
                self.chronicle.add(
                    self.moment(invited, 18), lambda n=name, c=colleague: self._invite(n, c)
                )
                self.chronicle.add(
                    self.moment(invited - 1, 20),
                    lambda n=name, c=colleague, f=first, la=last: self._accept(n, c, f, la),
                )

    def _register(self, name, kind, town, address, about, email, names) -> None:
        user = self.users.get(email)
        if user is None:
            user = user_create_verified(
                email=email, password=None, first_name=names[0], last_name=names[1]
            )
            self.users[email] = user
        organisation = organisation_register(
            actor=user,
            name=name,
            kind=kind,
            town=self.towns[town],
            contact_email=f"kontakt@{_domain(name)}.example.org",
            address=address,
            description=about,
        )
        self.organisations[name] = organisation
        self.coordinators[name] = [user]

    def _verify(self, name: str) -> None:
        organisation_verify(organisation=self.organisations[name], actor=self.staff)
        self.organisations[name].refresh_from_db()

    def _invite(self, name: str, email: str) -> None:
        self.invitations[email] = coordinator_invite(
            organisation=self.organisations[name], email=email, actor=self.coordinators[name][0]
        )

    def _accept(self, name: str, email: str, first: str, last: str) -> None:
        user = user_create_verified(email=email, password=None, first_name=first, last_name=last)
        self.users[email] = user
        coordinator_invitation_accept(invitation=self.invitations[email], actor=user)
        self.coordinators[name].append(user)

    # --- help requests, invitations, offers ---------------------------------------------------

    def _requests(self) -> None:
        self.plans = self._fixed_plans()
        self.plans += self._drawn_plans()
        for plan in self.plans:
            self._tell(plan)
        self._withdrawals()

    def _fixed_plans(self) -> list[RequestPlan]:
        """The requests of the two demo coordinators, one of each status."""
        t = {template[0]: template for template in data.REQUEST_TEMPLATES}

        def plan(key, organisation, template, status, created, **kwargs) -> RequestPlan:
            title, area, languages, schedule, helpers, fz, description = template
            values = {
                "title": title,
                "area": area,
                "languages": languages,
                "schedule": schedule,
                "helpers": helpers,
                "fz": fz,
                "description": description,
            } | kwargs
            values["title"] = values["title"].format(town=self._town_of(organisation))
            values["description"] = values["description"].format(town=self._town_of(organisation))
            if values["schedule"].startswith("once"):
                values.setdefault("event_in", 14)
            return RequestPlan(
                key=key, organisation=organisation, status=status, created=created, **values
            )

        ahlen, telgte = data.DEMO_COORDINATED.values()
        return [
            plan(
                "ahlen-behoerde",
                ahlen,
                t["Begleitung zur Ausländerbehörde"],
                "open",
                400,
                title="Begleitung zur Ausländerbehörde in Ahlen",
                languages=[("ar", data.FLUENT)],
                schedule="weekly:1:1",
                helpers=3,
                description=(
                    "Dienstags nachmittags begleiten Sie Familien aus Syrien und dem Irak zu "
                    "Terminen bei der Ausländerbehörde und beim Bürgerbüro. Arabisch ist nötig; "
                    "eine kurze Einführung gibt es beim ersten Treffen."
                ),
                long_running=True,
            ),
            plan(
                "ahlen-hausaufgaben",
                ahlen,
                t["Hausaufgabenhilfe für Grundschulkinder"],
                "open",
                300,
                long_running=True,
                helpers=4,
            ),
            plan(
                "ahlen-paten",
                ahlen,
                t["Familienpatenschaft für eine afghanische Familie"],
                "filled",
                200,
            ),
            plan(
                "ahlen-umzug",
                ahlen,
                t["Umzugshilfe für eine ukrainische Familie"],
                "closed",
                160,
                event_in=-140,
                closed=135,
            ),
            plan("ahlen-tafel", ahlen, t["Fahrdienst zur Tafel"], "expired", 50),
            plan("ahlen-digital", ahlen, t["Digitale Sprechstunde: Online-Anträge"], "draft", 4),
            plan(
                "telgte-sprachcafe",
                telgte,
                t["Helfende für das Begegnungscafé"],
                "open",
                390,
                title="Sprachcafé am Donnerstag",
                area="sprachforderung-deutsch-lernen",
                languages=[("de", data.NATIVE)],
                schedule="weekly:3:2",
                description=(
                    "Donnerstags ab 18 Uhr üben Neuangekommene im Begegnungscafé Deutsch im "
                    "Gespräch. Sie moderieren einen Tisch mit vier bis sechs Personen."
                ),
                long_running=True,
            ),
            plan(
                "telgte-fahrrad", telgte, t["Fahrradwerkstatt: Räder für Neuankommende"], "open", 20
            ),
            plan(
                "telgte-cafe",
                telgte,
                t["Helfende für das Begegnungscafé"],
                "filled",
                280,
                helpers=3,
            ),
            plan(
                "telgte-kochen",
                telgte,
                t["Internationales Kochen im Gemeindehaus"],
                "closed",
                120,
                event_in=-100,
                closed=98,
            ),
            plan("telgte-fuehrung", telgte, t["Stadtführung für Neuangekommene"], "draft", 2),
        ]

    def _drawn_plans(self) -> list[RequestPlan]:
        """One or two requests of every other verified organisation, statuses dealt out."""
        organisations = [
            o for o in data.ORGANISATIONS if o[3] and o[0] not in data.DEMO_COORDINATED.values()
        ]
        slots = [org[0] for org in organisations]
        slots += [org[0] for org in self.rng.sample(organisations, 18)]
        statuses = ["open"] * 28 + ["filled"] * 6 + ["closed"] * 7 + ["expired"] * 5
        statuses += ["draft"] * (len(slots) - len(statuses))
        self.rng.shuffle(statuses)
        plans = []
        used_titles = {p.title for p in self.plans}
        for number, (name, status) in enumerate(zip(slots, statuses, strict=True)):
            template = self._template_for(name, status)
            title, area, languages, schedule, helpers, fz, description = template
            town = self._town_of(name)
            if title in used_titles and "{town}" not in title:
                title += " – {town}"
            used_titles.add(title)
            if status == "draft":
                created = self.rng.randint(1, 20)
            elif status == "open":
                long_running = (
                    not schedule.startswith("once") and helpers > 1 and self.rng.random() < 0.5
                )
                created = self.rng.randint(120, 385) if long_running else self.rng.randint(3, 45)
            elif status == "filled":
                created = (
                    self.rng.randint(8, 20)
                    if schedule.startswith("once")
                    else (self.rng.randint(90, 300))
                )
            elif status == "closed":
                created = self.rng.randint(150, 390)
            else:  # expired
                created = self.rng.randint(35, 70)
            # Nothing before the KI verified the organisation.
            created = min(created, self.verified[name] - 2)
            plan = RequestPlan(
                key=f"request-{number}",
                organisation=name,
                title=title.format(town=town),
                area=area,
                languages=languages,
                schedule=schedule,
                helpers=helpers,
                fz=fz,
                description=description.format(town=town),
                status=status,
                created=created,
                long_running=status == "open" and created >= 120,
            )
            if schedule.startswith("once"):
                if status == "closed":
                    plan.event_in = -(created - self.rng.randint(10, 20))
                    plan.closed = max(2, -plan.event_in - self.rng.randint(2, 6))
                elif status == "expired":
                    plan.event_in = 1  # open until today, the day before: nobody came forward
                else:
                    plan.event_in = self.rng.randint(4, 30)
            elif status == "closed":
                plan.closed = self.rng.randint(10, created - 60)
            plans.append(plan)
        return plans

    def _template_for(self, organisation: str, status: str) -> tuple:
        """A template that fits the organisation: its language, its field of work."""
        keywords = {
            "Syrisch": "Dolmetschen Arabisch",
            "Ukrainisch": "Sprachmittlung Ukrainisch",
            "Afghan": "Dari-Sprachmittlung",
            "Sprachbrücke": "Dari-Sprachmittlung",
            "Kurdisch": "Sprachmittlung Kurmandschi",
            "Iranisch": "Farsi-Sprachmittlung",
            "Fahrrad": "Fahrradwerkstatt",
            "Sport": "Fußballtraining",
            "SC ": "Schwimmbegleitung",
            "Kleiderkammer": "Kleiderkammer",
            "Lern": "Mathe-Nachhilfe",
            "Sprachpaten": "Sprachpatenschaft",
            "Café": "Helfende für das Begegnungscafé",
            "Frauen": "Deutsch-Konversationsgruppe",
            "DRK": "Fahrten zu Facharztterminen",
        }
        templates = data.REQUEST_TEMPLATES
        for keyword, title in keywords.items():
            if keyword in organisation and self.rng.random() < 0.7:
                return next(t for t in templates if t[0].startswith(title))
        if status in ("filled", "closed"):
            # A request that ran needs people who could do it: no rare languages.
            templates = [t for t in templates if all(c == "de" for c, _l in t[2])]
        return self.rng.choice(templates)

    def _town_of(self, organisation: str) -> str:
        return next(o[2] for o in data.ORGANISATIONS if o[0] == organisation)

    def _candidates(self, plan: RequestPlan, *, before: int, invite: bool = False) -> list[Person]:
        """Volunteers who could help: joined and onboarded before `before` days ago, speak
        the languages, live within their radius, hold a valid Führungszeugnis where needed;
        those with a matching activity area first."""
        town = self._town_of(plan.organisation)
        found = []
        for person in self.people:
            if person.group == "demo" or person.email in plan.engaged:
                continue  # the demo volunteers help where the story puts them
            if not person.complete or person.joined <= before:
                continue
            if invite and "contact" not in person.consents:
                continue
            if any(person.languages.get(code, 0) < level for code, level in plan.languages):
                continue
            if self.km[(person.town, town)] > person.radius:
                continue
            if plan.fz and not (person.fz and person.fz[1] > before and self.fz_valid_now(person)):
                continue
            found.append(person)
        self.rng.shuffle(found)
        found.sort(key=lambda p: plan.area not in p.areas)
        return found

    def _data(self, plan: RequestPlan) -> dict:
        town = self.towns[self._town_of(plan.organisation)]
        kind, *rest = plan.schedule.split(":")
        values = {
            "title": plan.title,
            "description": plan.description,
            "activity_area": self.areas[plan.area],
            "town": town,
            "place": self.rng.choice(data.PLACES[town.name]).split(",")[0],
            "address": f"{self.rng.choice(data.PLACES[town.name])}, "
            f"{town.postal_codes[0]} {town.name}",
            "schedule": kind,
            "helpers_needed": plan.helpers,
            "requires_fuehrungszeugnis": plan.fz,
        }
        if kind == "weekly":
            mask = 0
            for weekday in rest[0]:
                mask |= 1 << (int(weekday) * 3 + int(rest[1]))
            values["weekly_slots"] = mask
        if kind == "once":
            day = self.today + dt.timedelta(days=plan.event_in)
            values["starts_at"] = timezone.make_aware(
                dt.datetime.combine(day, dt.time(int(rest[0]), 0))
            )
        # "Open until" must not lie in the past when it is set: the date is the real one.
        if plan.status == "expired":
            values["open_until"] = self.today
        elif kind == "once" and plan.event_in > 1:
            values["open_until"] = self.today + dt.timedelta(days=plan.event_in - 1)
        else:
            values["open_until"] = self.today + dt.timedelta(days=self.rng.randint(21, 90))
        return values

    def _tell(self, plan: RequestPlan) -> None:
        """A request's life: created (and published), helpers found, maybe closed."""
        self.chronicle.add(
            self.moment(plan.created, 9 + self.rng.randint(0, 9), self.rng.randint(0, 59)),
            lambda: self._create(plan, self.coordinators[plan.organisation][0]),
        )
        if plan.status == "draft":
            return
        if plan.status == "closed":
            self.chronicle.add(
                self.moment(plan.closed, 17),
                lambda: help_request_close(
                    help_request=HelpRequest.objects.get(pk=plan.request.pk),
                    actor=self.coordinators[plan.organisation][0],
                    note="Einsatz abgeschlossen. Vielen Dank an alle Helfenden!",
                ),
            )
        if plan.status == "expired":
            # Nobody took it on: one invitation declined, one never answered (it expired with
            # the request), then silence until it expired.
            candidates = self._candidates(plan, before=plan.created, invite=True)
            for person in candidates[:1]:
                self._ask(plan, person, "invite", plan.created - 3, "declined", 2)
            for person in candidates[1:2]:
                plan.engaged.add(person.email)
                self.chronicle.add(
                    self.moment(max(1, plan.created - 4), 11),
                    lambda pl=plan, pe=person: self._invite_unanswered(pl, pe),
                )
            return
        # Helpers confirmed: all places of a filled request; of an open one, some, and the
        # rest of an open request still has places (and answers pending, if recent).
        if plan.status in ("filled", "closed"):
            confirmed = plan.helpers
        elif plan.long_running:
            confirmed = self.rng.randint(1, plan.helpers - 1)
        else:
            confirmed = self.rng.choice((0, 0, 1)) if plan.helpers > 1 else 0
        if plan.key == "ahlen-behoerde":
            confirmed = 1  # freiwillig1, below
        ends = plan.closed if plan.closed else 0
        window = plan.created - ends
        if plan.event_in is not None and plan.event_in < 0:
            window = min(window, plan.created + plan.event_in)
        found = self._candidates(plan, before=plan.created)
        if plan.key == "ahlen-behoerde":
            found = [self.by_email["freiwillig1@example.org"]] + [
                p for p in found if p.email != "freiwillig1@example.org"
            ]
        for person in found[:confirmed]:
            asked = plan.created - self.rng.randint(1, max(1, min(14, window - 4)))
            how = "offer" if self.rng.random() < 0.55 else "invite"
            if how == "invite" and "contact" not in person.consents:
                how = "offer"
            self._ask(plan, person, how, asked, "confirmed", self.rng.randint(1, 3))
        if plan.status == "open" and plan.created < 12 and plan.key != "ahlen-behoerde":
            # Still young: some answers are pending.
            for person in self._candidates(plan, before=plan.created)[: self.rng.randint(0, 2)]:
                self._ask(
                    plan, person, "offer", self.rng.randint(1, plan.created - 1), "pending", 0
                )
        if plan.long_running and plan.status == "open":
            # Over the months: a declined invitation, someone who stopped.
            for person in self._candidates(plan, before=plan.created, invite=True)[:1]:
                self._ask(plan, person, "invite", plan.created - 20, "declined", 1)

    def _create(self, plan: RequestPlan, coordinator: User) -> None:
        plan.request = help_request_create(
            organisation=self.organisations[plan.organisation],
            actor=coordinator,
            languages=plan.languages,
            data=self._data(plan),
        )
        if plan.status != "draft":
            help_request_open(help_request=plan.request, actor=coordinator)

    def _invite_unanswered(self, plan: RequestPlan, person: Person) -> None:
        """An invitation nobody answers (the weekly budget may have run out: then none)."""
        with suppress(DomainError):
            assignment_invite(
                help_request=plan.request,
                volunteer=person.user,
                actor=self.coordinators[plan.organisation][0],
            )

    def _ask(
        self, plan: RequestPlan, person: Person, how: str, days_ago: int, outcome: str, after: int
    ) -> None:
        """A volunteer offers help or is invited `days_ago`; `after` days later the other side
        confirms or the volunteer declines ("pending": nobody has answered yet)."""
        plan.engaged.add(person.email)
        key = (plan.key, person.email)
        days_ago = max(1, days_ago)
        hour = 8 + self.rng.randint(0, 12)

        def ask() -> None:
            coordinator = self.coordinators[plan.organisation][0]
            if how == "offer":
                self.assignments[key] = assignment_offer(
                    help_request=plan.request,
                    volunteer=person.user,
                    message=self.rng.choice(OFFER_MESSAGES),
                )
            else:
                self.assignments[key] = assignment_invite(
                    help_request=plan.request, volunteer=person.user, actor=coordinator
                )

        self.chronicle.add(self.moment(days_ago, hour, self.rng.randint(0, 59)), ask)
        answered = days_ago - after
        if outcome == "pending" or answered < 1:
            return

        def answer() -> None:
            assignment = self.assignments[key]
            if outcome == "declined":
                assignment_decline(
                    assignment=assignment,
                    actor=person.user,
                    reason=self.rng.choice(DECLINE_REASONS),
                )
                return
            side = person.user if how == "invite" else self.coordinators[plan.organisation][0]
            self.assignments[key] = assignment_accept(assignment=assignment, actor=side)

        self.chronicle.add(self.moment(answered, hour + 1 if hour < 22 else hour), answer)
        if outcome == "confirmed":
            self.worked.append(Engagement(plan, person, answered))

    # --- trainings ----------------------------------------------------------------------------

    def _qualifications(self) -> None:
        # Reference data of the KI (kept in the admin; no service writes it).
        for slug, name_de, name_en in data.QUALIFICATIONS:
            Qualification.objects.update_or_create(
                slug=slug, defaults={"name_de": name_de, "name_en": name_en}
            )

    def _trainings(self) -> None:
        """Trainings of the KI: created and published six weeks before, registration opens
        then; past ones have attendance (their certificates are issued in _present)."""
        for spec in data.TRAININGS:
            title, qualification, days, capacity, hours, place, wanted, absent = spec
            sessions = [
                (
                    timezone.make_aware(dt.datetime.combine(self.today + dt.timedelta(d), time))
                    for time in (dt.time(10, 0), dt.time(14, 0))
                )
                for d in days
            ]
            sessions = [tuple(s) for s in sessions]
            first = sessions[0][0]
            opens = first - dt.timedelta(days=42)
            closes = first - dt.timedelta(days=2)
            created = max(1, (self.today - timezone.localdate(opens)).days + 7)
            self.chronicle.add(
                self.moment(created, 9),
                partial(
                    self._training, title, qualification, capacity, hours, place, sessions, opens
                ),
            )
            # Registrations: whoever had joined by then, spread over the open window.
            last = min(closes, self.moment(1, 8))
            if last <= opens or not wanted:
                continue
            people = self._registrants(title, wanted, before=(self.today - opens.date()).days)
            moments = sorted(opens + (last - opens) * self.rng.random() ** 1.5 for _ in people)
            for person, moment in zip(people, moments, strict=True):
                self.chronicle.add(
                    moment,
                    lambda t=title, p=person, m=moment: registration_create(
                        training=self.trainings[t], volunteer=p.user, now=m
                    ),
                )
            if first < self.now:
                self._attendance(title, sessions, people, absent)

    def _registrants(self, title: str, wanted: int, *, before: int) -> list[Person]:
        """Who registers: onboarded volunteers (the demo volunteers where the story has them)."""
        demo = {
            "Sprachmittlung Grundkurs": ["freiwillig1@example.org", "freiwillig2@example.org"],
            "Sprachmittlung Grundkurs – Aufbautag": ["freiwillig1@example.org"],
            "Kinderschutz im Ehrenamt": ["freiwillig2@example.org"],
        }.get(title, [])
        pool = [
            p
            for p in self.people
            if p.complete and p.joined > before and p.group != "demo" and p.email not in demo
        ]
        chosen = [self.by_email[e] for e in demo] + self.rng.sample(pool, wanted - len(demo))
        if title == "Sprachmittlung Grundkurs – Aufbautag":
            # freiwillig2 is first on the waiting list of the full course.
            chosen.insert(12, self.by_email["freiwillig2@example.org"])
            chosen = chosen[:wanted]
        return chosen

    def _training(self, title, qualification, capacity, hours, place, sessions, opens):
        closes = sessions[0][0] - dt.timedelta(days=2)
        training = training_create(
            actor=self.staff,
            data={
                "title": title,
                "description": data.TRAINING_DESCRIPTION,
                "place": "" if place == "Online-Seminar" else place,
                "online_url": "https://konferenz.example.org/ki-warendorf"
                if place == "Online-Seminar"
                else "",
                "capacity": capacity,
                "registration_opens_at": opens,
                "registration_closes_at": closes,
                "cancellation_deadline": closes - dt.timedelta(days=1),
                "language": "de",
                "target_group": "Ehrenamtliche in der Arbeit mit Geflüchteten",
                "hours_credited": hours,
                "qualification": Qualification.objects.filter(slug=qualification).first(),
            },
            sessions=sessions,
        )
        training_publish(training=training, actor=self.staff)
        self.trainings[title] = training

    def _attendance(self, title, sessions, people, absent: int) -> None:
        """Marked by KI staff after each session; `absent` people miss one (freiwillig2 the
        Grundkurs: no certificate for an incomplete course)."""
        missing = set(self.rng.sample(range(len(people)), absent))
        if title == "Sprachmittlung Grundkurs":
            missing = {1} | set(list(missing)[: absent - 1])
        for number, (_starts, ends) in enumerate(sessions):
            when = ends + dt.timedelta(hours=2)

            def mark(number=number) -> None:
                training = self.trainings[title]
                session = training.sessions.order_by("starts_at")[number]
                for index, person in enumerate(people):
                    registration = training.registrations.filter(
                        volunteer=person.user, status=Registration.Status.CONFIRMED
                    ).first()
                    if registration is None:
                        continue
                    present = not (index in missing and number == len(sessions) - 1)
                    attendance_mark(
                        session=session,
                        registration=registration,
                        present=present,
                        actor=self.staff,
                    )

            self.chronicle.add(when, mark)

    # --- hours --------------------------------------------------------------------------------

    def _hours(self) -> None:
        """Twelve months of hours: volunteers log them at the turn of each month, their
        coordinators confirm them a few days later. Last month's and this month's wait for
        confirmation."""
        months: dict[dt.date, list[tuple]] = {}

        def add(engagement: Engagement, day: dt.date, hours: str) -> None:
            months.setdefault(day.replace(day=1), []).append((engagement, day, Decimal(hours)))

        for engagement in self.worked:
            plan = engagement.plan
            kind = plan.schedule.split(":")[0]
            if kind == "once":
                if plan.event_in < 0 and -plan.event_in < engagement.since:  # it took place
                    add(engagement, self.day(-plan.event_in), self.rng.choice("2345"))
                continue
            end = max(1, engagement.until, plan.closed or 0)
            weekdays = {int(d) for d in plan.schedule.split(":")[1]} if kind == "weekly" else set()
            for days_ago in range(engagement.since - 1, end - 1, -1):
                day = self.day(days_ago)
                if kind == "weekly":
                    if day.weekday() in weekdays and self.rng.random() < 0.45:
                        add(engagement, day, self.rng.choice(("1.5", "2", "2", "2.5", "3")))
                elif self.rng.random() < 0.05:
                    add(engagement, day, self.rng.choice(("1", "1.5", "2", "3", "4")))
        for month, entries in sorted(months.items()):
            following = (month + dt.timedelta(days=32)).replace(day=1)
            if following > self.today:  # this month: logged as they go, up to yesterday
                self.chronicle.add(self.moment(1, 19), lambda e=entries, m=month: self._log(m, e))
                continue
            logged = max(1, (self.today - following).days)
            self.chronicle.add(self.moment(logged, 19), lambda e=entries, m=month: self._log(m, e))
            confirmed = logged - self.rng.randint(2, 5)
            # The demo coordinators have not got round to last month's yet.
            waiting = set(data.DEMO_COORDINATED.values()) if confirmed < 10 else set()
            if confirmed >= 1:
                self.chronicle.add(
                    self.moment(confirmed, 10), lambda m=month, w=waiting: self._confirm(m, w)
                )

    def _log(self, month: dt.date, entries) -> None:
        for engagement, day, hours in entries:
            plan = engagement.plan
            entry = hours_log(
                assignment=self.assignments[(plan.key, engagement.person.email)],
                actor=engagement.person.user,
                date=day,
                hours=hours,
                note=self.rng.choice(HOURS_NOTES.get(plan.area, [""])),
            )
            self.logged.setdefault(month, []).append((plan, entry))

    def _confirm(self, month: dt.date, waiting: set[str]) -> None:
        for plan, entry in self.logged.pop(month, []):
            if plan.organisation not in waiting:
                hours_confirm(entry=entry, actor=self.coordinators[plan.organisation][0])

    # --- now ----------------------------------------------------------------------------------

    def _present(self) -> None:
        """The last days before today, which the demo accounts find waiting for them."""
        self._invite_demo_volunteers()
        self.chronicle.run()
        # Requests whose "open until" is today: the expiry sweep as it runs tonight.
        help_requests_expire(today=self.today + dt.timedelta(days=1))
        # ... and then unanswered invitations of ended requests or older than two weeks.
        invitations_expire()
        # Teilnahmebescheinigungen of the past trainings, issued now (a PDF prints its date);
        # last week's course is still to do for the KI.
        for training in self.trainings.values():
            if training.first_starts_at < self.now - dt.timedelta(days=CERTIFICATES_AFTER_DAYS):
                certificates_issue_for_training(training=training, actor=self.staff)

    def _invite_demo_volunteers(self) -> None:
        """freiwillig1 is invited by the Syrian association in Beckum to interpret at the
        paediatrician's; freiwillig2 by koordination2 to the Sprachcafé; and a participant
        cancels the full Aufbautag, so freiwillig2, first on its waiting list, is offered the
        seat."""
        beckum = "Deutsch-Syrischer Kulturverein Beckum"
        interpreting = RequestPlan(
            key="beckum-kinderarzt",
            organisation=beckum,
            title="Dolmetschen Arabisch beim Kinderarzt",
            area="dolmetschen-sprachmittlung",
            languages=[("ar", data.FLUENT), ("de", data.FLUENT)],
            schedule="once:9",
            helpers=1,
            fz=False,
            description=next(
                t[6] for t in data.REQUEST_TEMPLATES if t[0].startswith("Dolmetschen Arabisch")
            ),
            status="open",
            created=3,
            event_in=6,
        )
        self.plans.append(interpreting)
        self.chronicle.add(
            self.moment(3, 16),
            lambda: self._create(interpreting, self.coordinators[beckum][0]),
        )
        anna = self.by_email["freiwillig1@example.org"]
        self._ask(interpreting, anna, "invite", 1, "pending", 0)
        sprachcafe = next(p for p in self.plans if p.key == "telgte-sprachcafe")
        yusuf = self.by_email["freiwillig2@example.org"]
        self._ask(sprachcafe, yusuf, "invite", 2, "pending", 0)
        # New offers for the demo coordinators to answer.
        for key in ("ahlen-behoerde", "ahlen-hausaufgaben", "telgte-sprachcafe"):
            plan = next(p for p in self.plans if p.key == key)
            for person in self._candidates(plan, before=3)[: 2 if key == "ahlen-behoerde" else 1]:
                self._ask(plan, person, "offer", self.rng.randint(1, 3), "pending", 0)

        def cancel() -> None:
            training = self.trainings["Sprachmittlung Grundkurs – Aufbautag"]
            registration = (
                training.registrations.filter(status=Registration.Status.CONFIRMED)
                .exclude(volunteer=anna.user)
                .order_by("queued_at")
                .last()
            )
            registration_cancel(
                registration=registration, actor=registration.volunteer, now=self.moment(1, 9)
            )

        self.chronicle.add(self.moment(1, 9), cancel)

    def _withdrawals(self) -> None:
        """Some helpers of long-running requests stopped during the year (moved away, a new
        job); their places opened again. At most one per request, never the last helper."""
        helpers: dict[str, list[Engagement]] = {}
        for engagement in self.worked:
            plan = engagement.plan
            if plan.status == "open" and plan.long_running and engagement.person.group != "demo":
                helpers.setdefault(plan.key, []).append(engagement)
        running = [
            e for group in helpers.values() if len(group) > 1 for e in group[:1] if e.since > 150
        ]
        for engagement in self.rng.sample(running, min(4, len(running))):
            engagement.until = self.rng.randint(20, engagement.since - 120)
            self.chronicle.add(
                self.moment(engagement.until, 18),
                lambda e=engagement: assignment_withdraw(
                    assignment=self.assignments[(e.plan.key, e.person.email)],
                    actor=e.person.user,
                    note=self.rng.choice(WITHDRAW_NOTES),
                ),
            )


def _describe(step) -> str:
    """Which step failed, for the error message: the function and what it was given."""
    function = getattr(step, "func", step)
    values = [getattr(step, "args", ())]
    for cell in getattr(function, "__closure__", None) or ():
        values.append(cell.cell_contents)
    values.append(getattr(function, "__defaults__", None))
    return f"{function.__qualname__} {values!r}"[:500]


def _domain(name: str) -> str:
    """A made-up web domain from an organisation's name."""
    words = unicodedata.normalize("NFKD", name.lower().replace("ü", "ue").replace("ö", "oe"))
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in words.replace("ä", "ae"))
    return "-".join(w for w in words.split() if w not in {"e", "v"})[:40].strip("-")


OFFER_MESSAGES = [
    "",
    "Ich hätte Zeit und würde gern helfen.",
    "Ich habe so etwas schon einmal gemacht und helfe gern.",
    "Guten Tag, ich wohne in der Nähe und könnte das übernehmen.",
    "Ich spreche die Sprache und bin zu den Zeiten meistens frei.",
]
DECLINE_REASONS = [
    "Zu dieser Zeit arbeite ich leider.",
    "Ich bin in den nächsten Wochen im Urlaub.",
    "Das ist mir leider zu weit weg.",
    "",
]
WITHDRAW_NOTES = [
    "Ich ziehe leider aus dem Kreis weg.",
    "Ich habe eine neue Stelle und keine Zeit mehr am Nachmittag.",
    "Aus gesundheitlichen Gründen muss ich pausieren.",
]
HOURS_NOTES = {
    "begleitung-zu-behorden-und-arzten": ["Termin Ausländerbehörde", "Bürgerbüro", ""],
    "hausaufgabenhilfe-lernforderung": ["Lesen und Mathe", "Vorbereitung Klassenarbeit", ""],
    "sprachforderung-deutsch-lernen": ["Gesprächsrunde", "Einkaufen geübt", ""],
    "begegnungscafe-ankommenstreffpunkt": ["Café-Dienst", "Aufbau und Abbau", ""],
}


def seed_volunteering(users: dict[str, User]) -> District:
    """Build the district (first run only; see district_exists)."""
    district = District(users)
    district.build()
    return district
