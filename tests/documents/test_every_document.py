"""Every document and every email as the person reads it, from the demo district.

One world (tests/documents/world.py): `seed_demo`, then everything the demo lacks made through
the services, with names and titles that hold `<b>` and `&`. Then every kind of PDF (approval
and rejection letter, Ehrenamtsnachweis, Teilnahmebescheinigung) is read back as text with
PDFium (tests/pdf.py) and every kind of email in notifications/catalogue.py is rendered in
German and English, and each fails on what a reader would stumble over:

- template internals ("<Block Node", "<TextNode", "object at 0x", "{{", "{%"),
- the text "None", an empty labelled value ("Baustein:" followed by nothing, "„“", "()"),
- markup a person typed, shown as markup or escaped twice (never "&lt;b&gt;" in a PDF or a text
  email, never a raw "<b>" from a name in an HTML email),
- a fact the reader needs that is missing (names, amounts, dates, codes, links).

The rendered PDFs are written to var/documents/ (and as PNG pages with
`python -m tests.pdf var/documents/*.pdf`) so that a person can read them as their
recipients would.
"""

from __future__ import annotations

import copy
import html as htmllib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from funding.models import DecisionLetter
from funding.services.letters import letter_contact, letter_pdf
from notifications import catalogue
from notifications.models import Notification
from notifications.rendering import render_notification
from notifications.values import as_text, unpack
from tests.conftest import module_transaction
from tests.pdf import pdf_metadata, pdf_words
from volunteers.models import HoursEntry, TrainingCertificate
from volunteers.services.certificates import certificate_for
from volunteers.services.training_certificates import certificate_pdf, certificates_render

from . import world as w

pytestmark = pytest.mark.django_db

OUT = Path(settings.BASE_DIR) / "var" / "documents"
INTERNALS = ("<Block Node", "<TextNode", "object at 0x", "{{", "}}", "{%", "%}", "<django.")
DOUBLE_ESCAPED = ("&amp;lt;", "&amp;gt;", "&amp;amp;", "&amp;quot;", "&amp;#x27;")
ESCAPED = ("&lt;", "&gt;", "&amp;", "&quot;", "&#x27;", "&#39;")
NONE = re.compile(r"\bNone\b")
EMPTY = (
    re.compile(r"„\s*“"),  # an empty title in quotes
    re.compile(r"“\s*”"),  # the same in English quotes
    re.compile(r"\(\s*\)"),  # empty brackets
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_transaction(django_db_blocker):
        yield w.build()


@pytest.fixture
def ctx(world, db):
    return copy.copy(world)


# --- What every text must not contain ---------------------------------------------------------


def readable_problems(text: str, *, where: str) -> list[str]:
    """What a reader would stumble over in a plain text (a PDF's text, a text email, a
    subject)."""
    problems = [f"{where}: template internals {token!r}" for token in INTERNALS if token in text]
    if NONE.search(text):
        problems.append(f"{where}: the text 'None'")
    problems += [f"{where}: escaped markup {token!r}" for token in ESCAPED if token in text]
    for pattern in EMPTY:
        if match := pattern.search(text):
            problems.append(f"{where}: an empty value {match.group(0)!r}")
    # A label ("Betrag:", "Zum Antrag:") with nothing after it on its line or the next one. An
    # introductory sentence that ends in a colon (a link on the line after the blank one) is
    # no label: labels are a few words.
    lines = [line.rstrip() for line in text.splitlines()]
    for number, line in enumerate(lines):
        following = lines[number + 1].strip() if number + 1 < len(lines) else ""
        label = line.strip()
        if label.endswith(":") and len(label.split()) <= 4 and not following:
            problems.append(f"{where}: a label and nothing after it: {label!r}")
    return problems


def html_problems(html: str, typed: list[str], *, where: str) -> list[str]:
    problems = [f"{where}: template internals {t!r}" for t in INTERNALS if t in html]
    problems += [f"{where}: escaped twice {token!r}" for token in DOUBLE_ESCAPED if token in html]
    visible = htmllib.unescape(re.sub(r"<[^>]+>", " ", html))
    if NONE.search(visible):
        problems.append(f"{where}: the text 'None'")
    for value in typed:
        if "<" in value and value in html:
            problems.append(f"{where}: typed markup {value!r} is markup in the HTML")
    return problems


# --- Documents (PDF) --------------------------------------------------------------------------


def save(name: str, pdf: bytes) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.pdf").write_bytes(pdf)


def pdf_problems(pdf: bytes, *, where: str) -> list[str]:
    text = pdf_words(pdf)
    problems = readable_problems(text, where=where)
    return problems


def test_the_approval_letter_reads_right_to_the_initiatives_treasurer(ctx):
    application = ctx.approved
    pdf = letter_pdf(letter=application.letter)
    save("bewilligung", pdf)
    text = pdf_words(pdf)

    assert pdf_problems(pdf, where="approval letter") == []
    assert application.letter.kind == DecisionLetter.Kind.APPROVAL
    facts = [
        settings.KI_NAME,
        settings.KI_ADDRESS,
        # The recipient's postal address, typed markup as it was typed.
        f"{w.ORGANISATION} {w.full(w.COORDINATOR)} {w.ADDRESS} 59227 Ahlen",
        f"Guten Tag {w.full(w.COORDINATOR)},",
        f"Aktenzeichen {application.reference}",
        f"Datum {application.signed_at:%d.%m.%Y}",
        "1.234,50 €",
        f"Projekt {w.APPLICATION}",
        f"Baustein {application.block.code}: {application.block.title} Ort Ahlen",
        f"Bewilligungszeitraum {application.starts_on:%d.%m.%Y} bis {application.ends_on:%d.%m.%Y}",
        "Honorar <b>Moderation</b> & Material",
        f"bis zum {application.proof_due_on:%d.%m.%Y}",
        "Auflagen: Auflage: <b>Belege</b> & Listen aufbewahren.",
        f"Im Auftrag {w.full(w.LEAD)} Leitung, {settings.KI_NAME}",
    ]
    missing = [fact for fact in facts if fact not in text]
    assert missing == [], text
    assert "Sehr geehrte Damen und Herren" not in text
    assert pdf_metadata(pdf)["Title"] == f"Zuwendungsbescheid {application.reference}"


def test_the_rejection_letter_gives_reasons_names_and_signer(ctx):
    application = ctx.rejected
    pdf = letter_pdf(letter=application.letter)
    save("ablehnung", pdf)
    text = pdf_words(pdf)

    assert pdf_problems(pdf, where="rejection letter") == []
    facts = [
        f"Guten Tag {w.full(w.COORDINATOR)},",
        f"„{w.REJECTED}“ (Baustein {application.block.code}: {application.block.title},",
        "800,00 €",
        "Reine <b>Druckkosten</b> & Porto sind nicht förderfähig.",
        f"Im Auftrag {w.full(w.LEAD)}",
    ]
    assert [fact for fact in facts if fact not in text] == [], text


def test_every_letter_of_the_demo_reads_right(ctx):
    """The demo's own letters, whatever the demo holds: facts of each case, no internals."""
    letters = list(DecisionLetter.objects.select_related("application__block", "application"))
    assert {letter.kind for letter in letters} == {"approval", "rejection"}
    for letter in letters:
        application = letter.application
        save(f"demo-{letter.kind}-{application.reference}", letter_pdf(letter=letter))
        text = pdf_words(letter_pdf(letter=letter))
        where = f"letter {application.reference}"
        assert pdf_problems(letter_pdf(letter=letter), where=where) == []
        assert f"Baustein {application.block.code}: {application.block.title}" in text, where
        assert application.reference in text and application.organisation.name in text, where
        contact = letter_contact(application)
        greeting = f"Guten Tag {contact.name}," if contact else "Sehr geehrte Damen und Herren,"
        assert greeting in text, where
        if application.signed_by and application.signed_by.name:
            assert f"Im Auftrag {application.signed_by.name}" in text, where


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_ehrenamtsnachweis_reads_right_to_an_employer(ctx, language):
    with translation.override(language):
        certificate = certificate_for(volunteer=ctx.volunteer)
    pdf = bytes(certificate.pdf)
    save(f"ehrenamtsnachweis-{language}", pdf)
    text = pdf_words(pdf)

    assert pdf_problems(pdf, where=f"Ehrenamtsnachweis ({language})") == []
    name = w.full(w.VOLUNTEER)
    confirmed = sum(
        HoursEntry.objects.filter(
            assignment__volunteer=ctx.volunteer, status=HoursEntry.Status.CONFIRMED
        ).values_list("hours", flat=True),
        Decimal(0),
    )
    total = f"{confirmed:.2f}".replace(".", "," if language == "de" else ".")
    facts = [
        name,
        w.REQUEST,
        w.ORGANISATION,
        total,
        w.PAST_TRAINING,  # the completed training
        certificate.code,
        settings.SITE_URL + f"/bescheinigung/pruefen/{certificate.code}/",
        settings.KI_NAME,
    ]
    assert [fact for fact in facts if fact not in text.replace("/ ", "/")] == [], text
    assert ctx.volunteer.email not in text
    if language == "en":
        assert "Hiermit wird bestätigt" not in text


def test_every_demo_volunteer_with_hours_gets_a_nachweis_with_their_name(ctx):
    """Whoever the demo has: a named volunteer with confirmed hours gets a certificate that
    names them and never their address; one without a name or hours gets a plain refusal."""
    from django.contrib.auth import get_user_model

    from volunteers.services.certificates import CertificateRefused

    people = list(
        get_user_model()
        .objects.filter(volunteer_profile__isnull=False)
        .exclude(pk__in=[ctx.volunteer.pk, ctx.english_volunteer.pk])
        .order_by("pk")[:4]
    )
    for person in people:
        try:
            certificate = certificate_for(volunteer=person)
        except CertificateRefused as refusal:
            assert refusal.errors, person
            continue
        text = pdf_words(bytes(certificate.pdf))
        assert person.name and person.name in text
        assert person.email not in text
        assert pdf_problems(bytes(certificate.pdf), where=f"Nachweis of {person.pk}") == []
    assert people  # the demo has volunteers


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_teilnahmebescheinigung_reads_right(ctx, language):
    certificate = TrainingCertificate.objects.select_related(
        "registration__volunteer", "registration__training"
    ).get(pk=ctx.certificate.pk)
    certificate.registration.volunteer.language = language  # the PDF speaks the holder's
    pdf = certificates_render([certificate])[certificate.pk]
    save(f"teilnahmebescheinigung-{language}", pdf)
    text = pdf_words(pdf)

    assert pdf_problems(pdf, where=f"Teilnahmebescheinigung ({language})") == []
    facts = [
        w.full(w.VOLUNTEER),
        w.PAST_TRAINING,
        certificate.training_dates,
        certificate.code,
        settings.SITE_URL + f"/bescheinigung/pruefen/{certificate.code}/",
        settings.KI_NAME,
    ]
    assert [fact for fact in facts if fact not in text.replace("/ ", "/")] == [], text
    # The stored one (what the volunteer downloads) is as good.
    assert pdf_problems(certificate_pdf(certificate=certificate), where="stored") == []


def test_every_demo_teilnahmebescheinigung_names_a_person(ctx):
    for certificate in TrainingCertificate.objects.select_related("registration__volunteer")[:5]:
        text = pdf_words(certificate_pdf(certificate=certificate))
        assert certificate.holder_name and certificate.holder_name in text
        assert certificate.registration.volunteer.email not in text
        assert pdf_problems(certificate_pdf(certificate=certificate), where=certificate.code) == []


# --- Emails -----------------------------------------------------------------------------------

# For each kind, the context values the reader needs: each must be there (not empty) and be
# in the text email and, escaped once, in the HTML email; "?key" only when it was given (a
# message the coordinator may leave empty, the place of an online training). A kind not listed
# here (a new one) is still checked for everything else, and for its catalogued link.
FACTS: dict[str, tuple[str, ...]] = {
    "account.email_confirmation": ("activate_url",),
    "account.email_confirmation_signup": ("activate_url",),
    "account.password_reset_key": ("password_reset_url",),
    "account.account_already_exists": ("password_reset_url",),
    "account.unknown_account": ("email", "signup_url"),
    "system.test": (),
    "volunteers.invitation": (
        "request_title",
        "organisation",
        "town",
        "?message",
        "accept_url",
        "decline_url",
    ),
    "volunteers.digest": ("list_url",),
    "volunteers.assignment_confirmed": ("request_title", "request_url"),
    "volunteers.hours_confirmed": ("hours", "date", "request_title", "dashboard_url"),
    "volunteers.fuehrungszeugnis_expiring": ("valid_until", "profile_url"),
    "volunteers.offer_received": ("volunteer_name", "request_title", "request_url"),
    "volunteers.request_expiring": ("request_title", "open_until", "request_url"),
    # To an unverified address: the organisation only once the KI verified it, no inviter.
    "volunteers.coordinator_invitation": ("?organisation", "accept_url"),
    "volunteers.organisation_verified": ("organisation", "organisation_url"),
    "volunteers.organisation_rejected": ("organisation", "reason", "organisation_url"),
    "volunteers.organisation_registered": (
        "organisation",
        "town",
        "contact_email",
        "registered_by",
        "review_url",
    ),
    "volunteers.training_registered": ("title", "starts_at", "?place", "url"),
    "volunteers.training_waitlisted": ("title", "position", "url"),
    "volunteers.training_offer": ("title", "expires_at", "confirm_url", "decline_url"),
    "volunteers.training_cancelled": ("title", "?reason", "url"),
    "volunteers.training_reminder": ("title", "starts_on", "starts_time", "?place", "url"),
    "volunteers.training_certificate": ("title", "code", "download_url", "verify_url"),
    "funding.application_submitted": ("reference", "title", "application_url"),
    "funding.changes_requested": ("reference", "message", "application_url"),
    "funding.application_approved": (
        "reference",
        "title",
        "amount",
        "proof_due_on",
        "application_url",
    ),
    "funding.application_rejected": ("reference", "title", "application_url"),
    "funding.payment_made": ("reference", "amount", "application_url"),
    "funding.proof_reminder": ("reference", "proof_due_on", "application_url"),
    "funding.proof_returned": ("reference", "message", "application_url"),
    "funding.application_closed": ("reference", "title", "application_url"),
    "directory.offer_unconfirmed": ("title", "hidden_on", "offer_url"),
    # To an address someone else typed: no name or function they typed.
    "directory.contact_published": ("?of", "remove_url"),
}
DEMO_ROWS_PER_KIND = 2


def rows_of(kind: str) -> list[Notification]:
    """The demo's first rows of the kind and the last row (made by world.build)."""
    rows = list(Notification.objects.filter(kind=kind).order_by("pk"))
    return [*rows[:DEMO_ROWS_PER_KIND], rows[-1]] if len(rows) > DEMO_ROWS_PER_KIND else rows


def typed_values(context: dict) -> list[str]:
    """Every string in the context (nested lists and dicts too)."""
    found: list[str] = []
    if isinstance(context, dict):
        for value in context.values():
            found += typed_values(value)
    elif isinstance(context, list):
        for value in context:
            found += typed_values(value)
    elif isinstance(context, str):
        found.append(context)
    return found


def test_the_world_has_every_kind_of_email(ctx):
    made = set(Notification.objects.values_list("kind", flat=True))
    assert set(catalogue.BY_CODE) - made == set()


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("kind", [kind.code for kind in catalogue.KINDS])
def test_every_email_reads_right(ctx, kind, language):
    rows = rows_of(kind)
    assert rows, f"the world has no {kind} email"
    problems: list[str] = []
    for row in rows:
        row.language = language  # the same email to a reader of the other language
        message = render_notification(row)
        [(html, _mimetype)] = message.alternatives
        subject, text = message.subject, message.body
        where = f"{kind} #{row.pk} ({language})"
        context = unpack(row.context)  # dates and numbers as Python values again
        problems += readable_problems(subject, where=f"{where} subject")
        problems += readable_problems(text, where=f"{where} text")
        problems += html_problems(html, typed_values(context), where=f"{where} html")
        if subject.endswith(":"):
            problems.append(f"{where}: the subject ends with a label")
        # The greeting names the reader, or greets without a name; never an address. An
        # email to an address nobody verified greets without a name (another user may have
        # typed it).
        unverified = catalogue.BY_CODE[kind].unverified_address
        reader = row.recipient.name if row.recipient and not unverified else ""
        greeting = {"de": "Guten Tag", "en": "Hello"}[language]
        if not kind.startswith("account.") or row.recipient is None:
            expected = f"{greeting} {reader}," if reader else f"{greeting},"
            if expected not in text:
                problems.append(f"{where}: no greeting {expected!r}")
        # The facts.
        entry = catalogue.BY_CODE[kind]
        keys = FACTS.get(kind, ()) + ((entry.link,) if entry.link else ())
        for wanted in dict.fromkeys(keys):
            key = wanted.lstrip("?")
            value = context.get(key)
            if value in (None, "", []) and wanted.startswith("?"):
                continue
            if value in (None, "", []):
                problems.append(f"{where}: the fact {key!r} is empty in the context")
                continue
            with translation.override(language):  # as the reader's language writes it
                shown = str(as_text(value))
            if shown not in text:
                problems.append(f"{where}: the fact {key}={shown!r} is not in the text email")
            if htmllib.escape(shown, quote=False) not in html and htmllib.escape(shown) not in html:
                problems.append(f"{where}: the fact {key}={shown!r} is not in the HTML email")
        for request in context.get("requests", []):  # the digest's list
            for key in ("title", "organisation", "url"):
                if request[key] not in text:
                    problems.append(f"{where}: digest entry {key}={request[key]!r} missing")
        # Typed markup comes out literally in the text email.
        facts = [context.get(key.lstrip("?")) for key in keys]
        for value in typed_values(context):
            if "<b>" in value and value in facts and value not in text:
                problems.append(f"{where}: typed {value!r} not literal in the text email")
        if language == "en":
            for german in ("Guten Tag", "Freundliche Grüße", "Diese E-Mail wurde automatisch"):
                if german in text:
                    problems.append(f"{where}: German {german!r} in the English email")
    assert problems == []
