"""Decision letters: the approval (Zuwendung / Weiterleitungsvertrag) or the rejection, as PDF.

Rendered once when the decision is signed (in the signing transaction, before the pots are
locked: a render takes a while), stored with its hash, re-rendered only when the stored PDF is
missing. Letters are official documents of the district and always in German. The template
gets plain, escaped values only (backend/documents.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from backend.accounts.roles import is_ki_lead
from backend.documents import render_pdf, sha256_hex
from backend.models import StatusChange

from ..models import Application, DecisionLetter
from .budget import format_euro


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _postal_lines(organisation) -> list[str]:
    """The organisation's postal address below its name: the typed address (one line per
    comma-separated part), then the town with its postal code where the address does not name
    the town already. The postal code is added only when the town has exactly one."""
    typed = [part.strip() for part in (organisation.address or "").split(",") if part.strip()]
    town = organisation.town
    if not any(town.name in part for part in typed):
        codes = town.postal_codes or []
        typed.append(f"{codes[0]} {town.name}" if len(codes) == 1 else town.name)
    return typed


def letter_contact(application: Application):
    """The person the letter addresses by name: whoever submitted the application last (the
    audit trail), else whoever drafted it; None when neither has given a name."""
    submitted = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id=application.pk,
            to_status=Application.Status.SUBMITTED,
            actor__isnull=False,
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    for person in (submitted.actor if submitted else None, application.created_by):
        if person is not None and person.name:
            return person
    return None


def _signer_role(signer) -> str:
    """What the signing person is, as the letter names it (letters are always German)."""
    if is_ki_lead(signer):
        return f"Leitung, {settings.KI_NAME}"
    return settings.KI_NAME


def letter_context(application: Application) -> dict[str, Any]:
    """Plain values for templates/pdf/funding_letter.html.

    Sender (the KI) and recipient (the organisation, its postal address, the named contact
    where known), the salutation (neutral: "Guten Tag <name>," or, without a name, "Sehr
    geehrte Damen und Herren,"), the facts of the case and the signing lead. No key is a name
    the template engine defines itself (backend/template_context.py): the building block is
    `building_block`, never `block`."""
    year = application.programme_year
    lines = [
        {
            "category": str(line.get_category_display()),
            "description": line.description,
            "amount": format_euro(line.amount),
        }
        for line in application.cost_lines.all()
    ]
    contact = letter_contact(application)
    signer = application.signed_by
    return {
        "kind": application.decision,
        "reference": application.reference,
        "organisation": application.organisation.name,
        "organisation_lines": _postal_lines(application.organisation),
        "contact_name": contact.name if contact else "",
        "salutation": (
            f"Guten Tag {contact.name}," if contact else "Sehr geehrte Damen und Herren,"
        ),
        "title": application.title,
        "purpose": application.description,
        "goals": application.goals,
        "town": application.town.name,
        "programme": year.programme.name,
        "funding_authority": year.programme.funding_authority,
        "year": year.year,
        "building_block": f"{application.block.code}: {application.block.title}",
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
        "signer_name": signer.name if signer is not None else "",
        "signer_role": _signer_role(signer) if signer is not None else "",
        "cost_lines": lines,
        "ki_address": settings.KI_ADDRESS,
        "ki_district": settings.KI_DISTRICT,
        "ki_contact_email": settings.KI_CONTACT_EMAIL,
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
