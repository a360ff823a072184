"""A case on the staff page, driven by HTTP as the KI team would: the checklist, internal
notes, asking for changes, proposing, the four-eyes signature, the letter, payments and the
proof of use; the refusals (form errors, four eyes, roles) and the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Application, Attachment, DecisionLetter, InternalNote, Payment
from funding.services import payments, proof
from funding.services.applications import application_submit
from tests.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    coordinator_of,
    proposed,
    submitted,
)
from tests.querybudget import assert_constant_queries

from .conftest import action_url, detail_url, page_messages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]


def sign(client, application: Application, **extra):
    """The lead chooses "sign" and confirms on the next page, as the buttons do."""
    data = {"sign-choice": "sign", **extra}
    first = client.post(action_url(application, "sign"), data, follow=True)
    if first.redirect_chain:  # refused before the confirmation step
        return first
    assert "Verbindlich zeichnen" in first.text
    return client.post(action_url(application, "sign"), {**data, "step": "confirm"}, follow=True)


def status_of(application: Application) -> str:
    application.refresh_from_db()
    return application.status


def test_the_whole_review_by_http_ends_with_a_signed_letter(
    staff, staff_client, lead_client, second_lead_client
):
    application = submitted(ApplicationFactory(requested_amount=Decimal("900")))
    coordinator = coordinator_of(application)

    # Ask for changes: back to the applicant, who resubmits.
    response = staff_client.post(
        action_url(application, "request-changes"),
        {"changes-message": "Bitte die Zielgruppe genauer beschreiben."},
    )
    assert response.status_code == 302
    assert status_of(application) == Application.Status.CHANGES_REQUESTED
    page = staff_client.get(detail_url(application)).content.decode()
    assert "Bitte die Zielgruppe genauer beschreiben." in page
    application_submit(application=application, actor=coordinator)

    # Checklist and proposal by a staff member.
    response = staff_client.post(
        action_url(application, "checklist"),
        {"checklist-checked": ["eligible_organisation", "costs_plausible"]},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.checklist["costs_plausible"] is True
    assert application.checklist["fits_block"] is False
    proposal = {
        "propose-decision": "approve",
        "propose-decision_amount": "800.00",
        "propose-decision_conditions": "Teilnahmelisten führen.",
    }
    response = staff_client.post(action_url(application, "propose"), proposal)
    assert "Entscheidung vorschlagen: bitte bestätigen" in response.text
    assert status_of(application) == Application.Status.SUBMITTED  # nothing saved yet
    response = staff_client.post(
        action_url(application, "propose"), {**proposal, "step": "confirm"}, follow=True
    )
    assert status_of(application) == Application.Status.PROPOSED
    assert "Die Entscheidung ist vorgeschlagen" in " ".join(page_messages(response))

    # A lead who did not propose signs, after a confirmation step.
    page = lead_client.get(detail_url(application)).content.decode()
    assert "Vorschlag entscheiden" in page
    assert "Zeichnen: Bewilligung über 800,00 €" in page
    response = sign(lead_client, application)
    assert response.redirect_chain[-1][0] == detail_url(application) + "#entscheidung"
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.approved_amount == Decimal("800.00")
    letter = DecisionLetter.objects.get(application=application)
    assert bytes(letter.pdf).startswith(b"%PDF-")
    page = response.content.decode()
    assert reverse("funding:letter_download", args=[application.pk]) in page
    assert "Teilnahmelisten führen." in page
    year = application.programme_year
    year.refresh_from_db()
    assert year.committed == Decimal("800.00")

    # The audit trail on the page: who, from, to, note.
    history = page.split('id="history-caption"')[1]
    for text in (
        "Änderungen erbeten",
        "Bitte die Zielgruppe genauer beschreiben.",
        "Bewilligung über 800,00 € vorgeschlagen",
        "Bewilligung über 800,00 € gezeichnet",
        "Sara Sachbearbeitung",
        "Lena Leitung",
    ):
        assert text in history, text


def test_the_proposer_cannot_sign_and_is_told_why(lead, lead_client):
    application = proposed(submitted(ApplicationFactory()), staff=lead)

    page = lead_client.get(detail_url(application)).content.decode()
    assert "Vorschlag entscheiden" not in page
    assert "Vier-Augen-Prinzip: Sie haben diese Entscheidung vorgeschlagen" in page

    response = sign(lead_client, application)

    assert response.status_code == 200
    assert any("Vier-Augen-Prinzip" in message for message in page_messages(response))
    application.refresh_from_db()
    assert application.status == Application.Status.PROPOSED
    assert application.signed_by is None
    assert not DecisionLetter.objects.filter(application=application).exists()


def test_staff_without_the_lead_role_get_403_on_sign(staff_client):
    application = proposed(submitted(ApplicationFactory()))

    page = staff_client.get(detail_url(application)).content.decode()
    assert "Vorschlag entscheiden" not in page
    assert "Zeichnen kann nur die KI-Leitung" in page

    for data in ({}, {"sign-choice": "sign"}, {"sign-choice": "sign", "step": "confirm"}):
        response = staff_client.post(action_url(application, "sign"), data)
        assert response.status_code == 403
    assert status_of(application) == Application.Status.PROPOSED


def test_a_refused_proposal_keeps_the_input_and_shows_the_error_at_the_field(staff_client):
    application = submitted(ApplicationFactory(requested_amount=Decimal("900")))

    response = staff_client.post(
        action_url(application, "propose"),
        {"propose-decision": "approve", "propose-decision_amount": "950.00"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Es kann höchstens der beantragte Betrag (900,00 €) bewilligt werden." in page
    assert 'id="id_propose-decision_amount-error"' in page
    assert 'value="950.00"' in page
    assert status_of(application) == Application.Status.SUBMITTED


def test_a_rejection_needs_reasons_and_then_is_signed_as_rejection(
    staff_client, second_lead_client
):
    application = submitted(ApplicationFactory())
    response = staff_client.post(action_url(application, "propose"), {"propose-decision": "reject"})
    assert response.status_code == 400
    assert "Bitte begründen Sie die Ablehnung." in response.content.decode()

    staff_client.post(
        action_url(application, "propose"),
        {
            "propose-decision": "reject",
            "propose-decision_reasons": "Maßnahme hat begonnen.",
            "step": "confirm",
        },
    )
    sign(second_lead_client, application)

    assert status_of(application) == Application.Status.REJECTED
    assert DecisionLetter.objects.get(application=application).kind == "rejection"


def test_asking_for_changes_needs_a_message(staff_client):
    application = submitted(ApplicationFactory())
    response = staff_client.post(action_url(application, "request-changes"), {})
    assert response.status_code == 400
    assert 'id="id_changes-message-error"' in response.content.decode()
    assert status_of(application) == Application.Status.SUBMITTED


def test_a_proposal_can_be_sent_back_to_review(staff_client):
    application = proposed(submitted(ApplicationFactory()))
    response = staff_client.post(
        action_url(application, "send-back"), {"sendback-note": "Betrag nochmal prüfen"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.decision == ""


def test_an_action_that_does_not_fit_the_status_is_refused_without_change(staff_client):
    application = approved(ApplicationFactory())
    response = staff_client.post(
        action_url(application, "request-changes"), {"changes-message": "Noch etwas"}, follow=True
    )
    # The form is no longer on the page: the refusal is a message above the current case.
    assert response.redirect_chain == [(detail_url(application), 302)]
    assert page_messages(response) == [
        "Dieser Statuswechsel ist im aktuellen Zustand nicht möglich."
    ]
    assert status_of(application) == Application.Status.APPROVED
    stale_close = staff_client.post(action_url(application, "close"), {}, follow=True)
    assert page_messages(stale_close) == [
        "Diese Aktion passt nicht zum Stand des Antrags (bewilligt). Es wurde nichts gespeichert."
    ]
    assert status_of(application) == Application.Status.APPROVED


def test_unknown_actions_are_404_and_actions_need_post(staff_client):
    application = submitted(ApplicationFactory())
    assert staff_client.post(action_url(application, "approve-everything")).status_code == 404
    assert staff_client.get(action_url(application, "sign")).status_code == 405
    missing = reverse("funding:staff_application_action", args=[999_999, "note"])
    assert staff_client.post(missing, {"note-text": "x"}).status_code == 404


def test_internal_notes_are_listed_for_staff_and_marked_internal(staff_client, lead_client):
    application = submitted(ApplicationFactory())

    response = staff_client.post(
        action_url(application, "note"),
        {"note-text": "Rückruf beim Verein: <b>Kosten</b> ok."},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == detail_url(application) + "#notizen"
    note = InternalNote.objects.get(application=application)
    assert note.text == "Rückruf beim Verein: <b>Kosten</b> ok."
    page = lead_client.get(detail_url(application)).content.decode()
    notes = page.split('id="notizen"')[1].split('id="verlauf"')[0]
    assert "intern – für Antragstellende nicht sichtbar" in notes
    assert "Rückruf beim Verein: &lt;b&gt;Kosten&lt;/b&gt; ok." in notes
    assert "Sara Sachbearbeitung" in notes
    empty = staff_client.post(action_url(application, "note"), {"note-text": ""})
    assert empty.status_code == 400
    assert InternalNote.objects.count() == 1


def test_people_outside_the_ki_team_cannot_open_or_act_on_a_case(client):
    application = submitted(ApplicationFactory())
    coordinator = coordinator_of(application)
    client.force_login(coordinator)
    assert client.get(detail_url(application)).status_code == 403
    assert client.post(action_url(application, "note"), {"note-text": "x"}).status_code == 403
    assert not InternalNote.objects.exists()
    staff_without_mfa = UserFactory(ki_staff=True)
    client.force_login(staff_without_mfa)
    response = client.get(detail_url(application))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_markup_in_the_case_is_escaped_on_the_staff_page(staff_client):
    application = submitted(
        ApplicationFactory(
            title="<script>alert(1)</script>",
            description='<img src=x onerror="alert(2)">',
            cost_lines=[("fees", "<i>Honorar</i>", "1000")],
        )
    )
    page = staff_client.get(detail_url(application)).content.decode()
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "<i>Honorar</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;i&gt;Honorar&lt;/i&gt;" in page


def test_payments_are_recorded_and_cancelled_from_the_case_page(staff_client):
    application = approved(ApplicationFactory(requested_amount=Decimal("900")))
    coordinator = coordinator_of(application)
    first = payments.payment_request(
        application=application, amount=Decimal("500"), actor=coordinator
    )
    second = payments.payment_request(
        application=application, amount=Decimal("100"), actor=coordinator
    )
    page = staff_client.get(detail_url(application)).content.decode()
    assert page.count("als ausgezahlt erfassen") == 2

    paid = staff_client.post(
        reverse("funding:staff_payment_action", args=[first.pk, "mark-paid"]), follow=True
    )
    cancelled = staff_client.post(
        reverse("funding:staff_payment_action", args=[second.pk, "cancel"]),
        {f"cancel-{second.pk}-note": "doppelt angefordert"},
        follow=True,
    )

    assert paid.redirect_chain[-1][0] == detail_url(application) + "#mittelabrufe"
    assert "500,00 € sind als ausgezahlt erfasst." in page_messages(paid)
    assert "Der Mittelabruf über 100,00 € ist storniert." in page_messages(cancelled)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Payment.Status.PAID, Payment.Status.CANCELLED)
    application.refresh_from_db()
    assert application.paid_amount == Decimal("500.00")
    # Paying twice is refused with a message, nothing changes.
    again = staff_client.post(
        reverse("funding:staff_payment_action", args=[first.pk, "mark-paid"]), follow=True
    )
    assert page_messages(again) == ["Dieser Statuswechsel ist im aktuellen Zustand nicht möglich."]
    application.refresh_from_db()
    assert application.paid_amount == Decimal("500.00")
    assert (
        staff_client.post(
            reverse("funding:staff_payment_action", args=[first.pk, "refund"])
        ).status_code
        == 404
    )


def test_proof_of_use_is_returned_then_closed_with_a_repayment(staff_client):
    application = approved(ApplicationFactory(requested_amount=Decimal("900")))
    coordinator = coordinator_of(application)
    payment = payments.payment_request(
        application=application, amount=Decimal("900"), actor=coordinator
    )
    staff_client.post(reverse("funding:staff_payment_action", args=[payment.pk, "mark-paid"]))
    line = application.cost_lines.get()

    def submit_proof():
        proof.proof_submit(
            application=application,
            report="Zwölf Treffen mit je 15 Personen.",
            actual_amounts={line.pk: Decimal("850")},
            actor=coordinator,
            today=application.ends_on,
        )

    submit_proof()
    page = staff_client.get(detail_url(application)).content.decode()
    proof_part = page.split('id="verwendungsnachweis"')[1]
    assert "Zwölf Treffen mit je 15 Personen." in proof_part
    assert "1.000,00 €" in proof_part and "850,00 €" in proof_part and "-150,00 €" in proof_part

    returned = staff_client.post(
        action_url(application, "return-proof"), {"proofreturn-message": "Belege fehlen."}
    )
    assert returned.status_code == 302
    assert status_of(application) == Application.Status.APPROVED

    submit_proof()
    too_much = staff_client.post(action_url(application, "close"), {"close-repayment": "1000"})
    assert too_much.status_code == 400
    assert "höchstens, was ausgezahlt wurde (900,00 €)" in too_much.content.decode()
    assert status_of(application) == Application.Status.PROOF_SUBMITTED

    closed = staff_client.post(
        action_url(application, "close"),
        {"close-repayment": "50.00", "close-note": "Belege geprüft."},
    )
    assert closed.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.CLOSED
    assert application.repaid_amount == Decimal("50.00")
    year = application.programme_year
    year.refresh_from_db()
    assert year.returned == Decimal("50.00")


def test_a_vorbehaltlich_year_warns_before_proposing_and_signing_explains(
    staff_client, second_lead_client
):
    year = ProgrammeYearFactory(subject_to_confirmation=True)
    application = submitted(ApplicationFactory(programme_year=year))
    page = staff_client.get(detail_url(application)).content.decode()
    assert "noch nicht vom Land bestätigt" in page

    proposed(application)
    response = sign(second_lead_client, application)
    assert any("vorbehaltlich" in message for message in page_messages(response))
    assert status_of(application) == Application.Status.PROPOSED


def test_case_page_queries_do_not_grow_with_notes_payments_lines_and_history(staff, staff_client):
    application = approved(
        ApplicationFactory(
            requested_amount=Decimal("900"),
            own_contribution=Decimal("100"),
            cost_lines=[("fees", f"Honorar {i}", "100") for i in range(10)],
        )
    )
    coordinator = coordinator_of(application)

    def make(n):
        for _ in range(n):
            review_note = InternalNote(application=application, author=staff, text="Notiz")
            review_note.save()
            payment = payments.payment_request(
                application=application, amount=Decimal("1"), actor=coordinator
            )
            payments.payment_cancel(payment=payment, actor=staff, note="doppelt")

    queries = assert_constant_queries(staff_client, detail_url(application), make, large=30)
    assert queries <= 20, queries


def test_annexes_and_receipts_link_to_the_checked_download(staff_client):
    application = submitted(ApplicationFactory())

    def attach(purpose: str, filename: str) -> Attachment:
        return Attachment.objects.create(
            application=application,
            purpose=purpose,
            file=f"funding/{application.pk}/{filename}",
            filename=filename,
            content_type="application/pdf",
            size=2048,
            sha256="0" * 64,
        )

    annex = attach("application", "Kostenplan <v2>.pdf")
    receipt = attach("receipt", "Quittung.pdf")
    application.proof_report = "Bericht"
    application.save(update_fields=["proof_report"])

    page = staff_client.get(detail_url(application)).content.decode()

    annexes = page.split('id="anlagen"')[1].split("</section>")[0]
    assert reverse("funding:attachment_download", args=[annex.pk]) in annexes
    assert "Kostenplan &lt;v2&gt;.pdf" in annexes
    assert "Quittung.pdf" not in annexes
    receipts = page.split('id="verwendungsnachweis"')[1].split("</section>")[0]
    assert reverse("funding:attachment_download", args=[receipt.pk]) in receipts
