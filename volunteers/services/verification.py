"""Checking a certificate's code: both kinds the platform issues, one public check page.

- Teilnahmebescheinigung (training_certificates.py): 12 characters, "K7QM-4TXR-9HCW".
- Ehrenamtsnachweis (certificates.py): "EN" and 8 characters, "EN-7K3P-Q9XW".

Both use the alphabet without look-alikes (no 0/O, 1/I/L). A person types a code in any case,
with spaces, dashes or none. What the check says is exact and tells four answers apart: the
input is no code of either form (and why: characters that never occur, or how many characters
it has), a well-formed code nobody issued, a revoked certificate, a valid one. A well-formed
unknown code gets the same answer whatever it looks like, so the page cannot be used to find
codes. The answer shows only what a reader needs to compare with the paper (name, what, when,
hours, issuer) and of a revocation only that and when, never the internal reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ValidationFailed
from volunteers.models import TrainingCertificate, VolunteerCertificate

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRAINING = "training"
EHRENAMT = "ehrenamt"
TRAINING_LENGTH = 12
EHRENAMT_PREFIX = "EN"
EHRENAMT_LENGTH = 10  # "EN" and 8
# What separates groups when people type or paste a code: spaces, dashes of every kind, dots.
SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]")


@dataclass(frozen=True)
class Code:
    kind: str  # TRAINING or EHRENAMT
    code: str  # canonical: "K7QM-4TXR-9HCW" or "EN-7K3P-Q9XW"


@dataclass(frozen=True)
class Verification:
    """What the public page shows of one certificate."""

    kind: str
    code: str
    holder_name: str
    issued_on: dt.date
    training_title: str = ""
    training_dates: str = ""
    hours: Decimal | None = None
    revoked_on: dt.date | None = None

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None


class CodeMalformed(ValidationFailed):
    """The input is no code of either kind; the message says why."""


def _grouped(compact: str) -> str:
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def code_parse(raw: str) -> Code:
    """The kind and canonical form of a typed code. Raises CodeMalformed with every reason
    at once (characters that never occur in a code, the wrong number of characters)."""
    typed = " ".join((raw or "").split())
    compact = SEPARATORS.sub("", raw or "").upper()
    if not compact:
        raise CodeMalformed(_("Bitte geben Sie den Prüfcode ein."), field="code")
    foreign = sorted({ch for ch in compact if ch not in ALPHABET})
    if not foreign:
        if len(compact) == EHRENAMT_LENGTH and compact.startswith(EHRENAMT_PREFIX):
            return Code(EHRENAMT, f"{EHRENAMT_PREFIX}-{_grouped(compact[2:])}")
        if len(compact) == TRAINING_LENGTH:
            return Code(TRAINING, _grouped(compact))
    reasons = []
    if foreign:
        shown = ", ".join(f"„{ch}“" for ch in foreign)
        reasons.append(
            _(
                "Er enthält %(chars)s. Prüfcodes bestehen nur aus den Ziffern 2 bis 9 und den "
                "Buchstaben A bis Z ohne I, L und O."
            )
            % {"chars": shown}
        )
    length = len(compact) - sum(1 for ch in compact if ch in foreign and not ch.isalnum())
    if length not in (TRAINING_LENGTH, EHRENAMT_LENGTH) or (
        length == EHRENAMT_LENGTH and not compact.startswith(EHRENAMT_PREFIX)
    ):
        reasons.append(
            _(
                "Er hat %(n)d Zeichen (ohne Leerzeichen und Bindestriche). Der Prüfcode einer "
                "Teilnahmebescheinigung hat 12 Zeichen, zum Beispiel K7QM-4TXR-9HCW; der eines "
                "Ehrenamtsnachweises beginnt mit EN und hat dann 8 weitere, zum Beispiel "
                "EN-7K3P-Q9XW."
            )
            % {"n": length}
        )
    message = _("„%(typed)s“ ist kein Prüfcode.") % {"typed": typed[:40]}
    raise CodeMalformed(" ".join([message, *reasons]), field="code")


def verification_lookup(code: Code) -> Verification | None:
    """What the public page shows of the certificate with this code; None when nobody issued
    it. Never reads the stored PDF or the reason of a revocation."""
    if code.kind == TRAINING:
        training = (
            TrainingCertificate.objects.filter(code=code.code)
            .only(
                "code",
                "holder_name",
                "training_title",
                "training_dates",
                "hours",
                "issued_at",
                "revoked_at",
            )
            .first()
        )
        if training is None:
            return None
        return Verification(
            kind=TRAINING,
            code=training.code,
            holder_name=training.holder_name,
            issued_on=timezone.localdate(training.issued_at),
            training_title=training.training_title,
            training_dates=training.training_dates,
            hours=training.hours,
            revoked_on=(timezone.localdate(training.revoked_at) if training.revoked_at else None),
        )
    nachweis = (
        VolunteerCertificate.objects.filter(code=code.code)
        .only("code", "holder_name", "total_hours", "created_at")
        .first()
    )
    if nachweis is None:
        return None
    return Verification(
        kind=EHRENAMT,
        code=nachweis.code,
        holder_name=nachweis.holder_name,
        issued_on=timezone.localdate(nachweis.created_at),
        hours=nachweis.total_hours,
    )
