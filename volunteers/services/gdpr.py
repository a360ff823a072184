"""GDPR self-service and retention: export of a person's data, account deletion, and the
periodic deletion of Führungszeugnis records.

Account deletion (account_delete) keeps what must be kept only without the person: confirmed
hours become anonymous counts per town, organisation and year (AnonymousHours); everything else
about the person is deleted or, where it sits in other people's records (audit notes, emails
to coordinators, free text), the person's name, email addresses and phone number are cut out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.deletion import Collector
from django.db.models.functions import ExtractYear
from django.utils import timezone
from rest_framework.authtoken.models import Token

from backend.errors import InvalidTransition
from backend.models import StatusChange
from notifications.models import Notification
from notifications.values import plain
from volunteers.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    DAY_PARTS,
    WEEKDAYS,
    AnonymousHours,
    Assignment,
    Consent,
    CoordinatorInvitation,
    FuehrungszeugnisRecord,
    HelpRequest,
    HoursEntry,
    Membership,
    Organisation,
    VolunteerCertificate,
    VolunteerProfile,
)

from .assignments import assignment_withdraw

logger = logging.getLogger(__name__)

# What replaces the person's name, email address or phone number in other people's records.
REDACTED = "[entfernt]"
# A Führungszeugnis record is kept for at most this long after the volunteer stopped.
FZ_RETENTION_MONTHS = 3
# Keys of a notification's context that the export leaves out: links with signed tokens and
# one-time keys (secrets, and stale anyway), and names of other people.
EXPORT_CONTEXT_SKIP = re.compile(r"(url|key|token|code)$|^volunteer_name$")


# --- Export ---------------------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return value.isoformat()


def _profile_export(user) -> dict[str, Any] | None:
    profile = (
        VolunteerProfile.objects.filter(user=user)
        .select_related("town")
        .prefetch_related("activity_areas", "languages")
        .first()
    )
    if profile is None:
        return None
    return {
        "town": profile.town.name if profile.town else None,
        "postal_code": profile.postal_code,
        "phone": profile.phone,
        "activity_areas": [area.name for area in profile.activity_areas.all()],
        "languages": [
            {"code": lang.code, "name": str(lang.name), "level": str(lang.get_level_display())}
            for lang in profile.languages.all()
        ],
        "availability": [
            {"weekday": str(day), "time_of_day": str(part)}
            for weekday, day in enumerate(WEEKDAYS)
            for index, part in enumerate(DAY_PARTS)
            if profile.available(weekday, index)
        ],
        "travel_radius_km": profile.travel_radius_km,
        "onboarding_completed_at": _iso(profile.onboarding_completed_at),
        "created_at": _iso(profile.created_at),
    }


def _assignments_export(user) -> list[dict[str, Any]]:
    assignments = list(
        Assignment.objects.filter(volunteer=user)
        .select_related("help_request__organisation", "help_request__town")
        .prefetch_related("hours")
        .order_by("created_at", "id")
    )
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Assignment),
        object_id__in=[a.pk for a in assignments],
    ).order_by("at", "id")
    for change in changes:
        history[change.object_id].append(
            {
                "from": change.from_status,
                "to": change.to_status,
                "at": _iso(change.at),
                "by_you": change.actor_id == user.pk,
                "note": change.note,
            }
        )
    return [
        {
            "help_request": {
                "id": a.help_request_id,
                "title": a.help_request.title,
                "organisation": a.help_request.organisation.name,
                "town": a.help_request.town.name,
            },
            "status": a.status,
            "message": a.message,
            "decline_reason": a.decline_reason,
            "created_at": _iso(a.created_at),
            "responded_at": _iso(a.responded_at),
            "confirmed_at": _iso(a.confirmed_at),
            "ended_at": _iso(a.ended_at),
            "history": history[a.pk],
            "hours": [
                {
                    "date": _iso(h.date),
                    "hours": str(h.hours),
                    "note": h.note,
                    "status": h.status,
                    "reviewed_at": _iso(h.reviewed_at),
                }
                for h in sorted(a.hours.all(), key=lambda h: (h.date, h.pk))
            ],
        }
        for a in assignments
    ]


def person_export(*, user) -> dict[str, Any]:
    """Everything the platform stores about the person, as JSON-ready values (GDPR Art. 15
    and 20). Only the person's own rows: who else acted on them (coordinators, KI staff) is
    not named. Secrets (password hash, TOTP seed, API token, one-time links) are left out.
    A fixed number of queries, however much data there is."""
    fz = FuehrungszeugnisRecord.objects.filter(volunteer=user).first()
    token = Token.objects.filter(user=user).first()
    hours_per_year = (
        HoursEntry.objects.filter(assignment__volunteer=user, status=HoursEntry.Status.CONFIRMED)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(total=Sum("hours"))
        .order_by("year")
    )
    notifications = Notification.objects.filter(recipient=user).order_by("created_at", "id")
    return {
        "export": {
            "created_at": _iso(timezone.now()),
            "platform": settings.KI_NAME,
            "format_version": 1,
        },
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "role": user.role,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "two_factor": [
            {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("id")
        ],
        "api_token": {"created": _iso(token.created)} if token else None,
        "profile": _profile_export(user),
        "consents": [
            {
                "kind": c.kind,
                "description": str(c.get_kind_display()),
                "text_version": c.text_version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in Consent.objects.filter(user=user).order_by("given_at", "id")
        ],
        "fuehrungszeugnis": (
            {
                "certificate_date": _iso(fz.certificate_date),
                "seen_on": _iso(fz.seen_on),
                "valid_until": _iso(fz.valid_until),
                "recorded_at": _iso(fz.recorded_at),
            }
            if fz
            else None
        ),
        "organisations": [
            {"organisation": m.organisation.name, "since": _iso(m.created_at)}
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "assignments": _assignments_export(user),
        "confirmed_hours_per_year": [
            {"year": row["year"], "hours": str(row["total"])} for row in hours_per_year
        ],
        "certificates": [
            {"code": c.code, "created_at": _iso(c.created_at), "sha256": c.sha256}
            for c in VolunteerCertificate.objects.filter(volunteer=user)
            .only("code", "created_at", "sha256")
            .order_by("created_at", "id")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "to_email": n.to_email,
                "language": n.language,
                "status": n.status,
                "created_at": _iso(n.created_at),
                "sent_at": _iso(n.sent_at),
                "content": {
                    key: value
                    for key, value in plain(n.context or {}).items()
                    if not EXPORT_CONTEXT_SKIP.search(key)
                },
            }
            for n in notifications
        ],
    }


# --- Deletion -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Needles:
    """The strings that identify the person in free text: name, email addresses, phone."""

    strings: tuple[str, ...]

    @classmethod
    def of(cls, user) -> Needles:
        found: set[str] = set()
        name = " ".join(user.full_name.split())
        # A name of three letters would cut "Ali" out of "Alina"; such names are only
        # removed where the row belongs to the person (and is deleted with the account).
        if len(name) >= 4:
            found.add(name)
        found.add(user.email)
        found.update(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
        phone = (
            VolunteerProfile.objects.filter(user=user).values_list("phone", flat=True).first() or ""
        ).strip()
        if sum(ch.isdigit() for ch in phone) >= 6:
            found.add(phone)
            found.add(re.sub(r"[\s/()-]", "", phone))
        return cls(tuple(sorted((s for s in found if s), key=len, reverse=True)))

    @property
    def emails(self) -> list[str]:
        return [s for s in self.strings if "@" in s]

    def q(self, field: str, *, is_json: bool = False) -> Q:
        """Rows whose `field` contains any needle (case-insensitive). A JSON column is
        matched on its stored text, where SQLite keeps non-ASCII characters as \\u escapes."""
        query = Q(pk__in=[])  # matches nothing when there are no needles
        for needle in self.strings:
            query |= Q(**{f"{field}__icontains": needle})
            escaped = json.dumps(needle)[1:-1]
            if is_json and escaped != needle:
                query |= Q(**{f"{field}__icontains": escaped})
        return query

    def q_equal(self, field: str) -> Q:
        """Rows whose `field` is one of the person's email addresses."""
        query = Q(pk__in=[])
        for email in self.emails:
            query |= Q(**{f"{field}__iexact": email})
        return query

    def cut(self, text: str) -> str:
        for needle in self.strings:
            text = re.sub(re.escape(needle), REDACTED, text, flags=re.IGNORECASE)
        return text

    def cut_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.cut(value)
        if isinstance(value, list):
            return [self.cut_json(item) for item in value]
        if isinstance(value, dict):
            return {key: self.cut_json(item) for key, item in value.items()}
        return value


# Free text written by anyone that may mention a person: (model, text fields, JSON fields).
# Rows that belong to the person are deleted with the account; these are the rows that stay.
FREE_TEXT: list[tuple[type[models.Model], tuple[str, ...], tuple[str, ...]]] = [
    (StatusChange, ("note",), ()),
    (Notification, ("last_error",), ("context",)),
    (Assignment, ("message", "decline_reason"), ()),
    (HoursEntry, ("note",), ()),
    (HelpRequest, ("title", "description", "place", "address"), ()),
    (Organisation, ("address", "description"), ()),
    (LogEntry, ("object_repr", "change_message"), ()),
]


def _cut_free_text(needles: Needles) -> int:
    """Replace the person's identifiers in other people's free text. Returns rows changed."""
    changed = 0
    for model, text_fields, json_fields in FREE_TEXT:
        query = Q(pk__in=[])
        for name in text_fields:
            query |= needles.q(name)
        for name in json_fields:
            query |= needles.q(name, is_json=True)
        for row in model.objects.filter(query).only("pk", *text_fields, *json_fields):
            updates = {}
            for name in text_fields:
                before = getattr(row, name)
                after = needles.cut(before)
                if after != before:
                    updates[name] = after
            for name in json_fields:
                before = getattr(row, name)
                after = needles.cut_json(before)
                if after != before:
                    updates[name] = after
            if updates:
                model.objects.filter(pk=row.pk).update(**updates)
                changed += 1
    return changed


def _collect(user) -> Collector:
    """What deleting the account deletes with it (Django's own cascade collector)."""
    collector = Collector(using=router.db_for_write(get_user_model()))
    collector.collect([user])
    return collector


def _deleted_objects(collector: Collector) -> dict[type[models.Model], list]:
    found: dict[type[models.Model], list] = defaultdict(list)
    for model, instances in collector.data.items():
        found[model].extend(instance.pk for instance in instances)
    for queryset in collector.fast_deletes:
        found[queryset.model].extend(queryset.values_list("pk", flat=True))
    return found


def _forget_audit_of(deleted: dict[type[models.Model], list]) -> int:
    """Audit rows (status changes, admin log) about objects that go with the account: once
    their subject is gone they only keep the person's traces (admin log entries repeat the
    object's name)."""
    removed = 0
    for model, pks in deleted.items():
        if not pks:
            continue
        content_type = ContentType.objects.get_for_model(model)
        if all(isinstance(pk, int) for pk in pks):
            removed += StatusChange.objects.filter(
                content_type=content_type, object_id__in=pks
            ).delete()[0]
        removed += LogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in pks]
        ).delete()[0]
    return removed


def _hours_to_anonymous_counts(user) -> Decimal:
    """Add the person's confirmed hours to the anonymous buckets (town of the request,
    organisation, year). Buckets are locked before they are raised."""
    rows = (
        HoursEntry.objects.filter(assignment__volunteer=user, status=HoursEntry.Status.CONFIRMED)
        .annotate(
            year=ExtractYear("date"),
            town_id=F("assignment__help_request__town_id"),
            organisation_id=F("assignment__help_request__organisation_id"),
        )
        .values("town_id", "organisation_id", "year")
        .annotate(total=Sum("hours"))
        .order_by("town_id", "organisation_id", "year")
    )
    moved = Decimal(0)
    for row in rows:
        key = {
            "town_id": row["town_id"],
            "organisation_id": row["organisation_id"],
            "year": row["year"],
        }
        bucket = AnonymousHours.objects.select_for_update().filter(**key).order_by("pk").first()
        if bucket is None:
            AnonymousHours.objects.create(**key, hours=row["total"])
        else:
            AnonymousHours.objects.filter(pk=bucket.pk).update(hours=F("hours") + row["total"])
        moved += row["total"]
    return moved


def sessions_end_for_user(*, user_id: int) -> int:
    """Delete every stored session of the account (database sessions: each row is decoded,
    since the user id is inside the signed payload). Returns how many."""
    keys = []
    for session in Session.objects.iterator(chunk_size=500):
        if str(session.get_decoded().get(SESSION_KEY)) == str(user_id):
            keys.append(session.session_key)
    return Session.objects.filter(session_key__in=keys).delete()[0]


@dataclass(frozen=True)
class AccountDeletion:
    hours_kept_anonymously: Decimal
    assignments_ended: int
    sessions_ended: int
    texts_redacted: int


@transaction.atomic
def account_delete(*, user, actor) -> AccountDeletion:
    """Delete the account and everything about the person; keep confirmed hours only as
    anonymous counts. Self-service: the actor is the account (the caller has checked the
    password). Raises PermissionDenied otherwise.

    In one transaction: open assignments (invited, offered, confirmed) are withdrawn through
    the assignment service (requests with a confirmed place reopen, row locks as usual);
    confirmed hours are added to AnonymousHours; the person's name, email addresses and phone
    are cut out of other people's free text; audit rows about the deleted objects are
    removed; the account is deleted (the cascade takes profile, languages, consents,
    Führungszeugnis record, assignments, hours, certificates, notifications, email addresses,
    API token, two-factor devices); and every session of the account ends. Audit rows the
    person made on other objects stay, with the actor set to NULL by the foreign key."""
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied
    # NO KEY UPDATE: serialises with writers that lock the account (hours_log) but not with
    # inserts that merely reference it (an email to the person written while a coordinator
    # accepts their offer), which would otherwise deadlock against the request lock below.
    user = get_user_model().objects.select_for_update(no_key=True).get(pk=user.pk)
    needles = Needles.of(user)

    # Every open assignment ends through the assignment service, which locks the request
    # before the assignment (as accepting does): a coordinator accepting the person's offer
    # at this moment either comes first (and the place is freed again here) or finds the
    # offer withdrawn. Requests are taken in a fixed order.
    active = Assignment.objects.filter(
        volunteer=user, status__in=ACTIVE_ASSIGNMENT_STATUSES
    ).order_by("help_request_id", "id")
    withdrawn = 0
    for assignment in active:
        try:
            assignment_withdraw(assignment=assignment, actor=user)
        except InvalidTransition:
            continue  # answered in the meantime (declined): nothing to end
        withdrawn += 1
    # Lock the person's hours so that a coordinator confirming one right now waits, and then
    # finds it gone, instead of confirming hours that would not be counted anonymously.
    list(
        HoursEntry.objects.select_for_update(of=("self",))
        .filter(assignment__volunteer=user)
        .values_list("pk", flat=True)
    )
    moved = _hours_to_anonymous_counts(user)

    # Notes the person wrote themselves may hold anything about them.
    StatusChange.objects.filter(actor=user).exclude(note="").update(note="")
    # Emails to the person's addresses that are not linked to the account (e.g. "someone
    # tried to sign up with your address"), coordinator invitations to those addresses, and
    # the address as an organisation's contact (the organisation must name a new one).
    Notification.objects.filter(needles.q_equal("to_email")).delete()
    CoordinatorInvitation.objects.filter(needles.q_equal("email")).delete()
    Organisation.objects.filter(needles.q_equal("contact_email")).update(contact_email="")
    # Emails to coordinators about the person's offers: the offer is gone, so a waiting one
    # is not sent, and the first name they carry is cut out.
    offer_keys = Q()
    for pk in Assignment.objects.filter(volunteer=user).values_list("pk", flat=True):
        offer_keys |= Q(dedupe_key__startswith=f"offer-received:{pk}:")
    if offer_keys:
        Notification.objects.filter(offer_keys, status=Notification.Status.PENDING).update(
            status=Notification.Status.CANCELLED,
            last_error="The volunteer deleted their account.",
            updated_at=timezone.now(),
        )
        for notification in Notification.objects.filter(offer_keys).only("pk", "context"):
            context = dict(notification.context or {})
            if "volunteer_name" in context:
                context["volunteer_name"] = REDACTED
                Notification.objects.filter(pk=notification.pk).update(context=context)
    redacted = _cut_free_text(needles)

    collector = _collect(user)
    _forget_audit_of(_deleted_objects(collector))
    user_id = user.pk
    collector.delete()
    sessions = sessions_end_for_user(user_id=user_id)
    logger.info(
        "Account %s deleted: %s confirmed hours kept anonymously, %s assignments ended.",
        user_id,
        moved,
        withdrawn,
    )
    return AccountDeletion(
        hours_kept_anonymously=moved,
        assignments_ended=withdrawn,
        sessions_ended=sessions,
        texts_redacted=redacted,
    )


# --- Führungszeugnis retention --------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if it is
    shorter: 31 May - 3 months = 28/29 February)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fuehrungszeugnis_purge_expired(*, today: dt.date | None = None) -> int:
    """Periodic: delete Führungszeugnis records that may no longer be kept. Returns how many.

    The rule (SGB VIII § 72a (5) as the benchmark; PRODUCT.md "at the latest 3 months after
    the volunteer stops"): a record is kept while the volunteer has an active assignment
    (invited, offered or confirmed) on a request that has not ended, and afterwards for 3
    calendar months after the later of
      - the end of their last assignment: the earlier of the assignment's own end
        (withdrawn, declined, expired: Assignment.ended_at) and its request's end (closed or
        expired: HelpRequest.ended_at), and
      - the day the certificate was seen (seen_on).
    So a volunteer whose last assignment ended more than 3 months ago loses the record, and so
    does one who never had an assignment once the record was seen more than 3 months ago. A
    certificate seen after the last assignment ended is a new start: it is kept for 3 months
    from the day it was seen, as for someone who never had an assignment.

    One conditional DELETE: a record that became needed again in the meantime is not touched,
    and a second run on the same day finds nothing left to delete.
    """
    today = today or timezone.localdate()
    cutoff = months_before(today, FZ_RETENTION_MONTHS)
    cutoff_start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    ended_requests = [HelpRequest.Status.CLOSED, HelpRequest.Status.EXPIRED]
    active = Assignment.objects.filter(
        volunteer=OuterRef("volunteer_id"), status__in=ACTIVE_ASSIGNMENT_STATUSES
    ).exclude(help_request__status__in=ended_requests)
    # An assignment ended recently when neither its own end nor its request's end lies before
    # the cut-off (a missing end is no end).
    ended_recently = (
        Assignment.objects.filter(volunteer=OuterRef("volunteer_id"))
        .filter(Q(ended_at__isnull=False) | Q(help_request__ended_at__isnull=False))
        .exclude(ended_at__lt=cutoff_start)
        .exclude(help_request__ended_at__lt=cutoff_start)
    )
    deleted, _ = (
        FuehrungszeugnisRecord.objects.filter(seen_on__lt=cutoff)
        .exclude(Exists(active))
        .exclude(Exists(ended_recently))
        .delete()
    )
    if deleted:
        logger.info("Deleted %s Führungszeugnis record(s) past retention (%s).", deleted, cutoff)
    return deleted
