"""Decision letters: the approval (Zuwendung / Weiterleitungsvertrag) or the rejection, as PDF.

Rendered once when the decision is signed (in the signing transaction, before the pots are
locked: a render takes a while), stored with its hash, re-rendered only when the stored PDF is
missing. Letters are official documents of the district and always in German. The template
gets plain, escaped values only (backend/documents.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from backend.documents import render_pdf, sha256_hex

from ..models import Application, DecisionLetter
from .budget import format_euro


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def letter_context(application: Application) -> dict[str, Any]:
    """Plain values for templates/pdf/funding_letter.html."""
    year = application.programme_year
    lines = [
        {
            "category": str(line.get_category_display()),
            "description": line.description,
            "amount": format_euro(line.amount),
        }
        for line in application.cost_lines.all()
    ]
    return {
        "kind": application.decision,
        "reference": application.reference,
        "organisation": application.organisation.name,
        "organisation_address": application.organisation.address,
        "organisation_town": application.organisation.town.name,
        "title": application.title,
        "purpose": application.description,
        "goals": application.goals,
        "town": application.town.name,
        "programme": year.programme.name,
        "funding_authority": year.programme.funding_authority,
        "year": year.year,
        "block": f"{application.block.code}: {application.block.title}",
        "starts_on": _date(application.starts_on),
        "ends_on": _date(application.ends_on),
        "requested_amount": format_euro(application.requested_amount),
        "own_contribution": format_euro(application.own_contribution),
        "amount": format_euro(application.approved_amount) if application.approved_amount else "",
        "conditions": application.decision_conditions,
        "reasons": application.decision_reasons,
        "proof_due_on": _date(application.proof_due_on),
        "proof_weeks": year.proof_of_use_weeks,
        "signed_on": _date(application.signed_at),
        "cost_lines": lines,
        "ki_address": settings.KI_ADDRESS,
        "ki_district": settings.KI_DISTRICT,
    }


def letter_render(application: Application) -> bytes:
    with translation.override("de"):
        return render_pdf("pdf/funding_letter.html", letter_context(application))


def letter_kind(application: Application) -> str:
    return (
        DecisionLetter.Kind.REJECTION
        if application.decision == Application.Decision.REJECT
        else DecisionLetter.Kind.APPROVAL
    )


def letter_create(*, application: Application, pdf: bytes | None = None) -> DecisionLetter:
    """Store the letter of a signed decision: `pdf` when the caller rendered it already, else
    rendered here. Idempotent: an existing letter is returned as it is, nothing is rendered."""
    existing = DecisionLetter.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if pdf is None:
        pdf = letter_render(application)
    return DecisionLetter.objects.create(
        application=application, kind=letter_kind(application), pdf=pdf, sha256=sha256_hex(pdf)
    )


def letter_pdf(*, letter: DecisionLetter) -> bytes:
    """The stored PDF; rendered again (and stored) only when it is missing."""
    if letter.pdf:
        return bytes(letter.pdf)
    pdf = letter_render(letter.application)
    letter.pdf, letter.sha256 = pdf, sha256_hex(pdf)
    DecisionLetter.objects.filter(pk=letter.pk).update(pdf=pdf, sha256=letter.sha256)
    return pdf


def letter_filename(letter: DecisionLetter) -> str:
    prefix = "Bewilligung" if letter.kind == DecisionLetter.Kind.APPROVAL else "Ablehnung"
    return f"{prefix}-{letter.application.reference}.pdf"
