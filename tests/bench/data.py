"""Synthetic data for the benchmark database, written with COPY.

Counts are given for scale 100,000 (volunteers) and scale linearly, down to the floors in
MINIMUM_COUNTS. Each model family has one generator, registered with `@generator(...)` in the
order it must run; a generator reads the ids earlier ones left in `ctx.ids` and leaves its own
there. A count in DEFAULT_COUNTS that no generator produces yet is reported as planned. Later
issues add one generator per new model.

Every account shares one password hash (Argon2 once, ~0.1 s, instead of 100,000 times).
Import this module only after django.setup() with the benchmark environment (see run.py).
"""

from __future__ import annotations

import io
import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import psycopg
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import NOT_PROVIDED, Model
from django.utils import timezone
from psycopg import sql
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from backend.accounts.services import user_set_totp
from backend.models import StatusChange
from directory.models import Offer, OfferLanguage
from funding.models import (
    Application,
    BuildingBlock,
    CostLine,
    DecisionLetter,
    InternalNote,
    Pauschale,
    Payment,
    Programme,
    ProgrammeYear,
)
from funding.services.programmes import programme_year_create
from funding.services.review import CHECKLIST
from volunteers.models import (
    ALL_SLOTS,
    ActivityArea,
    Assignment,
    Consent,
    HelpRequest,
    HelpRequestLanguage,
    HoursEntry,
    Membership,
    Organisation,
    Town,
    VolunteerLanguage,
    VolunteerProfile,
)
from volunteers.services.consents import consent_text_version

from .server import POSTGRES_ADMIN_URL

FULL_SCALE = 100_000
# What a district of FULL_SCALE volunteers has; the issue that adds a model adds its generator.
DEFAULT_COUNTS = {
    "volunteers": 100_000,
    "organisations": 500,
    "help_requests": 10_000,
    "trainings": 1_000,
    "training_registrations": 30_000,
    "grant_applications": 2_000,
    "directory_offers": 3_000,
}
# Not scaled: a KI has a handful of staff whatever the number of volunteers.
FIXED_COUNTS = {"ki_staff": 5}
# Floors for tiny scales: the smoke test (scale 50) still sees every status in every block.
MINIMUM_COUNTS = {"grant_applications": 50}

BENCH_PASSWORD = "bench-password-2026"
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DOMAIN = "bench.example.org"
# The accounts the scenarios act as (the first of their kind).
VOLUNTEER_EMAIL = f"volunteer-1@{DOMAIN}"
STAFF_EMAIL = f"staff-1@{DOMAIN}"

FIRST_NAMES = "Anna Ben Clara David Elif Fatima Georg Hanna Ibrahim Jana Karim Lena Mehmet Nora "
FIRST_NAMES += "Omar Paula Rami Sofia Tim Yasmin"
LAST_NAMES = "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Yılmaz "
LAST_NAMES += "Kaya Demir Nowak Haddad Rahimi Koch Richter Klein Wolf"
ORGANISATION_WORDS = [
    "Flüchtlingshilfe",
    "Willkommensinitiative",
    "Begegnungscafé",
    "Sprachpaten",
    "Kulturverein",
    "Nachbarschaftshilfe",
    "Frauentreff",
    "Gemeinde",
]


@dataclass
class Context:
    """What generators share: the counts, one random source, the shared hash and the ids."""

    counts: dict[str, int]
    rng: random.Random
    cursor: psycopg.Cursor
    password_hash: str
    now: datetime
    town_ids: list[int]
    ids: dict[str, list[int]] = field(default_factory=dict)

    def past(self, days: int) -> datetime:
        """A random moment in the last `days` days."""
        return self.now - timedelta(seconds=self.rng.randrange(days * 86400))

    def name(self) -> tuple[str, str]:
        """A first and a last name."""
        return self.rng.choice(FIRST_NAMES.split()), self.rng.choice(LAST_NAMES.split())


Generator = Callable[[Context], None]
GENERATORS: list[tuple[tuple[str, ...], Generator]] = []


def generator(*produces: str) -> Callable[[Generator], Generator]:
    """Register a generator; `produces` are the count names it fills."""

    def register(func: Generator) -> Generator:
        GENERATORS.append((produces, func))
        return func

    return register


def counts_for(scale: int) -> dict[str, int]:
    """Every default count in proportion to `scale` volunteers (at least 1 each, or its
    MINIMUM_COUNTS floor)."""
    counts = {
        name: max(MINIMUM_COUNTS.get(name, 1), round(n * scale / FULL_SCALE))
        for name, n in DEFAULT_COUNTS.items()
    }
    return {**counts, **FIXED_COUNTS}


def copy_rows(cursor: psycopg.Cursor, model: type[Model], fields: list[str], rows: Iterable):
    """COPY rows (tuples in the order of `fields`, model field names) into the model's table.
    Columns left out get the model's fixed default (an empty text, False, 0: so a column added
    to a model later does not break the benchmark), else their database default (the id) or
    NULL."""
    quote = connection.ops.quote_name
    fixed = {
        field.name: field.get_default()
        for field in model._meta.concrete_fields
        if field.name not in fields
        and not field.null
        and not field.primary_key
        and not field.generated
        and field.db_default is NOT_PROVIDED
        and (
            (field.has_default() and not callable(field.default))
            or (not field.has_default() and field.empty_strings_allowed)
        )
    }
    names = [*fields, *fixed]
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in names)
    extra = tuple(fixed.values())
    with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *extra))


def user_ids(cursor: psycopg.Cursor, email_prefix: str) -> list[int]:
    cursor.execute(
        f"SELECT id FROM {User._meta.db_table} WHERE email LIKE %s ORDER BY id",
        [f"{email_prefix}-%@{DOMAIN}"],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_users(ctx: Context, prefix: str, count: int, role: str) -> list[int]:
    """`count` active accounts `<prefix>-<n>@DOMAIN` with the shared password; their ids."""
    rows = (
        (
            f"{prefix}-{n}@{DOMAIN}",
            ctx.password_hash,
            *ctx.name(),
            role,
            "en" if ctx.rng.random() < 0.15 else "de",
            True,
            False,
            False,
            ctx.past(3 * 365),
        )
        for n in range(1, count + 1)
    )
    fields = ["email", "password", "first_name", "last_name", "role", "language", "is_active"]
    fields += ["is_staff", "is_superuser", "date_joined"]
    copy_rows(ctx.cursor, User, fields, rows)
    return user_ids(ctx.cursor, prefix)


# Languages volunteers speak besides German, roughly as often as in the district.
OTHER_LANGUAGES = ["en"] * 30 + ["ar"] * 8 + ["ru"] * 8 + ["tr"] * 8 + ["uk"] * 5
OTHER_LANGUAGES += ["fa"] * 3 + ["fr"] * 6 + ["kmr"] * 2 + ["sq"] * 2 + ["pl"] * 3


@generator("volunteers")
def volunteers(ctx: Context) -> None:
    """Complete profiles: town and one of its postal codes, German plus 0-2 other languages,
    1-3 activity areas, a random weekly availability, a travel radius."""
    ids = copy_users(ctx, "volunteer", ctx.counts["volunteers"], User.Role.MEMBER)
    towns = {t.pk: t.postal_codes for t in Town.objects.all()}
    radii = [choice.value for choice in VolunteerProfile.Radius]
    rows = []
    for uid in ids:
        town = ctx.rng.choice(ctx.town_ids)
        completed = ctx.past(3 * 365)
        rows.append(
            (
                uid,
                town,
                ctx.rng.choice(towns[town]),
                ctx.rng.randrange(ALL_SLOTS + 1),
                ctx.rng.choice(radii),
                "",
                5,
                completed,
                completed,
            )
        )
    fields = [
        "user",
        "town",
        "postal_code",
        "availability",
        "travel_radius_km",
        "phone",
        "onboarding_step",
        "onboarding_completed_at",
        "created_at",
    ]
    copy_rows(ctx.cursor, VolunteerProfile, fields, rows)
    ctx.cursor.execute(f"SELECT id FROM {VolunteerProfile._meta.db_table} ORDER BY id")
    profile_ids = [row[0] for row in ctx.cursor.fetchall()]

    def languages():
        for pid in profile_ids:
            yield pid, "de", 3 if ctx.rng.random() < 0.8 else 2
            for code in set(ctx.rng.sample(OTHER_LANGUAGES, ctx.rng.randrange(3))) - {"de"}:
                yield pid, code, ctx.rng.choice([1, 2, 2, 3])

    copy_rows(ctx.cursor, VolunteerLanguage, ["profile", "code", "level"], languages())
    area_ids = list(ActivityArea.objects.values_list("pk", flat=True))
    through = VolunteerProfile.activity_areas.through
    areas = (
        (pid, area)
        for pid in profile_ids
        for area in ctx.rng.sample(area_ids, ctx.rng.randint(1, 3))
    )
    copy_rows(ctx.cursor, through, ["volunteerprofile", "activityarea"], areas)
    ctx.ids["volunteer_users"] = ids


@generator("organisations")
def organisations(ctx: Context) -> None:
    """Organisations (90 % verified), each with its own coordinator account."""
    count = ctx.counts["organisations"]
    kinds = [kind.value for kind in Organisation.Kind]
    rows = []
    for n in range(1, count + 1):
        word = ORGANISATION_WORDS[n % len(ORGANISATION_WORDS)]
        created = ctx.past(5 * 365)
        verified = created + timedelta(days=3) if ctx.rng.random() < 0.9 else None
        rows.append(
            (
                f"{word} {n}",
                ctx.rng.choice(kinds),
                ctx.rng.choice(ctx.town_ids),
                f"Hauptstraße {n % 200 + 1}",
                f"kontakt-{n}@{DOMAIN}",
                f"{word}: Begleitung, Sprachkurse und Treffpunkt für Geflüchtete.",
                verified,
                created,
            )
        )
    fields = ["name", "kind", "town", "address", "contact_email", "description"]
    copy_rows(ctx.cursor, Organisation, [*fields, "verified_at", "created_at"], rows)
    ctx.cursor.execute(f"SELECT id FROM {Organisation._meta.db_table} ORDER BY id")
    org_ids = [row[0] for row in ctx.cursor.fetchall()]
    coordinators = copy_users(ctx, "coordinator", count, User.Role.MEMBER)
    memberships = ((org, user, ctx.now) for org, user in zip(org_ids, coordinators, strict=True))
    copy_rows(ctx.cursor, Membership, ["organisation", "user", "created_at"], memberships)
    ctx.ids["organisations"] = org_ids
    ctx.ids["coordinator_users"] = coordinators


@generator("ki_staff")
def ki_staff(ctx: Context) -> None:
    """KI staff; the first is the lead. STAFF_EMAIL gets TOTP so that its API token works."""
    ids = copy_users(ctx, "staff", ctx.counts["ki_staff"], User.Role.KI_STAFF)
    User.objects.filter(pk=ids[0]).update(role=User.Role.KI_LEAD)
    ctx.ids["staff_users"] = ids


# Help requests: how their statuses and sizes are spread, and what they are about.
REQUEST_STATUSES = ["open"] * 70 + ["filled"] * 10 + ["closed"] * 8 + ["expired"] * 7
REQUEST_STATUSES += ["draft"] * 5
HELPERS_NEEDED = [1] * 30 + [2] * 25 + [3] * 15 + [4] * 10 + [5] * 8 + [6, 8, 10, 12, 15] * 2
HELPERS_NEEDED += [20, 30]
REQUEST_TITLES = [
    "Begleitung zu Behördenterminen",
    "Hausaufgabenhilfe am Nachmittag",
    "Dolmetschen beim Elterngespräch",
    "Unterstützung im Sprachcafé",
    "Hilfe beim Umzug",
    "Fahrradwerkstatt: Helfende gesucht",
    "Kinderbetreuung während des Deutschkurses",
    "Begleitung zur Arztpraxis",
]
PLACES = ["Stadtbücherei", "Gemeindehaus", "Rathaus", "Begegnungscafé", "Familienzentrum", ""]
# Share of volunteers with at least one confirmed assignment (besides the bench volunteer).
HELPING_SHARE = 0.05
# What the bench volunteer's dashboard shows: ~10 assignments in every status.
BENCH_ASSIGNMENTS = ["invited"] * 2 + ["offered"] * 2 + ["confirmed"] * 3
BENCH_ASSIGNMENTS += ["declined"] * 2 + ["withdrawn"]


def verified_organisations(ctx: Context) -> list[tuple[int, int]]:
    """(id, town) of the verified organisations; at tiny scales the first one is made verified
    if none is, so that there is somebody to ask for help."""
    table = Organisation._meta.db_table
    query = f"SELECT id, town_id FROM {table} WHERE verified_at IS NOT NULL ORDER BY id"
    ctx.cursor.execute(query)
    rows = ctx.cursor.fetchall()
    if not rows:
        first = min(ctx.ids["organisations"])
        ctx.cursor.execute(f"UPDATE {table} SET verified_at = created_at WHERE id = %s", [first])
        ctx.cursor.execute(query)
        rows = ctx.cursor.fetchall()
    return rows


@generator("help_requests")
def help_requests(ctx: Context) -> None:
    """Help requests of verified organisations (mostly in their own town), 70 % open, with 0-2
    languages; confirmed assignments filling exactly their confirmed_count, drawn from ~5 % of
    the volunteers; and ~10 assignments in every status (some with hours) for the bench
    volunteer. Consistent with the constraints: confirmed_count <= helpers_needed, filled means
    full, one active assignment per volunteer and request."""
    rng = ctx.rng
    today = ctx.now.date()
    orgs = verified_organisations(ctx)
    coordinator = dict(zip(ctx.ids["organisations"], ctx.ids["coordinator_users"], strict=True))
    area_ids = list(ActivityArea.objects.order_by("id").values_list("pk", flat=True))
    bench = User.objects.get(email=VOLUNTEER_EMAIL).pk
    pool = [uid for uid in ctx.ids["volunteer_users"] if uid != bench]
    pool = rng.sample(pool, min(len(pool), max(1, round(len(pool) * HELPING_SHARE))))

    # Plan every request in memory first: the assignments decide the confirmed counts.
    plans = []
    for n in range(ctx.counts["help_requests"]):
        org, org_town = rng.choice(orgs)
        status = rng.choice(REQUEST_STATUSES)
        needed = rng.choice(HELPERS_NEEDED)
        if status == "filled":
            target = needed
        elif status == "open":
            target = 0 if rng.random() < 0.6 else rng.randrange(needed)
        elif status in ("closed", "expired"):
            target = 0 if rng.random() < 0.5 else rng.randint(0, needed)
        else:  # draft
            target = 0
        created = ctx.past(365)
        opened = (
            None
            if status == "draft"
            else min(ctx.now, created + timedelta(hours=rng.randint(1, 72)))
        )
        if status in ("open", "draft"):
            open_until = today + timedelta(days=rng.randint(1, 90))
        elif status == "expired":
            open_until = today - timedelta(days=rng.randint(1, 60))
        else:
            open_until = (opened or created).date() + timedelta(days=rng.randint(7, 90))
        plans.append(
            {
                "n": n,
                "org": org,
                "town": org_town if rng.random() < 0.85 else rng.choice(ctx.town_ids),
                "status": status,
                "needed": needed,
                "target": target,
                "created": created,
                "opened": opened,
                "open_until": open_until,
                "confirmed": [],  # volunteer ids
            }
        )

    # The bench volunteer: invitations and offers on open requests, confirmed where a seat is
    # free, declined and withdrawn anywhere already published; each request at most once.
    bench_rows = []
    used: set[int] = set()
    for status in BENCH_ASSIGNMENTS:
        if status in ("invited", "offered"):
            fits = [p for p in plans if p["status"] == "open" and p["target"] < p["needed"]]
        elif status == "confirmed":
            fits = [p for p in plans if p["status"] != "draft" and p["target"] >= 1]
            fits = [p for p in fits if p["status"] != "open" or p["needed"] >= 2]
        else:
            fits = [p for p in plans if p["status"] != "draft"]
        fits = [p for p in fits if p["n"] not in used]
        if not fits:
            continue
        plan = rng.choice(fits)
        used.add(plan["n"])
        if status == "confirmed":
            plan["confirmed"].append(bench)
        bench_rows.append((plan, status))

    for plan in plans:
        missing = plan["target"] - len(plan["confirmed"])
        if missing > 0:
            plan["confirmed"] += rng.sample(pool, min(missing, len(pool)))
        if plan["status"] == "filled":  # at tiny scales the pool may be too small to fill
            plan["needed"] = max(1, len(plan["confirmed"]))
            if not plan["confirmed"]:
                plan["status"] = "closed"

    def request_rows():
        for plan in plans:
            schedule = rng.choice(["once", "weekly", "weekly", "flexible"])
            starts_at = None
            slots = 0
            if schedule == "once":
                starts_at = datetime.combine(
                    plan["open_until"], datetime.min.time(), ctx.now.tzinfo
                )
                starts_at += timedelta(days=rng.randint(0, 14), hours=rng.randint(9, 19))
            elif schedule == "weekly":
                slots = rng.randrange(1, ALL_SLOTS + 1)
            title = rng.choice(REQUEST_TITLES)
            yield (
                plan["org"],
                title,
                f"{title}. Wir freuen uns über Unterstützung, gern auch ohne Vorkenntnisse.",
                rng.choice(area_ids),
                plan["town"],
                rng.choice(PLACES),
                f"Kirchstraße {rng.randint(1, 120)}",
                schedule,
                starts_at,
                slots,
                plan["needed"],
                len(plan["confirmed"]),
                rng.random() < 0.2,
                plan["open_until"],
                plan["status"],
                coordinator[plan["org"]],
                plan["created"],
                plan["opened"],
                0,  # auto-invite off
                3,
            )

    fields = ["organisation", "title", "description", "activity_area", "town", "place"]
    fields += ["address", "schedule", "starts_at", "weekly_slots", "helpers_needed"]
    fields += ["confirmed_count", "requires_fuehrungszeugnis", "open_until", "status"]
    fields += ["created_by", "created_at", "opened_at"]
    fields += ["auto_invite_batch", "auto_invite_after_days"]
    copy_rows(ctx.cursor, HelpRequest, fields, request_rows())
    ctx.cursor.execute(f"SELECT id FROM {HelpRequest._meta.db_table} ORDER BY id")
    request_ids = [row[0] for row in ctx.cursor.fetchall()]
    for plan, pk in zip(plans, request_ids, strict=True):
        plan["id"] = pk

    def languages():
        for pk in request_ids:
            for code in sorted(set(rng.sample(OTHER_LANGUAGES, rng.randrange(3)))):
                yield pk, code, rng.choice([1, 2, 2, 3])

    copy_rows(ctx.cursor, HelpRequestLanguage, ["help_request", "code", "min_level"], languages())

    def moment_after(start: datetime, days: int) -> datetime:
        return min(ctx.now, start + timedelta(seconds=rng.randrange(days * 86400)))

    def assignment(plan, volunteer: int, status: str) -> tuple:
        created = moment_after(plan["opened"], 14)
        responded = confirmed = ended = None
        if status != "invited" and status != "offered":
            responded = moment_after(created, 7)
        if status == "confirmed":
            confirmed = responded
        if status == "withdrawn":
            confirmed = responded
            ended = moment_after(responded, 60)
        invited_by = coordinator[plan["org"]] if status == "invited" else None
        return (plan["id"], volunteer, status, invited_by, "", created, responded, confirmed, ended)

    def assignment_rows():
        for plan, status in bench_rows:
            yield assignment(plan, bench, status)
        for plan in plans:
            for volunteer in plan["confirmed"]:
                if volunteer != bench:
                    yield assignment(plan, volunteer, "confirmed")

    fields = ["help_request", "volunteer", "status", "invited_by", "message", "created_at"]
    fields += ["responded_at", "confirmed_at", "ended_at"]
    copy_rows(ctx.cursor, Assignment, fields, assignment_rows())

    # A few hours on the bench volunteer's confirmed and ended assignments.
    ctx.cursor.execute(
        f"SELECT a.id, a.confirmed_at, r.created_by_id FROM {Assignment._meta.db_table} a "
        f"JOIN {HelpRequest._meta.db_table} r ON r.id = a.help_request_id "
        "WHERE a.volunteer_id = %s AND a.confirmed_at IS NOT NULL ORDER BY a.id",
        [bench],
    )

    def hours_rows():
        for pk, confirmed_at, reviewer in ctx.cursor.fetchall():
            for _ in range(rng.randint(1, 3)):
                logged = moment_after(confirmed_at, 30)
                status = rng.choice(["submitted", "confirmed", "confirmed", "rejected"])
                reviewed = status != "submitted"
                yield (
                    pk,
                    logged.date(),
                    rng.choice(["1.50", "2.00", "3.00", "4.25"]),
                    "",
                    status,
                    reviewer if reviewed else None,
                    moment_after(logged, 3) if reviewed else None,
                    logged,
                )

    fields = ["assignment", "date", "hours", "note", "status", "reviewed_by", "reviewed_at"]
    copy_rows(ctx.cursor, HoursEntry, [*fields, "created_at"], list(hours_rows()))
    ctx.ids["help_requests"] = request_ids


# Share of volunteers who agree to be asked for help (matching suggests only them).
CONTACT_SHARE = 0.9


@generator()
def contact_consents(ctx: Context) -> None:
    """The CONTACT consent (to the current text) for ~90 % of the volunteers, given at
    onboarding; a few of them withdrew it later."""
    version = consent_text_version(Consent.Kind.CONTACT)

    def rows():
        for uid in ctx.ids["volunteer_users"]:
            if ctx.rng.random() < CONTACT_SHARE:
                given = ctx.past(3 * 365)
                withdrawn = ctx.now if ctx.rng.random() < 0.02 else None
                yield uid, Consent.Kind.CONTACT.value, version, given, withdrawn

    fields = ["user", "kind", "text_version", "given_at", "withdrawn_at"]
    copy_rows(ctx.cursor, Consent, fields, rows())


TRAINING_TITLES = [
    "Sprachmittlung Grundkurs",
    "Kinderschutz im Ehrenamt",
    "Interkulturelle Kommunikation",
    "Asylverfahren verstehen",
    "Traumasensibel begleiten",
    "Erste Hilfe für Helfende",
]


@generator("trainings", "training_registrations")
def trainings(ctx: Context) -> None:
    """Trainings over two years (a third still ahead, published), one or two sessions each,
    and registrations of random volunteers: confirmed up to the capacity, the rest waiting."""
    from volunteers.models import Registration, Training, TrainingSession

    rng = ctx.rng
    plans = []
    for _ in range(ctx.counts["trainings"]):
        start = ctx.now + timedelta(days=rng.randint(-480, 240), hours=rng.randint(0, 8))
        start = start.replace(minute=0, second=0, microsecond=0)
        capacity = rng.choice([12, 15, 20, 25, 30])
        plans.append((start, capacity, rng.randint(1, 2)))

    def training_rows():
        for start, capacity, _sessions in plans:
            yield (
                rng.choice(TRAINING_TITLES),
                "Praxisnahe Schulung für Ehrenamtliche in der Flüchtlingshilfe.",
                "Kreishaus Warendorf",
                "",
                "",
                capacity,
                0,
                start - timedelta(days=60),
                start - timedelta(days=2),
                start - timedelta(days=3),
                "de",
                4,
                48,
                12,
                "published",
                start,
                start - timedelta(days=70),
            )

    fields = ["title", "description", "place", "online_url", "target_group", "capacity"]
    fields += ["seats_taken"]
    fields += ["registration_opens_at", "registration_closes_at", "cancellation_deadline"]
    fields += ["language", "hours_credited", "offer_hours", "last_offer_hours_before_start"]
    fields += ["status", "first_starts_at", "created_at"]
    copy_rows(ctx.cursor, Training, fields, training_rows())
    ctx.cursor.execute(f"SELECT id FROM {Training._meta.db_table} ORDER BY id")
    training_ids = [row[0] for row in ctx.cursor.fetchall()]

    def session_rows():
        for pk, (start, _capacity, sessions) in zip(training_ids, plans, strict=True):
            for day in range(sessions):
                begin = start + timedelta(days=7 * day)
                yield pk, begin, begin + timedelta(hours=4)

    copy_rows(ctx.cursor, TrainingSession, ["training", "starts_at", "ends_at"], session_rows())

    per_training = max(1, ctx.counts["training_registrations"] // max(1, len(training_ids)))
    taken: dict[int, int] = {}

    def registration_rows():
        volunteers = ctx.ids["volunteer_users"]
        for pk, (start, capacity, _sessions) in zip(training_ids, plans, strict=True):
            people = rng.sample(volunteers, min(len(volunteers), per_training))
            for n, uid in enumerate(people):
                at = start - timedelta(days=50, minutes=-n)
                status = "confirmed" if n < capacity else "waitlisted"
                taken[pk] = min(capacity, n + 1)
                yield pk, uid, status, at, at, at if status == "confirmed" else None

    fields = ["training", "volunteer", "status", "queued_at", "registered_at", "confirmed_at"]
    copy_rows(ctx.cursor, Registration, fields, registration_rows())
    for pk, seats in taken.items():
        ctx.cursor.execute(
            f"UPDATE {Training._meta.db_table} SET seats_taken = %s WHERE id = %s", [seats, pk]
        )


# Funding: one KOMM-AN II year whose call has closed and whose projects run or are done. Status
# shares in percent: most cases decided, some in review, a few drafts never sent.
APPLICATION_STATUSES = {
    "draft": 6,
    "submitted": 14,
    "changes_requested": 5,
    "proposed": 5,
    "approved": 36,
    "rejected": 8,
    "withdrawn": 4,
    "proof_submitted": 8,
    "closed": 14,
}
APPLICATION_BLOCKS = {"A": 35, "B": 30, "C": 15, "D": 20}
SIGNED = {"approved", "rejected", "proof_submitted", "closed"}
FUNDED = {"approved", "proof_submitted", "closed"}  # their approved amount is committed
COST_LINES_PER_APPLICATION = [1] * 15 + [2] * 25 + [3] * 30 + [4] * 20 + [5] * 10
# (category, description, lowest and highest euros): five lines stay under FUNDING_CAP_EUROS.
COST_ITEMS = [
    ("fees", "Honorar für die Referentin", 200, 2400),
    ("material", "Lern- und Bastelmaterial", 50, 800),
    ("room", "Raummiete für die Treffen", 100, 1500),
    ("equipment", "Laptop und Beamer", 300, 2500),
    ("travel", "Fahrtkosten der Ehrenamtlichen", 50, 600),
    ("publicity", "Flyer und Plakate", 80, 900),
    ("catering", "Getränke und Imbiss", 50, 700),
    ("other", "Veranstaltungsversicherung", 40, 300),
]
FUNDING_CAP_EUROS = 15_000
APPLICATION_TITLES = [
    "Sprachcafé für Neuzugewanderte",
    "Ausstattung des Begegnungsraums",
    "Lotsinnen und Lotsen für Behördengänge",
    "Fahrradwerkstatt für Geflüchtete",
    "Schulungsreihe für neue Ehrenamtliche",
    "Internationales Nachbarschaftsfest",
    "Lesepatenschaften für Familien",
    "Mehrsprachige Infoflyer zum Ehrenamt",
]


def shares_of(rng: random.Random, count: int, shares: dict[str, int]) -> list[str]:
    """`count` keys in the proportions of `shares` (largest remainder), shuffled."""
    total = sum(shares.values())
    exact = {key: count * share / total for key, share in shares.items()}
    taken = {key: int(value) for key, value in exact.items()}
    behind = sorted(exact, key=lambda key: exact[key] - taken[key], reverse=True)
    for key in behind[: count - sum(taken.values())]:
        taken[key] += 1
    keys = [key for key, n in taken.items() for _ in range(n)]
    rng.shuffle(keys)
    return keys


def euros(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@dataclass
class CasePlan:
    """One application before it is written; amounts in cents."""

    status: str
    block: str
    organisation: int
    town: int
    applicant: int
    created: datetime
    lines: list[tuple]  # (category, description, cents, Pauschale key or None, units)
    own: int
    requested: int
    submitted: datetime | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    change_request: str = ""
    checklist: dict = field(default_factory=dict)
    decision: str = ""
    amount: int | None = None
    proposed_by: int | None = None
    proposed_at: datetime | None = None
    signed_at: datetime | None = None
    approved: int | None = None
    paid: int = 0
    repaid: int = 0
    proof_at: datetime | None = None
    payments: list[tuple] = field(default_factory=list)  # (cents, status, at, paid_by, paid_at)
    history: list[tuple] = field(default_factory=list)  # (from, to, actor, at, note)
    id: int = 0


@generator("grant_applications")
def grant_applications(ctx: Context) -> None:
    """The KOMM-AN II year that began at least half a year ago, with blocks A-D and two
    Pauschalen, and its applications from ~1 in 15 verified organisations, in every status
    (APPLICATION_STATUSES). Every case has 1-5 cost lines adding up to requested amount plus own
    contribution; decided ones have a proposer, the KI lead's signature (four eyes) and a
    letter; funded ones paid tranches and open or cancelled requests, the finished ones proof
    of use and, once closed, sometimes a repayment; some have internal notes; every status
    change has its history row, as the services would have written it.

    The pots hold what the applications say: committed = approved amounts of the approved,
    proof-submitted and closed cases, paid = their paid payments (= paid_amount), returned =
    what closing gave back (approved - paid + repaid). Each block's pot leaves 10-30 % room and
    the year's pot is the sum of the blocks' pots, so every CheckConstraint holds."""
    rng, now = ctx.rng, ctx.now
    year = (now - timedelta(days=180)).year
    opens = datetime(year - 1, 11, 1, 8, tzinfo=now.tzinfo)
    closes = datetime(year, 9, 30, 18, tzinfo=now.tzinfo)
    orgs = verified_organisations(ctx)
    count = ctx.counts["grant_applications"]
    applicants = rng.sample(orgs, min(len(orgs), max(1, count // 15)))
    coordinator = dict(zip(ctx.ids["organisations"], ctx.ids["coordinator_users"], strict=True))
    lead, reviewers = ctx.ids["staff_users"][0], ctx.ids["staff_users"][1:]  # four eyes

    def between(start: datetime, end: datetime) -> datetime:
        return start + timedelta(seconds=rng.randrange(max(1, int((end - start).total_seconds()))))

    def after(moment: datetime, days: int) -> datetime:
        return min(now, moment + timedelta(seconds=rng.randrange(days * 86400)))

    def cost_lines(block: str) -> list[tuple]:
        lines = []
        for _ in range(rng.choice(COST_LINES_PER_APPLICATION)):
            if not lines and block == "A" and rng.random() < 0.3:
                units = rng.randint(1, 2)
                lines.append(
                    ("equipment", "Ausstattung Treffpunkt", units * 100_000, "room", units)
                )
            elif not lines and rng.random() < 0.1:
                units = rng.randint(1, 12)
                lines.append(("travel", "Fahrtkostenpauschale", units * 4_000, "travel", units))
            else:
                category, text, low, high = rng.choice(COST_ITEMS)
                cents = rng.randint(low, high) * 100
                if rng.random() < 0.3:
                    cents += rng.randrange(100)
                lines.append((category, text, cents, None, None))
        return lines

    def plan_case(status: str, block: str) -> CasePlan:
        org, org_town = rng.choice(applicants)
        lines = cost_lines(block)
        total = sum(line[2] for line in lines)
        own = 0 if rng.random() < 0.6 else total * rng.randint(5, 20) // 10_000 * 100
        latest = min(now, closes)
        if status in ("proof_submitted", "closed"):  # sent early enough to be over by now
            latest = min(latest, now - timedelta(days=150))
        plan = CasePlan(
            status=status,
            block=block,
            organisation=org,
            town=org_town if rng.random() < 0.8 else rng.choice(ctx.town_ids),
            applicant=coordinator[org],
            created=between(opens, latest),
            lines=lines,
            own=own,
            requested=total - own,
        )
        if status != "draft" and not (status == "withdrawn" and rng.random() < 0.5):
            plan.submitted = plan.created
            plan.created = max(opens, plan.submitted - timedelta(days=rng.randint(1, 20)))
            plan.history.append(("draft", "submitted", plan.applicant, plan.submitted, ""))
        start = (plan.submitted or plan.created).date() + timedelta(days=rng.randint(14, 60))
        start = min(max(start, date(year, 1, 1)), date(year, 12, 1))
        end = min(start + timedelta(days=rng.randint(30, 270)), date(year, 12, 31))
        if status in ("proof_submitted", "closed"):  # the project is over
            end = max(start, min(end, now.date() - timedelta(days=1)))
        plan.starts_on, plan.ends_on = start, end
        if status == "withdrawn":
            before = "submitted" if plan.submitted else "draft"
            at = after(plan.submitted or plan.created, 30)
            plan.history.append((before, status, plan.applicant, at, "Projekt entfällt"))
        if status == "changes_requested":
            plan.change_request = "Bitte schlüsseln Sie die Honorare nach Stunden auf."
            at = after(plan.submitted, 21)
            note = plan.change_request
            plan.history.append(("submitted", status, rng.choice(reviewers), at, note))
        if status == "submitted" and rng.random() < 0.5:  # review begun
            plan.checklist = {key: rng.random() < 0.5 for key in CHECKLIST}
        if status in SIGNED or status == "proposed":
            plan_decision(plan)
        if status in FUNDED:
            plan_money(plan)
        return plan

    def plan_decision(plan: CasePlan) -> None:
        """Proposed by a reviewer, signed by the lead unless still proposed."""
        approve = plan.status in FUNDED or (plan.status == "proposed" and rng.random() < 0.85)
        plan.checklist = dict.fromkeys(CHECKLIST, True)
        plan.proposed_by = rng.choice(reviewers)
        plan.proposed_at = after(plan.submitted, 45)
        plan.decision = "approve" if approve else "reject"
        if approve:
            reduced = plan.requested * rng.randint(70, 95) // 100 // 1000 * 1000  # 10 € steps
            plan.amount = reduced if reduced and rng.random() < 0.25 else plan.requested
        note = "Bewilligung vorgeschlagen" if approve else "Ablehnung vorgeschlagen"
        plan.history.append(("submitted", "proposed", plan.proposed_by, plan.proposed_at, note))
        if plan.status == "proposed":
            return
        plan.signed_at = after(plan.proposed_at, 14)
        signed = "approved" if approve else "rejected"
        plan.history.append(("proposed", signed, lead, plan.signed_at, "gezeichnet"))
        plan.approved = plan.amount

    def plan_money(plan: CasePlan) -> None:
        """Tranches paid so far; an open or cancelled request; proof of use and closing."""
        approved, at = plan.approved, plan.signed_at
        finished = plan.status != "approved"
        share = rng.choice([100, 100, 100, 90, 80] if finished else [0, 0, 50, 100])
        paid = approved * share // 100
        tranches = [paid // 2, paid - paid // 2] if paid >= 2 and rng.random() < 0.4 else [paid]
        for cents in filter(None, tranches):
            at = after(at, 60)
            paid_at = after(at, 10)
            plan.payments.append((cents, "paid", at, rng.choice(reviewers), paid_at))
            at = paid_at
        plan.paid = paid
        if approved > paid and rng.random() < 0.05:  # asked for the rest, then withdrawn
            at = after(at, 30)
            plan.payments.append((approved - paid, "cancelled", at, None, None))
        if not finished:
            if approved > paid and rng.random() < 0.25:
                plan.payments.append((approved - paid, "requested", after(at, 30), None, None))
            return
        project_over = datetime.combine(plan.ends_on, datetime.min.time(), now.tzinfo)
        plan.proof_at = after(max(at, project_over), 30)
        plan.history.append(("approved", "proof_submitted", plan.applicant, plan.proof_at, ""))
        if plan.status == "closed":
            plan.repaid = paid * rng.randint(5, 30) // 100 if rng.random() < 0.3 else 0
            note = f"Rückforderung {euros(plan.repaid)} €" if plan.repaid else "ohne Rückforderung"
            closed_at = after(plan.proof_at, 30)
            closer = rng.choice(reviewers)
            plan.history.append(("proof_submitted", "closed", closer, closed_at, note))

    statuses = shares_of(rng, count, APPLICATION_STATUSES)
    blocks_of = shares_of(rng, count, APPLICATION_BLOCKS)
    plans = [plan_case(status, block) for status, block in zip(statuses, blocks_of, strict=True)]
    plans.sort(key=lambda plan: plan.created)  # running numbers in the order of creation

    # The pots: what the applications bind, pay and give back, per block and for the year.
    figures = {code: {"committed": 0, "paid": 0, "returned": 0} for code in APPLICATION_BLOCKS}
    for plan in plans:
        if plan.status in FUNDED:
            pot = figures[plan.block]
            pot["committed"] += plan.approved
            pot["paid"] += plan.paid
            if plan.status == "closed":
                pot["returned"] += plan.approved - plan.paid + plan.repaid
    block_pots = {}
    for code, pot in figures.items():
        needed = (pot["committed"] - pot["returned"]) * rng.randint(110, 130) // 100
        block_pots[code] = max(1_000_000, -(-needed // 500_000) * 500_000)  # 5,000 € steps
    programme_year = programme_year_create(
        programme=Programme.objects.get(code="KA2"),
        year=year,
        pot=euros(sum(block_pots.values())),
        block_pots={code: euros(cents) for code, cents in block_pots.items()},
        call_opens_on=opens.date(),
        call_closes_on=closes.date(),
        actor=None,
        cap_per_application=Decimal(FUNDING_CAP_EUROS),
    )
    blocks = {block.code: block.pk for block in programme_year.blocks.all()}
    for code, pot in figures.items():
        BuildingBlock.objects.filter(pk=blocks[code]).update(
            **{name: euros(cents) for name, cents in pot.items()}
        )
    ProgrammeYear.objects.filter(pk=programme_year.pk).update(
        **{name: euros(sum(pot[name] for pot in figures.values())) for name in figures["A"]}
    )
    pauschalen = {
        "room": Pauschale.objects.create(
            programme_year=programme_year,
            block_id=blocks["A"],
            title="Ausstattung eines Ankommenstreffpunkts",
            unit="Raum",
            amount=Decimal(1000),
            max_units=2,
        ).pk,
        "travel": Pauschale.objects.create(
            programme_year=programme_year,
            title="Fahrtkosten Ehrenamtlicher",
            unit="Monat",
            amount=Decimal(40),
            max_units=12,
        ).pk,
    }

    def application_rows():
        for n, plan in enumerate(plans, start=1):
            title = rng.choice(APPLICATION_TITLES)
            approve, reject = plan.decision == "approve", plan.decision == "reject"
            funded = plan.approved is not None
            yield (
                f"KA2-{year}-{n:04d}",
                plan.organisation,
                programme_year.pk,
                blocks[plan.block],
                title,
                f"{title}: ein offenes Angebot für Geflüchtete und Ehrenamtliche im Ort.",
                "Ankommen erleichtern, Kontakte knüpfen, Ehrenamt stärken.",
                "Geflüchtete Familien und Ehrenamtliche",
                plan.town,
                plan.starts_on,
                plan.ends_on,
                euros(plan.own),
                euros(plan.requested),
                rng.random() < 0.6,
                plan.status,
                plan.applicant,
                plan.created,
                plan.submitted,
                plan.change_request,
                json.dumps(plan.checklist),
                plan.decision,
                euros(plan.amount) if approve else None,
                "Nachweis der Teilnehmendenzahlen." if approve else "",
                "Die Maßnahme passt nicht zum Baustein." if reject else "",
                plan.proposed_by,
                plan.proposed_at,
                lead if plan.signed_at else None,
                plan.signed_at,
                euros(plan.approved) if funded else None,
                euros(plan.paid),
                euros(plan.repaid),
                plan.ends_on + timedelta(weeks=8) if funded else None,  # proof_of_use_weeks
                "Das Projekt wurde wie geplant durchgeführt." if plan.proof_at else "",
                plan.proof_at,
                "Verwendungsnachweis geprüft." if plan.status == "closed" else "",
            )

    fields = ["reference", "organisation", "programme_year", "block", "title", "description"]
    fields += ["goals", "target_group", "town", "starts_on", "ends_on", "own_contribution"]
    fields += ["requested_amount", "publication_consent", "status", "created_by", "created_at"]
    fields += ["submitted_at", "change_request", "checklist", "decision", "decision_amount"]
    fields += ["decision_conditions", "decision_reasons", "proposed_by", "proposed_at"]
    fields += ["signed_by", "signed_at", "approved_amount", "paid_amount", "repaid_amount"]
    fields += ["proof_due_on", "proof_report", "proof_submitted_at", "closing_note"]
    copy_rows(ctx.cursor, Application, fields, application_rows())
    ctx.cursor.execute(f"SELECT id FROM {Application._meta.db_table} ORDER BY id")
    for plan, (pk,) in zip(plans, ctx.cursor.fetchall(), strict=True):
        plan.id = pk

    def line_rows():
        for plan in plans:
            for position, (category, text, cents, pauschale, units) in enumerate(plan.lines):
                spent = euros(cents * rng.randint(85, 100) // 100) if plan.proof_at else None
                pauschale_id = pauschalen[pauschale] if pauschale else None
                yield plan.id, position, category, text, euros(cents), pauschale_id, units, spent

    fields = ["application", "position", "category", "description", "amount", "pauschale"]
    copy_rows(ctx.cursor, CostLine, [*fields, "units", "actual_amount"], line_rows())

    payments = [(plan, *payment) for plan in plans for payment in plan.payments]
    rows = (
        (plan.id, euros(cents), "Mittelabruf", status, plan.applicant, at, paid_by, paid_at)
        for plan, cents, status, at, paid_by, paid_at in payments
    )
    fields = ["application", "amount", "note", "status", "requested_by", "requested_at"]
    copy_rows(ctx.cursor, Payment, [*fields, "paid_by", "paid_at"], rows)
    ctx.cursor.execute(f"SELECT id FROM {Payment._meta.db_table} ORDER BY id")
    payment_ids = [pk for (pk,) in ctx.cursor.fetchall()]

    # Letters without their PDF: rendering a thousand would dominate the generation, and
    # letters.letter_pdf renders a missing one on first download and stores it with its hash.
    letters = (
        (plan.id, "approval" if plan.decision == "approve" else "rejection", "", plan.signed_at)
        for plan in plans
        if plan.signed_at
    )
    copy_rows(ctx.cursor, DecisionLetter, ["application", "kind", "sha256", "created_at"], letters)

    note = "Rücksprache mit der Organisation gehalten."
    notes = (
        (plan.id, rng.choice(reviewers), note, after(plan.submitted, 20))
        for plan in plans
        if plan.submitted and rng.random() < 0.3
    )
    copy_rows(ctx.cursor, InternalNote, ["application", "author", "text", "created_at"], notes)

    application_type = ContentType.objects.get_for_model(Application).pk
    payment_type = ContentType.objects.get_for_model(Payment).pk

    def history_rows():
        for plan in plans:
            for before, status, actor, at, note in plan.history:
                yield application_type, plan.id, before, status, actor, at, note
        for pk, (plan, _cents, status, at, paid_by, paid_at) in zip(
            payment_ids, payments, strict=True
        ):
            if status == "paid":
                yield payment_type, pk, "requested", "paid", paid_by, paid_at, ""
            elif status == "cancelled":
                yield payment_type, pk, "requested", "cancelled", plan.applicant, after(at, 7), ""

    fields = ["content_type", "object_id", "from_status", "to_status", "actor", "at", "note"]
    copy_rows(ctx.cursor, StatusChange, fields, history_rows())
    ctx.ids["grant_applications"] = [plan.id for plan in plans]


# The public directory: offers of organisations (weekly ones mostly), in the district's languages.
OFFER_TITLES = {
    "sprachcafe": "Sprachcafé",
    "beratung": "Beratung für Geflüchtete",
    "hausaufgabenhilfe": "Hausaufgabenhilfe",
    "fahrradwerkstatt": "Fahrradwerkstatt",
    "begegnungscafe": "Begegnungscafé",
    "kleiderkammer": "Kleiderkammer",
}


@generator("directory_offers")
def directory_offers(ctx: Context) -> None:
    """Offers of random organisations in their towns: 80 % weekly (weekday and times), the
    rest with free-text dates; 5 % hidden by the KI, 5 % unconfirmed for a year (expired);
    each with German and 0-2 other languages."""
    organisations = dict(
        Organisation.objects.filter(pk__in=ctx.ids["organisations"]).values_list("pk", "town")
    )
    org_ids = sorted(organisations)
    kinds = list(OFFER_TITLES)
    rows = []
    for n in range(1, ctx.counts["directory_offers"] + 1):
        org = ctx.rng.choice(org_ids)
        kind = ctx.rng.choice(kinds)
        weekly = ctx.rng.random() < 0.8
        start = ctx.rng.choice([9, 10, 14, 15, 16, 17])
        roll = ctx.rng.random()  # < 0.05: hidden; 0.05-0.10: expired
        expired = 0.05 <= roll < 0.10
        confirmed = ctx.now - timedelta(days=300) if expired else ctx.past(150)
        rows.append(
            (
                org,
                f"{OFFER_TITLES[kind]} {n}",
                kind,
                "Offen für alle, ohne Anmeldung. Kaffee und Tee stehen bereit.",
                organisations[org],
                ctx.rng.choice(PLACES) or "Rathaus",
                ctx.rng.randrange(7) if weekly else None,
                f"{start:02d}:00" if weekly else None,
                f"{start + 2:02d}:00" if weekly else None,
                "" if weekly else "jeden 1. Samstag im Monat",
                "Geflüchtete und Nachbarn",
                True,
                "",
                f"angebot-{n}@{DOMAIN}",
                "",
                confirmed,
                ctx.now if roll < 0.05 else None,
                "Test der Lastmessung" if roll < 0.05 else "",
                confirmed,
                confirmed,
            )
        )
    fields = ["organisation", "title", "kind", "description", "town", "place", "weekday"]
    fields += ["starts_at", "ends_at", "dates", "target_group", "free_of_charge"]
    fields += ["contact_name", "contact_email", "contact_phone", "confirmed_at", "hidden_at"]
    fields += ["hidden_reason", "created_at", "updated_at"]
    copy_rows(ctx.cursor, Offer, fields, rows)
    ctx.cursor.execute(f"SELECT id FROM {Offer._meta.db_table} ORDER BY id")
    offer_ids = [row[0] for row in ctx.cursor.fetchall()]

    def languages():
        for pk in offer_ids:
            yield pk, "de"
            for code in set(ctx.rng.sample(OTHER_LANGUAGES, ctx.rng.randrange(3))) - {"de"}:
                yield pk, code

    copy_rows(ctx.cursor, OfferLanguage, ["offer", "code"], languages())
    ctx.ids["directory_offers"] = offer_ids


def verify_all_emails(cursor: psycopg.Cursor) -> None:
    """Every generated account has a verified primary address (allauth refuses login else)."""
    fields = ["user", "email", "verified", "primary"]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(EmailAddress._meta.get_field(f).column) for f in fields)
    cursor.execute(
        f"INSERT INTO {EmailAddress._meta.db_table} ({columns}) "
        f"SELECT id, email, true, true FROM {User._meta.db_table} WHERE email LIKE %s",
        [f"%@{DOMAIN}"],
    )


def bench_request() -> tuple[int, str]:
    """(id, coordinator's email) of the request the suggestion scenario asks about: the first
    open one that needs no language (the most candidates: the hardest case for ranking)."""
    from volunteers.models import HelpRequest, Membership

    open_requests = HelpRequest.objects.filter(status="open").order_by("pk")
    chosen = open_requests.filter(languages__isnull=True).first() or open_requests.first()
    if chosen is None:
        raise RuntimeError("the bench data has no open help request")
    membership = Membership.objects.filter(organisation=chosen.organisation_id).first()
    return chosen.pk, membership.user.email


def bench_programme_year() -> int:
    """Id of the funding year the funding scenarios look at (the one grant_applications made)."""
    pk = (
        ProgrammeYear.objects.filter(programme__code="KA2")
        .order_by("-year")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise RuntimeError("the bench data has no KOMM-AN II funding year")
    return pk


def create_bench_credentials() -> None:
    """API tokens for the scenario accounts, TOTP for the staff one."""
    volunteer = User.objects.get(email=VOLUNTEER_EMAIL)
    staff = User.objects.get(email=STAFF_EMAIL)
    coordinator = User.objects.get(email=bench_request()[1])
    user_set_totp(user=staff, secret=BENCH_TOTP_SECRET)
    for user in (volunteer, staff, coordinator):
        Token.objects.get_or_create(user=user)


def tokens() -> dict[str, str]:
    """API token keys of the scenario accounts, by email."""
    emails = [VOLUNTEER_EMAIL, STAFF_EMAIL, bench_request()[1]]
    return dict(Token.objects.filter(user__email__in=emails).values_list("user__email", "key"))


def split_counts(scale: int) -> tuple[dict[str, int], dict[str, int]]:
    """(generated, planned): the counts at this scale with and without a generator."""
    produced = {name for names, _ in GENERATORS for name in names}
    counts = counts_for(scale).items()
    return (
        {k: v for k, v in counts if k in produced},
        {k: v for k, v in counts if k not in produced},
    )


def marker(scale: int) -> str:
    """Stored as the database comment: a kept database is reused only if this matches."""
    return json.dumps({"scale": scale, "generators": [f.__name__ for _, f in GENERATORS]})


def _admin(sql: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def reusable(database: str, scale: int) -> bool:
    """The database exists, was generated at this scale by these generators, and is migrated."""
    rows = _admin(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [database],
    )
    if not rows or rows[0][0] != marker(scale):
        return False
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def recreate_database(database: str) -> None:
    quoted = sql.Identifier(database).as_string()
    _admin(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    _admin(f"CREATE DATABASE {quoted}")


def generate(database: str, scale: int) -> None:
    """Drop, create, migrate and fill the benchmark database."""
    connection.close()
    recreate_database(database)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", stdout=io.StringIO())
    ctx_counts = counts_for(scale)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor underneath Django's wrapper
        ctx = Context(
            counts=ctx_counts,
            rng=random.Random(scale),  # reproducible data
            cursor=cursor,
            password_hash=make_password(BENCH_PASSWORD),
            now=timezone.now(),
            town_ids=list(Town.objects.order_by("id").values_list("id", flat=True)),
        )
        for names, func in GENERATORS:
            started = time.monotonic()
            func(ctx)
            done = ", ".join(f"{ctx_counts[n]:,} {n}" for n in names) or func.__name__
            print(f"  generated {done} in {time.monotonic() - started:.1f} s", flush=True)
        verify_all_emails(cursor)
    create_bench_credentials()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # planner statistics as on a database in service
    quoted = sql.Identifier(database).as_string()
    _admin(f"COMMENT ON DATABASE {quoted} IS {sql.Literal(marker(scale)).as_string()}")
