"""A month of matching, simulated: how the ranking spreads invitations and how many requests it
fills, with the fairness term at its configured weight and at 0, side by side.

Isolation: every run builds its synthetic world inside one `transaction.atomic()` block and
rolls that block back at the end (`transaction.set_rollback(True)`), also when it fails.
Nothing is ever committed; there is no second database. Inside the block the volunteers who
are already in the database are set aside (their onboarding date is cleared, which takes them
out of `contactable_profiles`) so that only synthetic volunteers are matched; the rollback
restores them. Because the run holds row locks on every volunteer profile until it ends,
`simulate` refuses to run where `DEMO_DATA_ALLOWED` is off (production settings).

The world (same seed -> same world, whatever the date):
- volunteers in the district's real towns (weighted by population), speaking German and the
  district's other languages at realistic rates, with 1-3 activity areas, 2-7 weekly slots and
  a travel radius; about 15 % cannot be matched (no consent, unverified address, inactive, or
  onboarding unfinished), about a third hold a Führungszeugnis (some expired);
- help requests arriving on working days and weekends alike (Poisson, `requests_per_day`),
  needing 1-3 helpers, mostly one of the languages refugees in the district speak.

The coordinator (one per run, like auto-invite) invites the best `batch` suggestions when a
request opens and, while it is not filled, the next `batch` every `after_days` days, until the
request is filled or `open_days` have passed (a single date: until that date).

The response model (RESPONSE_* constants): a share of volunteers are dormant and never answer;
the others leave some invitations unanswered and answer the rest after a delay. The chance to
accept grows with the fit (the unweighted mean of the activity, language, distance and
availability parts, computed here in Python from the data, not by the engine) and shrinks for
every request the volunteer is already helping with and every other invitation they received
in the last 7 days. Which invitation is answered, when, and the dice for accepting depend only
on the seed and the pair (request, volunteer), so both runs throw the same dice and only the
fairness weight differs.

Rows are written directly (bulk inserts, conditional updates), not through the services:
services stamp the real time and write outbox rows; the engine must see simulated time
(`created_at` of every invitation), because the 30-day fairness window and the 7-day invitation
budget are computed from it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from backend.accounts.models import User
from volunteers.models import (
    ActivityArea,
    Assignment,
    Consent,
    FuehrungszeugnisRecord,
    HelpRequest,
    HelpRequestLanguage,
    LanguageLevel,
    Organisation,
    Town,
    TownDistance,
    VolunteerLanguage,
    VolunteerProfile,
    slot_bit,
)
from volunteers.services.consents import consent_text_version
from volunteers.services.reference import towns_load_reference

from . import engine, scores

NATIVE, FLUENT, BASIC = LanguageLevel.NATIVE, LanguageLevel.FLUENT, LanguageLevel.BASIC
EMAIL_DOMAIN = "simulation.invalid"

# Inhabitants of the Kreis Warendorf towns (rounded, 2023). Towns missing here (another
# district's reference data) weigh as much as the median town.
TOWN_POPULATION = {
    "Ahlen": 53_000,
    "Beckum": 37_000,
    "Beelen": 6_500,
    "Drensteinfurt": 15_800,
    "Ennigerloh": 20_000,
    "Everswinkel": 9_700,
    "Oelde": 29_700,
    "Ostbevern": 11_300,
    "Sassenberg": 14_500,
    "Sendenhorst": 13_500,
    "Telgte": 20_200,
    "Wadersloh": 12_500,
    "Warendorf": 37_800,
}

# Volunteers: German is nearly everybody's; a quarter grew up with another language (the
# district's Turkish, Russian-speaking and Kurdish communities, and refugees of recent years);
# English and French are school languages.
GERMAN_LEVELS = {NATIVE: 80, FLUENT: 15, BASIC: 5}
HERITAGE_SHARE = 0.25
HERITAGE_LANGUAGES = {
    "tr": 24,
    "ru": 22,
    "ar": 16,
    "uk": 9,
    "kmr": 8,
    "fa": 5,
    "prs": 3,
    "sq": 5,
    "pl": 6,
    "ti": 1,
    "ps": 1,
}
SCHOOL_LANGUAGES = {"en": (0.6, {FLUENT: 45, BASIC: 55}), "fr": (0.15, {FLUENT: 25, BASIC: 75})}

# Requests: the languages the people asking for help speak.
REQUEST_LANGUAGE_NONE = 0.30  # German as a matter of course: no language listed
REQUEST_GERMAN_ONLY = 0.15  # German listed explicitly (tutoring, forms)
REQUEST_LANGUAGES = {
    "ar": 28,
    "uk": 22,
    "fa": 10,
    "prs": 8,
    "tr": 8,
    "kmr": 8,
    "ru": 6,
    "ti": 4,
    "ps": 3,
    "sq": 3,
}
REQUEST_MIN_LEVEL = {BASIC: 30, FLUENT: 60, NATIVE: 10}
REQUEST_ALSO_GERMAN = 0.2  # a language besides German, both needed

# Activity areas by slug (see the reference file); unlisted areas weigh 1.
REQUEST_AREAS = {
    "begleitung-zu-behorden-und-arzten": 6,
    "dolmetschen-sprachmittlung": 5,
    "hausaufgabenhilfe-lernforderung": 4,
    "sprachforderung-deutsch-lernen": 4,
    "kinderbetreuung": 3,
    "wohnungssuche-umzugshilfe": 3,
    "patenschaften-mentoring": 2,
    "fahrdienste": 2,
    "arbeit-und-ausbildung": 2,
    "digitale-hilfe": 2,
}
# Working with children needs a Führungszeugnis in most initiatives.
CHILDREN_AREAS = {"kinderbetreuung", "hausaufgabenhilfe-lernforderung", "patenschaften-mentoring"}

RADII = {0: 10, 10: 35, 20: 30, 35: 15, 60: 10}
HELPERS_NEEDED = {1: 70, 2: 20, 3: 10}
SCHEDULES = {
    HelpRequest.Schedule.ONCE: 40,
    HelpRequest.Schedule.WEEKLY: 45,
    HelpRequest.Schedule.FLEXIBLE: 15,
}
# Weekly slots people offer and requests take: afternoons and evenings on weekdays most.
SLOT_WEIGHTS = {
    slot_bit(day, part): weight
    for day in range(7)
    for part, weight in enumerate((2, 4, 3) if day < 5 else (2, 2, 1))
}

# Who cannot be matched at all (the engine's account filters must drop them).
NO_CONSENT, UNVERIFIED, INACTIVE, INCOMPLETE = 0.05, 0.03, 0.03, 0.04
FZ_VALID, FZ_EXPIRED = 0.30, 0.05

# The response model.
RESPONSE_DORMANT = 0.15  # share of volunteers who never answer any invitation
RESPONSE_SILENT = 0.10  # share of invitations an active volunteer leaves unanswered
RESPONSE_MEAN_DELAY_DAYS = 1.0  # answers come after an exponential delay, capped at 5 days
RESPONSE_MAX_DELAY_DAYS = 5.0
ACCEPT_BASE, ACCEPT_PER_FIT = 0.10, 0.60  # chance to accept = (base + per_fit * fit) * ...
ACCEPT_PER_RUNNING = 0.5  # ... times this for every request they help with right now
ACCEPT_PER_RECENT = 0.8  # ... times this for every other invitation in the last 7 days
RECENT_INVITATIONS = dt.timedelta(days=7)
# How long confirmed helpers stay busy once a request is filled (a single date: until then).
RUNS_FOR_DAYS = {HelpRequest.Schedule.WEEKLY: 90, HelpRequest.Schedule.FLEXIBLE: 14}


@dataclass(frozen=True)
class SimulationConfig:
    """What to simulate. Defaults: the demo scale."""

    volunteers: int = 300
    requests_per_day: float = 4.0
    days: int = 30
    seed: int = 1
    batch: int = 3
    after_days: int = 3
    open_days: int = 21


# --- The world, in Python ----------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerSpec:
    town: str
    languages: dict[str, int]
    areas: tuple[str, ...]
    availability: int
    radius: int
    consent: bool
    verified: bool
    active: bool
    complete: bool
    fz_years_ago: float | None  # certificate age at the real today; valid below 5 years
    dormant: bool

    @property
    def contactable(self) -> bool:
        return self.consent and self.verified and self.active and self.complete


@dataclass(frozen=True)
class RequestSpec:
    opens_after: dt.timedelta  # from the start of the simulation
    town: str
    area: str
    languages: dict[str, int]
    schedule: str
    starts: dt.timedelta | None  # a single date, from the start of the simulation
    weekly_slots: int
    helpers_needed: int
    requires_fuehrungszeugnis: bool


@dataclass(frozen=True)
class World:
    start: dt.datetime
    volunteers: list[VolunteerSpec]
    requests: list[RequestSpec]


def _pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; fine for the few requests a day that are simulated."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _slots(rng: random.Random, count: int) -> int:
    chosen: set[int] = set()
    while len(chosen) < count:
        chosen.add(_pick(rng, SLOT_WEIGHTS))
    return sum(chosen)


def simulation_start(days: int) -> dt.datetime:
    """Local midnight of the Monday on or before `days` days ago: the simulated month lies in
    the past, and its weekdays are the same whatever day the simulation runs on.

    Simulated moments are this start plus a timedelta: arithmetic on an aware datetime keeps
    its time zone and adds wall-clock time, so "day 3, 14:00" stays 14:00 across a change to or
    from summer time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = timezone.localdate() - dt.timedelta(days=days)
    monday = first - dt.timedelta(days=first.weekday())
    return dt.datetime.combine(monday, dt.time(), tzinfo=zone)


def world_generate(
    config: SimulationConfig, *, towns: Sequence[str], areas: Sequence[str]
) -> World:
    """The synthetic volunteers and requests, from the seed alone (no database access)."""
    rng = random.Random(config.seed)
    median = statistics.median(TOWN_POPULATION.values())
    town_weights = {town: TOWN_POPULATION.get(town, median) for town in towns}
    area_weights = {area: REQUEST_AREAS.get(area, 1) for area in areas}
    volunteers = []
    for _ in range(config.volunteers):
        languages = {"de": _pick(rng, GERMAN_LEVELS)}
        if rng.random() < HERITAGE_SHARE:
            languages[_pick(rng, HERITAGE_LANGUAGES)] = NATIVE
            languages["de"] = _pick(rng, {NATIVE: 30, FLUENT: 55, BASIC: 15})
        for code, (share, levels) in SCHOOL_LANGUAGES.items():
            if rng.random() < share:
                languages.setdefault(code, _pick(rng, levels))
        roll = rng.random()
        volunteers.append(
            VolunteerSpec(
                town=_pick(rng, town_weights),
                languages=languages,
                areas=tuple(rng.sample(list(areas), rng.randint(1, 3))),
                availability=_slots(rng, rng.randint(2, 7)),
                radius=_pick(rng, RADII),
                consent=rng.random() >= NO_CONSENT,
                verified=rng.random() >= UNVERIFIED,
                active=rng.random() >= INACTIVE,
                complete=rng.random() >= INCOMPLETE,
                fz_years_ago=(
                    rng.uniform(0, 4.5)
                    if roll < FZ_VALID
                    else rng.uniform(5.2, 7)
                    if roll < FZ_VALID + FZ_EXPIRED
                    else None
                ),
                dormant=rng.random() < RESPONSE_DORMANT,
            )
        )
    requests = []
    for day in range(config.days):
        for _ in range(_poisson(rng, config.requests_per_day)):
            roll = rng.random()
            if roll < REQUEST_LANGUAGE_NONE:
                languages = {}
            elif roll < REQUEST_LANGUAGE_NONE + REQUEST_GERMAN_ONLY:
                languages = {"de": _pick(rng, {FLUENT: 70, NATIVE: 30})}
            else:
                languages = {_pick(rng, REQUEST_LANGUAGES): _pick(rng, REQUEST_MIN_LEVEL)}
                if rng.random() < REQUEST_ALSO_GERMAN:
                    languages["de"] = BASIC
            area = _pick(rng, area_weights)
            schedule = _pick(rng, SCHEDULES)
            starts = None
            if schedule == HelpRequest.Schedule.ONCE:  # in 2 to 14 days, 9:00 to 19:00
                starts = dt.timedelta(days=day + rng.randint(2, 14), hours=rng.randint(9, 19))
            requests.append(
                RequestSpec(
                    # Requests are posted during the day, 8:00 to 20:00.
                    opens_after=dt.timedelta(days=day, hours=rng.uniform(8, 20)),
                    town=_pick(rng, town_weights),
                    area=area,
                    languages=languages,
                    schedule=schedule,
                    starts=starts,
                    weekly_slots=(
                        _slots(rng, rng.randint(1, 2))
                        if schedule == HelpRequest.Schedule.WEEKLY
                        else 0
                    ),
                    helpers_needed=_pick(rng, HELPERS_NEEDED),
                    requires_fuehrungszeugnis=(
                        rng.random() < (0.7 if area in CHILDREN_AREAS else 0.05)
                    ),
                )
            )
    return World(start=simulation_start(config.days), volunteers=volunteers, requests=requests)


# --- The world, in the database ---------------------------------------------------------------


@dataclass
class Built:
    """What a run needs of the rows it wrote: ids by index into the world's lists."""

    coordinator_id: int
    user_ids: list[int]
    profile_index: dict[int, int]  # VolunteerProfile pk -> volunteer index
    requests: list[HelpRequest]  # with languages prefetched, as volunteer_ranking wants them
    town_ids: dict[str, int]
    km: dict[tuple[int, int], int]
    set_aside: int  # real volunteers taken out of matching for the run


def world_build(world: World) -> Built:
    """Write the world, on the reference towns and activity areas (loaded). Runs inside the
    caller's transaction (see `simulate_once`), which must be rolled back."""
    set_aside = VolunteerProfile.objects.filter(onboarding_completed_at__isnull=False).update(
        onboarding_completed_at=None
    )
    town_ids = dict(Town.objects.values_list("name", "pk"))
    area_ids = dict(ActivityArea.objects.values_list("slug", "pk"))
    postal = dict(Town.objects.values_list("pk", "postal_codes"))
    km = {(a, b): d for a, b, d in TownDistance.objects.values_list("from_town", "to_town", "km")}
    start = world.start
    today = timezone.localdate()
    password = make_password(None)

    coordinator = User.objects.create(
        email=f"coordinator@{EMAIL_DOMAIN}", first_name="Simulation", password=password
    )
    organisation = Organisation.objects.create(
        name="simulate_matching",
        kind=Organisation.Kind.INITIATIVE,
        town_id=next(iter(town_ids.values())),
        contact_email=f"coordinator@{EMAIL_DOMAIN}",
        verified_at=start,
    )
    users = User.objects.bulk_create(
        User(
            email=f"volunteer-{n}@{EMAIL_DOMAIN}",
            first_name="Volunteer",
            last_name=str(n),
            password=password,
            is_active=spec.active,
            date_joined=start,
        )
        for n, spec in enumerate(world.volunteers)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=spec.verified, primary=True)
        for user, spec in zip(users, world.volunteers, strict=True)
    )
    version = consent_text_version(Consent.Kind.CONTACT)
    Consent.objects.bulk_create(
        Consent(user=user, kind=Consent.Kind.CONTACT, text_version=version, given_at=start)
        for user, spec in zip(users, world.volunteers, strict=True)
        if spec.consent
    )
    FuehrungszeugnisRecord.objects.bulk_create(
        FuehrungszeugnisRecord(
            volunteer=user,
            certificate_date=(issued := today - dt.timedelta(days=round(spec.fz_years_ago * 365))),
            seen_on=issued,
        )
        for user, spec in zip(users, world.volunteers, strict=True)
        if spec.fz_years_ago is not None
    )
    profiles = VolunteerProfile.objects.bulk_create(
        VolunteerProfile(
            user=user,
            town_id=town_ids[spec.town],
            postal_code=postal[town_ids[spec.town]][0],
            availability=spec.availability,
            travel_radius_km=spec.radius,
            onboarding_step=5,
            onboarding_completed_at=start if spec.complete else None,
            created_at=start,
        )
        for user, spec in zip(users, world.volunteers, strict=True)
    )
    VolunteerLanguage.objects.bulk_create(
        VolunteerLanguage(profile=profile, code=code, level=level)
        for profile, spec in zip(profiles, world.volunteers, strict=True)
        for code, level in spec.languages.items()
    )
    through = VolunteerProfile.activity_areas.through
    through.objects.bulk_create(
        through(volunteerprofile_id=profile.pk, activityarea_id=area_ids[area])
        for profile, spec in zip(profiles, world.volunteers, strict=True)
        for area in spec.areas
    )

    requests = HelpRequest.objects.bulk_create(
        HelpRequest(
            organisation=organisation,
            title=f"Simulated request {n}",
            description="",
            activity_area_id=area_ids[spec.area],
            town_id=town_ids[spec.town],
            schedule=spec.schedule,
            starts_at=None if spec.starts is None else start + spec.starts,
            weekly_slots=spec.weekly_slots,
            helpers_needed=spec.helpers_needed,
            requires_fuehrungszeugnis=spec.requires_fuehrungszeugnis,
            open_until=(start + spec.opens_after).date() + dt.timedelta(days=60),
            status=HelpRequest.Status.DRAFT,
            created_by=coordinator,
            created_at=start + spec.opens_after,
        )
        for n, spec in enumerate(world.requests)
    )
    HelpRequestLanguage.objects.bulk_create(
        HelpRequestLanguage(help_request=help_request, code=code, min_level=level)
        for help_request, spec in zip(requests, world.requests, strict=True)
        for code, level in spec.languages.items()
    )
    loaded = HelpRequest.objects.prefetch_related("languages").in_bulk([r.pk for r in requests])
    return Built(
        coordinator_id=coordinator.pk,
        user_ids=[user.pk for user in users],
        profile_index={profile.pk: n for n, profile in enumerate(profiles)},
        requests=[loaded[r.pk] for r in requests],
        town_ids=town_ids,
        km=km,
        set_aside=set_aside,
    )


# --- The month ---------------------------------------------------------------------------------


def fit(volunteer: VolunteerSpec, help_request: HelpRequest, spec: RequestSpec, km: int) -> float:
    """How well the request suits the volunteer, 0..1, as the response model sees it: the mean
    of the engine's activity, language, distance and availability parts (not the fairness)."""
    activity = 1.0 if spec.area in volunteer.areas else 0.0
    if spec.languages:
        language = statistics.fmean(
            scores.level_score(volunteer.languages[code]) for code in spec.languages
        )
    else:
        language = scores.NEUTRAL
    distance = 1.0 if km == 0 else 1 - km / volunteer.radius
    slots = scores.request_slots(help_request)
    if slots is None:
        availability = scores.NEUTRAL
    else:
        availability = len(scores.bits(volunteer.availability & slots)) / len(scores.bits(slots))
    return (activity + language + distance + availability) / 4


@dataclass(frozen=True)
class Response:
    """How a volunteer answers one invitation: after `delay`, `accept` if `dice` < the chance
    to accept at that moment; `delay` None: never."""

    delay: dt.timedelta | None
    dice: float


def response(seed: int, request_index: int, volunteer: VolunteerSpec, n: int) -> Response:
    """The dice for one (request, volunteer) pair: the same in every run with the seed."""
    rng = random.Random(f"{seed}:{request_index}:{n}")
    silent, delay, dice = rng.random(), rng.expovariate(1 / RESPONSE_MEAN_DELAY_DAYS), rng.random()
    if volunteer.dormant or silent < RESPONSE_SILENT:
        return Response(delay=None, dice=dice)
    return Response(delay=dt.timedelta(days=min(delay, RESPONSE_MAX_DELAY_DAYS)), dice=dice)


@dataclass(frozen=True)
class RunReport:
    """The figures of one run. Shares are 0..1; days are fractional."""

    fairness_weight: float
    requests: int
    filled: int
    filled_share: float
    median_days_to_fill: float | None
    no_candidate: int
    no_candidate_share: float
    invitations: int
    accepted: int
    contactable_volunteers: int
    invited_volunteers_share: float
    invitations_max: int
    invitations_gini: float
    # Invitations per volunteer index (every volunteer, 0 included), for checks.
    invitations_per_volunteer: list[int] = field(repr=False)


def gini(values: Sequence[int]) -> float:
    """Gini coefficient of non-negative counts: 0 when all are equal, towards 1 when one
    volunteer gets everything; 0 for no values or all zero."""
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if not n or not total:
        return 0.0
    ranked = sum(rank * value for rank, value in enumerate(ordered, start=1))
    return 2 * ranked / (n * total) - (n + 1) / n


@dataclass
class _Request:
    """A request's state during a run."""

    index: int
    row: HelpRequest
    spec: RequestSpec
    closes_at: dt.datetime  # the last moment it takes helpers
    status: str = HelpRequest.Status.DRAFT
    opened_at: dt.datetime | None = None
    filled_at: dt.datetime | None = None
    confirmed: list[int] = field(default_factory=list)  # volunteer indexes
    pending: dict[int, int] = field(default_factory=dict)  # volunteer index -> assignment pk
    no_candidate: bool = False


class _Run:
    """One month with one set of weights: events in time order, each a few queries."""

    def __init__(self, config: SimulationConfig, world: World, built: Built) -> None:
        self.config, self.world, self.built = config, world, built
        self.events: list[tuple[dt.datetime, int, Callable[..., None], tuple]] = []
        self.order = itertools.count()
        self.invited_at: list[list[dt.datetime]] = [[] for _ in world.volunteers]
        self.running: list[set[int]] = [set() for _ in world.volunteers]
        self.accepted = 0
        self.requests = []
        for n, (row, spec) in enumerate(zip(built.requests, world.requests, strict=True)):
            opens = world.start + spec.opens_after
            closes = opens + dt.timedelta(days=config.open_days)
            if row.starts_at is not None:
                closes = min(closes, row.starts_at)
            self.requests.append(_Request(index=n, row=row, spec=spec, closes_at=closes))

    def at(self, when: dt.datetime, action: Callable[..., None], *args: object) -> None:
        heapq.heappush(self.events, (when, next(self.order), action, args))

    def run(self) -> None:
        end = self.world.start + dt.timedelta(days=self.config.days)
        for request in self.requests:
            self.at(self.world.start + request.spec.opens_after, self.open, request)
        while self.events and self.events[0][0] < end:
            when, _, action, args = heapq.heappop(self.events)
            action(when, *args)

    # Events.

    def open(self, now: dt.datetime, request: _Request) -> None:
        request.status, request.opened_at = HelpRequest.Status.OPEN, now
        HelpRequest.objects.filter(pk=request.row.pk).update(status=request.status, opened_at=now)
        request.no_candidate = not self.invite(now, request)
        self.at(request.closes_at, self.expire, request)
        self.at(now + dt.timedelta(days=self.config.after_days), self.follow_up, request)

    def follow_up(self, now: dt.datetime, request: _Request) -> None:
        if request.status != HelpRequest.Status.OPEN:
            return
        self.invite(now, request)
        self.at(now + dt.timedelta(days=self.config.after_days), self.follow_up, request)

    def invite(self, now: dt.datetime, request: _Request) -> int:
        """Invite the best `batch` suggestions at `now`; returns how many there were."""
        ranking = engine.volunteer_ranking(request.row, limit=self.config.batch, now=now)
        chosen = [self.built.profile_index[pk] for pk, _score in ranking]
        if not chosen:
            return 0
        rows = Assignment.objects.bulk_create(
            Assignment(
                help_request_id=request.row.pk,
                volunteer_id=self.built.user_ids[n],
                status=Assignment.Status.INVITED,
                invited_by_id=self.built.coordinator_id,
                created_at=now,
            )
            for n in chosen
        )
        for n, row in zip(chosen, rows, strict=True):
            self.invited_at[n].append(now)
            request.pending[n] = row.pk
            answer = response(self.config.seed, request.index, self.world.volunteers[n], n)
            if answer.delay is not None:
                self.at(now + answer.delay, self.answer, request, n, answer.dice)
        return len(chosen)

    def answer(self, now: dt.datetime, request: _Request, n: int, dice: float) -> None:
        if request.status != HelpRequest.Status.OPEN or n not in request.pending:
            return  # filled or closed meanwhile: the invitation was withdrawn
        pk = request.pending.pop(n)
        if dice >= self.chance_to_accept(now, request, n):
            Assignment.objects.filter(pk=pk).update(
                status=Assignment.Status.DECLINED, responded_at=now
            )
            return
        Assignment.objects.filter(pk=pk).update(
            status=Assignment.Status.CONFIRMED, responded_at=now, confirmed_at=now
        )
        self.accepted += 1
        request.confirmed.append(n)
        self.running[n].add(request.index)
        fields = {"confirmed_count": len(request.confirmed)}
        if len(request.confirmed) == request.spec.helpers_needed:
            request.status, request.filled_at = HelpRequest.Status.FILLED, now
            fields["status"] = request.status
            self.withdraw_pending(now, request)
            runs_for = RUNS_FOR_DAYS.get(request.spec.schedule)
            ends = request.row.starts_at if runs_for is None else now + dt.timedelta(runs_for)
            self.at(max(ends, now), self.close, request)
        HelpRequest.objects.filter(pk=request.row.pk).update(**fields)

    def expire(self, now: dt.datetime, request: _Request) -> None:
        if request.status != HelpRequest.Status.OPEN:
            return
        request.status = HelpRequest.Status.EXPIRED
        HelpRequest.objects.filter(pk=request.row.pk).update(status=request.status)
        self.withdraw_pending(now, request)
        self.end_helping(request)

    def close(self, now: dt.datetime, request: _Request) -> None:
        request.status = HelpRequest.Status.CLOSED
        HelpRequest.objects.filter(pk=request.row.pk).update(status=request.status)
        self.end_helping(request)

    # Helpers.

    def chance_to_accept(self, now: dt.datetime, request: _Request, n: int) -> float:
        volunteer = self.world.volunteers[n]
        km = self.built.km[
            (self.built.town_ids[volunteer.town], self.built.town_ids[request.spec.town])
        ]
        recent = sum(now - at < RECENT_INVITATIONS for at in self.invited_at[n]) - 1
        return (
            (ACCEPT_BASE + ACCEPT_PER_FIT * fit(volunteer, request.row, request.spec, km))
            * ACCEPT_PER_RUNNING ** len(self.running[n])
            * ACCEPT_PER_RECENT ** max(recent, 0)
        )

    def withdraw_pending(self, now: dt.datetime, request: _Request) -> None:
        Assignment.objects.filter(pk__in=request.pending.values()).update(
            status=Assignment.Status.WITHDRAWN, ended_at=now
        )
        request.pending.clear()

    def end_helping(self, request: _Request) -> None:
        for n in request.confirmed:
            self.running[n].discard(request.index)

    def report(self) -> RunReport:
        contactable = [n for n, v in enumerate(self.world.volunteers) if v.contactable]
        per_volunteer = [len(times) for times in self.invited_at]
        counts = [per_volunteer[n] for n in contactable]
        filled = [r for r in self.requests if r.filled_at is not None]
        total = len(self.requests)
        return RunReport(
            fairness_weight=float(settings.MATCHING_WEIGHTS["fairness"]),
            requests=total,
            filled=len(filled),
            filled_share=len(filled) / total if total else 0.0,
            median_days_to_fill=(
                statistics.median(
                    (r.filled_at - r.opened_at) / dt.timedelta(days=1) for r in filled
                )
                if filled
                else None
            ),
            no_candidate=sum(r.no_candidate for r in self.requests),
            no_candidate_share=(
                sum(r.no_candidate for r in self.requests) / total if total else 0.0
            ),
            invitations=sum(per_volunteer),
            accepted=self.accepted,
            contactable_volunteers=len(contactable),
            invited_volunteers_share=(sum(1 for c in counts if c) / len(counts) if counts else 0.0),
            invitations_max=max(per_volunteer, default=0),
            invitations_gini=gini(counts),
            invitations_per_volunteer=per_volunteer,
        )


def world_run(config: SimulationConfig, world: World, built: Built) -> RunReport:
    """Simulate the month on a built world with the weights now in settings. Writes rows; the
    caller rolls them back."""
    run = _Run(config, world, built)
    run.run()
    return run.report()


# --- Both runs ---------------------------------------------------------------------------------


class SimulationRefused(Exception):
    """The simulation does not run against a production database."""


@dataclass(frozen=True)
class SimulationReport:
    config: SimulationConfig
    volunteers_set_aside: int
    fairness_on: RunReport
    fairness_off: RunReport
    seconds: float

    def as_dict(self) -> dict:
        data = asdict(self)
        for run in ("fairness_on", "fairness_off"):
            del data[run]["invitations_per_volunteer"]
        return data


def simulate_once(config: SimulationConfig, *, fairness: float) -> tuple[RunReport, int]:
    """One run with the fairness weight set to `fairness`, inside a transaction that is rolled
    back. Returns the report and how many existing volunteers were set aside."""
    weights = {**settings.MATCHING_WEIGHTS, "fairness": fairness}
    with override_settings(MATCHING_WEIGHTS=weights), transaction.atomic():
        try:
            towns_load_reference()
            world = world_generate(
                config,
                towns=list(Town.objects.order_by("name").values_list("name", flat=True)),
                areas=list(ActivityArea.objects.order_by("slug").values_list("slug", flat=True)),
            )
            built = world_build(world)
            return world_run(config, world, built), built.set_aside
        finally:
            transaction.set_rollback(True)


def simulate(config: SimulationConfig) -> SimulationReport:
    """Both runs, same seed: fairness at its configured weight, then at 0. Nothing is kept.
    Raises SimulationRefused with production settings."""
    if not settings.DEMO_DATA_ALLOWED:
        raise SimulationRefused(
            "simulate_matching refuses to run with production settings: it locks every "
            "volunteer profile while it runs."
        )
    started = time.perf_counter()
    configured = float(settings.MATCHING_WEIGHTS["fairness"])
    on, set_aside = simulate_once(config, fairness=configured)
    off, _ = simulate_once(config, fairness=0.0)
    return SimulationReport(
        config=config,
        volunteers_set_aside=set_aside,
        fairness_on=on,
        fairness_off=off,
        seconds=round(time.perf_counter() - started, 2),
    )


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def report_table(report: SimulationReport) -> str:
    """The report as a plain-text table, fairness on and off side by side."""
    config, on, off = report.config, report.fairness_on, report.fairness_off
    rows: list[tuple[str, Callable[[RunReport], str]]] = [
        ("Requests", lambda r: str(r.requests)),
        ("Requests filled", lambda r: _percent(r.filled_share)),
        (
            "Median time to fill (days)",
            lambda r: "-" if r.median_days_to_fill is None else f"{r.median_days_to_fill:.1f}",
        ),
        ("No eligible candidate at opening", lambda r: _percent(r.no_candidate_share)),
        ("Invitations sent", lambda r: str(r.invitations)),
        ("Invitations accepted", lambda r: str(r.accepted)),
        ("Invitations per volunteer: max", lambda r: str(r.invitations_max)),
        ("Invitations per volunteer: Gini", lambda r: f"{r.invitations_gini:.3f}"),
        ("Volunteers invited at least once", lambda r: _percent(r.invited_volunteers_share)),
    ]
    head = (f"fairness {on.fairness_weight:g}", f"fairness {off.fairness_weight:g}")
    label_width = max(len(label) for label, _ in rows)
    width = max(12, *(len(h) for h in head))
    lines = [
        f"Matching simulation: {config.volunteers} volunteers ({on.contactable_volunteers} "
        f"matchable), {config.requests_per_day:g} requests a day for {config.days} days, "
        f"seed {config.seed}.",
        f"The coordinator invites the best {config.batch} when a request opens and the next "
        f"{config.batch} every {config.after_days} days until it is filled "
        f"(at most {config.open_days} days).",
        "",
        f"{'':<{label_width}}  {head[0]:>{width}}  {head[1]:>{width}}",
    ]
    lines += [
        f"{label:<{label_width}}  {value(on):>{width}}  {value(off):>{width}}"
        for label, value in rows
    ]
    lines += [
        "",
        "Gini and max over the matchable volunteers (0 = everybody asked equally often).",
        f"{report.seconds:.1f} s; nothing was kept (every run was rolled back).",
    ]
    if report.volunteers_set_aside:
        lines.append(
            f"{report.volunteers_set_aside} volunteers already in the database were left out "
            "of matching during the runs."
        )
    return "\n".join(lines)
