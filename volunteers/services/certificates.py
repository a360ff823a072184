"""The Ehrenamtsnachweis: a PDF of a volunteer's activities and confirmed hours.

A certificate is rendered from plain values only (backend/documents.py). The canonical JSON of
those values is hashed into a fingerprint; a VolunteerCertificate with the same fingerprint is
served again as stored (same bytes, same verification code), so a certificate is re-rendered
only when what it says has changed (new confirmed hours, an assignment ended, a new year for
the Ehrenamtskarte window, another language). Older certificates stay stored so their codes
remain checkable.

A certificate names a person: it is refused (CertificateRefused, with every reason at once)
while the account has no name (never the email address in its place) or no confirmed hours.
Like the Teilnahmebescheinigung it carries its verification code as text and as a QR code of
the public check page (volunteers/services/training_certificates.py: the same URL and QR
code functions), and the row keeps what that page shows (name, hours, date) as issued.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.documents import render_pdf, sha256_hex
from backend.errors import ConflictError
from volunteers.models import Assignment, HoursEntry, VolunteerCertificate

from .hours import ehrenamtskarte_status, hours_confirmed_per_year
from .training_certificates import certificate_qr_data_uri, certificate_verify_url

TEMPLATE = "pdf/ehrenamtsnachweis.html"
CODE_PREFIX = "EN"
# No 0/O, 1/I/L: a code is read off paper and typed in by a person.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4
CENT = Decimal("0.01")


class CertificateRefused(ConflictError):
    """The Ehrenamtsnachweis cannot be issued yet; `errors` names every reason at once
    ({"name": [...], "hours": [...]}) and the message joins them."""


def certificate_code_new() -> str:
    """A random verification code like "EN-7K3P-Q9XW" (31^8 ≈ 8.5e11 possibilities)."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join([CODE_PREFIX, *groups])


def _hours(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(CENT)


def _activities(volunteer) -> list[dict[str, Any]]:
    """Every assignment the volunteer was confirmed for, oldest first, with its confirmed
    hours. Invitations, offers and declined requests are not activities."""
    rows = (
        Assignment.objects.filter(volunteer=volunteer, confirmed_at__isnull=False)
        .select_related("help_request__organisation", "help_request__town")
        .select_related("help_request__activity_area")
        .annotate(
            confirmed_hours=Coalesce(
                Sum("hours__hours", filter=Q(hours__status=HoursEntry.Status.CONFIRMED)),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=10, decimal_places=2),
            )
        )
        .order_by("confirmed_at", "id")
    )
    activities = []
    for assignment in rows:
        help_request = assignment.help_request
        activities.append(
            {
                "title": help_request.title,
                "area": help_request.activity_area.name,
                "organisation": help_request.organisation.name,
                "town": help_request.town.name,
                "start": timezone.localdate(assignment.confirmed_at),
                "end": (timezone.localdate(assignment.ended_at) if assignment.ended_at else None),
                "hours": _hours(assignment.confirmed_hours),
            }
        )
    return activities


def completed_trainings(volunteer) -> list[dict[str, Any]]:
    """Completed trainings: every valid Teilnahmebescheinigung (issued only to those present
    at every session), oldest first."""
    from volunteers.models import TrainingCertificate

    rows = (
        TrainingCertificate.objects.filter(
            registration__volunteer=volunteer, revoked_at__isnull=True
        )
        .select_related("registration__training")
        .order_by("registration__training__first_starts_at", "pk")
    )
    return [
        {
            "title": c.training_title,
            "date": timezone.localdate(c.registration.training.first_starts_at)
            if c.registration.training.first_starts_at
            else timezone.localdate(c.issued_at),
            "organiser": settings.KI_NAME,
            "hours": _hours(c.hours),
        }
        for c in rows
    ]


def certificate_values(*, volunteer, today=None) -> dict[str, Any]:
    """What the certificate says, as plain values (str, Decimal, date, bool, lists, dicts).

    The fingerprint is computed over exactly this, so anything that changes the document must
    be in here and nothing that does not (no timestamps of the rendering)."""
    today = today or timezone.localdate()
    per_year = hours_confirmed_per_year(volunteer=volunteer)
    card = ehrenamtskarte_status(volunteer=volunteer, today=today)
    profile = getattr(volunteer, "volunteer_profile", None)
    return {
        "language": translation.get_language() or "de",
        # The name or "": never the email address (certificate_problems refuses "").
        "name": volunteer.name,
        "home_town": profile.town.name if profile is not None and profile.town else "",
        "activities": _activities(volunteer),
        "hours_per_year": [
            {"year": year, "hours": _hours(total)} for year, total in sorted(per_year.items())
        ],
        "total_hours": _hours(sum(per_year.values(), Decimal(0))),
        # The rolling window is counted back from today; only its numbers are kept here (not
        # the dates), so the stored certificate is not re-rendered every day. The PDF states
        # its issue date, which the slices count back from.
        "ehrenamtskarte": {
            "eligible": card["eligible"],
            "window_years": card["years"],
            "slices": [
                {
                    "weeks_from": 52 * index + 1,
                    "weeks_to": 52 * (index + 1),
                    "hours": _hours(piece["hours"]),
                }
                for index, piece in enumerate(card["slices"])
            ],
            "weekly_average": card["weekly_average"],
            "threshold_per_year": card["threshold_per_year"],
            "threshold_per_week": card["threshold_per_week"],
        },
        "trainings": completed_trainings(volunteer),
    }


def name_missing_message() -> str:
    return _(
        "Auf dem Ehrenamtsnachweis steht Ihr Name, und Ihr Konto hat noch keinen. Bitte tragen "
        "Sie Ihren Vor- und Nachnamen unter „Mein Konto“ ein; danach können Sie den Nachweis "
        "herunterladen."
    )


def no_hours_message() -> str:
    return _(
        "Sie haben noch keine bestätigten Stunden. Der Ehrenamtsnachweis bescheinigt bestätigte "
        "Stunden; sobald eine Initiative Ihre eingetragenen Stunden bestätigt hat, können Sie "
        "ihn herunterladen."
    )


def certificate_problems(values: dict[str, Any]) -> dict[str, list[str]]:
    """Why a certificate with these values cannot be issued: {} when it can."""
    problems: dict[str, list[str]] = {}
    if not values["name"].strip():
        problems["name"] = [name_missing_message()]
    if values["total_hours"] <= 0:
        problems["hours"] = [no_hours_message()]
    return problems


def certificate_problems_of(*, volunteer, today=None) -> dict[str, list[str]]:
    """What keeps the volunteer from downloading an Ehrenamtsnachweis now ({} when nothing):
    for the page that offers the download."""
    return certificate_problems(certificate_values(volunteer=volunteer, today=today))


def certificate_fingerprint(values: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the values (sorted keys, no whitespace; dates and
    decimals as their ISO / plain string forms)."""
    canonical = json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored(volunteer, fingerprint: str) -> VolunteerCertificate | None:
    return (
        VolunteerCertificate.objects.filter(volunteer=volunteer, data_fingerprint=fingerprint)
        .order_by("-created_at", "-id")
        .first()
    )


def certificate_for(*, volunteer, today=None) -> VolunteerCertificate:
    """The volunteer's current Ehrenamtsnachweis: the stored one when nothing it says has
    changed, else a newly rendered one with a new verification code.

    Rendering happens outside any transaction (it takes a moment); storing locks the
    volunteer's row and checks again, so two parallel downloads store one certificate.

    Raises CertificateRefused (no name, no confirmed hours: every reason at once)."""
    values = certificate_values(volunteer=volunteer, today=today)
    problems = certificate_problems(values)
    if problems:
        raise CertificateRefused(
            " ".join(message for messages in problems.values() for message in messages),
            errors=problems,
        )
    fingerprint = certificate_fingerprint(values)
    existing = _stored(volunteer, fingerprint)
    if existing is not None:
        return existing
    issued_at = timezone.now()
    for _attempt in range(5):
        code = certificate_code_new()
        verify_url = certificate_verify_url(code)
        pdf = render_pdf(
            TEMPLATE,
            {
                **values,
                "code": code,
                "issued_on": timezone.localdate(issued_at),
                "verify_url": verify_url,
                "qr_data_uri": certificate_qr_data_uri(verify_url),
                "ki_address": settings.KI_ADDRESS,
            },
        )
        try:
            with transaction.atomic():
                get_user_model().objects.select_for_update().filter(pk=volunteer.pk).first()
                existing = _stored(volunteer, fingerprint)
                if existing is not None:
                    return existing
                return VolunteerCertificate.objects.create(
                    volunteer=volunteer,
                    code=code,
                    holder_name=values["name"][:200],
                    total_hours=values["total_hours"],
                    data_fingerprint=fingerprint,
                    sha256=sha256_hex(pdf),
                    pdf=pdf,
                    created_at=issued_at,
                )
        except IntegrityError:
            # The code is taken (unique): render again with another one. The code is printed
            # in the PDF, so the document has to be rendered anew.
            if VolunteerCertificate.objects.filter(code=code).exists():
                continue
            raise
    raise RuntimeError("Could not find a free certificate code in 5 attempts.")


def certificate_filename(certificate: VolunteerCertificate) -> str:
    return f"Ehrenamtsnachweis-{certificate.code}.pdf"
