"""Decision letters, rendered for real (WeasyPrint) and read back with PDFium (tests/pdf.py):
what an applicant typed appears literally (escaped, never interpreted), the approval states
amount, period, proof-of-use deadline and conditions, the rejection its reasons; a stored letter
is re-rendered only when its PDF is missing."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from funding.models import Application, DecisionLetter
from funding.services import letters, review
from funding.services.applications import application_submit
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, UserFactory
from tests.pdf import pdf_words

from .factories import ApplicationFactory, approved, lead_user, staff_user, submitted

pytestmark = pytest.mark.django_db

MARKUP = "<script>alert(1)</script> & <b>x</b>"


def marked_up_application(**kwargs) -> Application:
    return ApplicationFactory(
        title=f"Treffpunkt {MARKUP}",
        description=f"Beschreibung {MARKUP}",
        requested_amount=Decimal("1234"),
        own_contribution=Decimal("0"),
        cost_lines=[("fees", f"Honorar {MARKUP}", "1234")],
        **kwargs,
    )


def test_the_approval_letter_shows_typed_markup_literally_and_every_fact():
    application = marked_up_application()
    submitted(application)
    review.decision_propose(
        application=application,
        decision="approve",
        amount=Decimal("1234"),
        conditions=f"Auflage {MARKUP}",
        actor=staff_user(),
    )
    review.decision_sign(application=application, actor=lead_user())
    application.refresh_from_db()
    letter = application.letter

    pdf = bytes(letter.pdf)
    assert letter.kind == DecisionLetter.Kind.APPROVAL
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
    text = pdf_words(pdf)
    for typed in (f"Treffpunkt {MARKUP}", f"Beschreibung {MARKUP}", f"Auflage {MARKUP}"):
        assert typed in text
    assert f"Honorar {MARKUP}" in text
    assert "&lt;" not in text and "&amp;" not in text  # escaped once, not twice
    assert "1.234,00 €" in text
    assert f"{application.starts_on:%d.%m.%Y} bis {application.ends_on:%d.%m.%Y}" in text
    assert application.proof_due_on == application.programme_year.proof_due_on(application.ends_on)
    assert f"bis zum {application.proof_due_on:%d.%m.%Y}" in text
    assert application.reference in text
    assert "Weiterleitungsvertrag" in text


def test_the_rejection_letter_gives_the_reasons_literally():
    application = marked_up_application()
    submitted(application)
    review.decision_propose(
        application=application,
        decision="reject",
        reasons=f"Begründung {MARKUP}",
        actor=staff_user(),
    )
    review.decision_sign(application=application, actor=lead_user())
    application.refresh_from_db()

    text = pdf_words(bytes(application.letter.pdf))

    assert application.letter.kind == DecisionLetter.Kind.REJECTION
    assert f"Begründung {MARKUP}" in text
    assert f"Treffpunkt {MARKUP}" in text
    assert "nicht bewilligen" in text
    assert "Weiterleitungsvertrag" not in text


def test_a_letter_is_rendered_again_only_when_its_pdf_is_missing(monkeypatch):
    renders = []
    real = letters.letter_render

    def counting(application):
        renders.append(application.pk)
        return real(application)

    monkeypatch.setattr(letters, "letter_render", counting)
    application = approved(ApplicationFactory())
    letter = application.letter
    assert len(renders) == 1
    stored = bytes(letter.pdf)

    # Stored: served as it is, even when the case changed since.
    Application.objects.filter(pk=application.pk).update(title="Neuer Titel")
    assert letters.letter_pdf(letter=letter) == stored
    assert letters.letter_create(application=application).pk == letter.pk
    assert len(renders) == 1

    # Missing: rendered once, stored with its hash, then served from the database.
    DecisionLetter.objects.filter(pk=letter.pk).update(pdf=None, sha256="")
    letter = DecisionLetter.objects.get(pk=letter.pk)
    again = letters.letter_pdf(letter=letter)
    assert again.startswith(b"%PDF-")
    assert len(renders) == 2
    letter = DecisionLetter.objects.get(pk=letter.pk)
    assert bytes(letter.pdf) == again
    assert letter.sha256 == hashlib.sha256(again).hexdigest()
    assert letters.letter_pdf(letter=letter) == again
    assert len(renders) == 2
    assert letters.letter_filename(letter) == f"Bewilligung-{application.reference}.pdf"


def test_the_letter_names_sender_recipient_contact_baustein_and_the_signing_lead(settings):
    settings.KI_ADDRESS = "Waldenburger Straße 2, 48231 Warendorf"
    settings.KI_CONTACT_EMAIL = "integration@kreis-warendorf.example"
    coordinator = UserFactory(full_name="Klara Koordination")
    application = ApplicationFactory(
        organisation=OrganisationFactory(
            name="Flüchtlingshilfe Ahlen e. V.",
            address="Marktplatz 1",
            town=TownFactory(name="Beckum", postal_codes=["59269"]),
        ),
        coordinator=coordinator,
    )
    approved(application, lead=lead_user(full_name="Dr. Leonie Leitung"))

    text = pdf_words(bytes(application.letter.pdf))

    assert "Kommunales Integrationszentrum Kreis Warendorf" in text
    assert "Waldenburger Straße 2, 48231 Warendorf" in text
    assert "integration@kreis-warendorf.example" in text
    assert "Flüchtlingshilfe Ahlen e. V. Klara Koordination Marktplatz 1 59269 Beckum" in text
    assert "Guten Tag Klara Koordination, auf Ihren Antrag" in text
    assert "Sehr geehrte Damen und Herren" not in text
    assert f"Baustein {application.block.code}: {application.block.title}" in text
    assert "Block Node" not in text and "TextNode" not in text
    assert (
        "Mit freundlichen Grüßen Im Auftrag Dr. Leonie Leitung Leitung, Kommunales "
        "Integrationszentrum Kreis Warendorf" in text
    )


def test_without_a_named_contact_the_letter_greets_neutrally(settings):
    application = ApplicationFactory(coordinator=UserFactory(nameless=True))
    submitted(application)
    review.decision_propose(
        application=application, decision="reject", reasons="Nicht förderfähig.", actor=staff_user()
    )
    review.decision_sign(application=application, actor=lead_user(full_name="Lea Leitung"))
    application.refresh_from_db()

    text = pdf_words(bytes(application.letter.pdf))

    assert "Sehr geehrte Damen und Herren, Ihren Antrag" in text
    assert "Guten Tag" not in text
    assert "@" not in text.replace(settings.KI_CONTACT_EMAIL, "")  # no address as a name
    assert f"(Baustein {application.block.code}: {application.block.title}," in text
    assert "Im Auftrag Lea Leitung" in text


def test_the_contact_is_whoever_submitted_last():
    drafter = UserFactory(full_name="Dora Entwurf")
    application = ApplicationFactory(coordinator=drafter, created_by=drafter)
    other = UserFactory(full_name="Sven Einreicher")
    MembershipFactory(organisation=application.organisation, user=other)

    assert letters.letter_contact(application) == drafter
    application_submit(application=application, actor=other)
    assert letters.letter_contact(application) == other
    assert letters.letter_context(application)["salutation"] == "Guten Tag Sven Einreicher,"
