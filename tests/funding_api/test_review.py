"""The KI's side of the funding API: asking for changes, resubmission, checklist and internal
notes, proposing and signing with four eyes, the letter, payments, the proof of use and the
budget overview."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from funding.models import Application
from funding.services import proof
from notifications.models import Notification
from tests.funding.factories import ApplicationFactory, approved, proposed, submitted

from .helpers import BASE, assert_error, client_for, content_of, create

pytestmark = pytest.mark.django_db


def case_url(pk, action: str = "") -> str:
    return f"{BASE}/applications/{pk}/" + (f"{action}/" if action else "")


def test_changes_requested_resubmitted_proposed_and_signed_by_another_lead(w):
    pk = create(w)["id"]
    applicant, staff = client_for(w.coordinator_x), client_for(w.staff)
    assert applicant.post(case_url(pk, "submit")).status_code == 200

    response = staff.post(
        case_url(pk, "request-changes"), {"message": "Bitte Zielgruppe genauer."}, format="json"
    )
    assert response.status_code == 200, response.content
    seen = applicant.get(case_url(pk)).json()
    assert (seen["status"], seen["editable"]) == ("changes_requested", True)
    assert seen["change_request"] == "Bitte Zielgruppe genauer."
    assert Notification.objects.filter(kind="funding.changes_requested").count() == 1

    response = applicant.patch(
        case_url(pk), {"target_group": "Geflüchtete Frauen mit Kindern"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert applicant.post(case_url(pk, "submit")).json()["status"] == "submitted"

    response = staff.post(
        case_url(pk, "propose"),
        {"decision": "approve", "amount": "800.00", "conditions": "Belege aufbewahren."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["decision"]["amount"] == "800.00"
    # The applicant sees that a decision is proposed, not what it is.
    assert applicant.get(case_url(pk)).json()["decision"] is None

    response = client_for(w.lead).post(case_url(pk, "sign"))
    assert response.status_code == 200, response.content
    body = applicant.get(case_url(pk)).json()
    assert body["status"] == "approved"
    assert body["approved_amount"] == "800.00"
    assert body["decision"]["decision"] == "approve"
    assert body["decision"]["conditions"] == "Belege aufbewahren."
    assert body["proof_due_on"]

    letter = applicant.get(body["letter"])
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert letter["Content-Disposition"].startswith("attachment;")
    assert f"Bewilligung-{body['reference']}.pdf" in letter["Content-Disposition"]
    assert letter["X-Content-Type-Options"] == "nosniff"
    assert content_of(letter).startswith(b"%PDF-")

    steps = [
        (h["from_status"], h["to_status"]) for h in applicant.get(case_url(pk, "history")).json()
    ]
    assert steps == [
        ("draft", "submitted"),
        ("submitted", "changes_requested"),
        ("changes_requested", "submitted"),
        ("submitted", "proposed"),
        ("proposed", "approved"),
    ]


def test_the_proposer_cannot_sign_four_eyes(w):
    application = ApplicationFactory(organisation=w.org_x, programme_year=w.year)
    proposed(application, staff=w.lead)
    response = client_for(w.lead).post(case_url(application.pk, "sign"))
    body = assert_error(response, 409, "conflict")
    assert "Vier-Augen-Prinzip" in body["detail"]
    application.refresh_from_db()
    assert application.status == Application.Status.PROPOSED
    w.year.refresh_from_db()
    assert w.year.committed == 0
    assert client_for(w.lead_2).post(case_url(application.pk, "sign")).status_code == 200


def test_only_a_lead_signs(w):
    application = ApplicationFactory(organisation=w.org_x, programme_year=w.year)
    proposed(application, staff=w.lead)
    assert_error(
        client_for(w.staff).post(case_url(application.pk, "sign")), 403, "permission_denied"
    )


def test_a_proposal_without_its_amount_or_reasons_names_the_request_fields(w):
    application = submitted(ApplicationFactory(organisation=w.org_x, programme_year=w.year))
    staff = client_for(w.staff)
    url = case_url(application.pk, "propose")
    assert_error(
        staff.post(url, {"decision": "approve"}, format="json"), 422, "validation_error", "amount"
    )
    response = staff.post(url, {"decision": "approve", "amount": "5000"}, format="json")
    assert_error(response, 422, "validation_error", "amount")  # more than requested
    response = staff.post(url, {"decision": "reject", "reasons": "  "}, format="json")
    assert_error(response, 422, "validation_error", "reasons")
    response = staff.post(url, {"decision": "maybe"}, format="json")
    assert_error(response, 400, "validation_error", "decision")


def test_internal_notes_and_checklist_are_never_in_the_applicants_answers(w):
    application = submitted(ApplicationFactory(organisation=w.org_x, programme_year=w.year))
    staff, applicant = client_for(w.staff), client_for(w.coordinator_x)
    secret = "Träger hatte 2024 Probleme mit Belegen"
    response = staff.post(case_url(application.pk, "notes"), {"text": secret}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "KI Staff"
    response = staff.put(
        case_url(application.pk, "checklist"),
        {"checked": ["eligible_organisation", "not_started"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [i["key"] for i in response.json() if i["checked"]] == [
        "eligible_organisation",
        "not_started",
    ]

    for url in (
        case_url(application.pk),
        case_url(application.pk, "history"),
        f"{BASE}/applications/",
    ):
        response = applicant.get(url)
        assert response.status_code == 200
        text = json.dumps(response.json(), ensure_ascii=False)
        assert secret not in text
        assert "internal_notes" not in text and "checklist" not in text
    assert_error(applicant.get(case_url(application.pk, "notes")), 403, "permission_denied")
    assert_error(applicant.get(case_url(application.pk, "checklist")), 403, "permission_denied")

    seen_by_staff = staff.get(case_url(application.pk)).json()
    assert [n["text"] for n in seen_by_staff["internal_notes"]] == [secret]
    assert {i["key"] for i in seen_by_staff["checklist"] if i["checked"]} == {
        "eligible_organisation",
        "not_started",
    }


def test_the_applicant_does_not_see_the_proposal_in_the_history(w):
    application = ApplicationFactory(organisation=w.org_x, programme_year=w.year)
    proposed(application, staff=w.staff, amount=Decimal("700"))
    notes = [
        h["note"]
        for h in client_for(w.coordinator_x).get(case_url(application.pk, "history")).json()
    ]
    assert not any("700" in note for note in notes)
    staff_notes = [
        h["note"] for h in client_for(w.staff).get(case_url(application.pk, "history")).json()
    ]
    assert any("700" in note for note in staff_notes)


def test_send_back_returns_the_proposal_to_review(w):
    application = ApplicationFactory(organisation=w.org_x, programme_year=w.year)
    proposed(application, staff=w.staff)
    response = client_for(w.lead).post(
        case_url(application.pk, "send-back"), {"note": "Betrag prüfen"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["decision"] is None


def test_payments_proof_of_use_and_closing(w):
    application = approved(
        ApplicationFactory(organisation=w.org_x, programme_year=w.year), staff=w.staff, lead=w.lead
    )
    applicant, staff = client_for(w.coordinator_x), client_for(w.staff)
    url = case_url(application.pk, "payments")
    response = applicant.post(url, {"amount": "600.00", "note": "1. Rate"}, format="json")
    assert response.status_code == 201, response.content
    payment = response.json()
    assert payment["status"] == "requested"
    response = applicant.post(url, {"amount": "600.00"}, format="json")
    assert_error(response, 409, "conflict", "amount")  # only 300 € left to ask for
    assert_error(staff.post(url, {"amount": "1"}, format="json"), 403, "permission_denied")

    paid = staff.post(f"{BASE}/payments/{payment['id']}/mark-paid/")
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid"
    assert_error(staff.post(f"{BASE}/payments/{payment['id']}/mark-paid/"), 409, "conflict")
    second = applicant.post(url, {"amount": "100"}, format="json").json()
    response = applicant.post(f"{BASE}/payments/{second['id']}/cancel/", {}, format="json")
    assert response.json()["status"] == "cancelled"
    assert [p["status"] for p in applicant.get(url).json()] == ["paid", "cancelled"]

    lines = list(application.cost_lines.all())
    response = applicant.post(
        case_url(application.pk, "proof"),
        {
            "report": "Zwölf Treffen.",
            "actual_amounts": [{"cost_line": line.pk, "amount": "950"} for line in lines],
        },
        format="json",
    )
    # The project has not ended yet: every problem is named.
    assert_error(response, 422, "validation_error", "__all__")

    proof.proof_submit(
        application=application,
        report="Zwölf Treffen.",
        actual_amounts={line.pk: Decimal("950") for line in lines},
        actor=w.coordinator_x,
        today=application.ends_on,
    )
    response = staff.post(
        case_url(application.pk, "return-proof"), {"message": "Belege fehlen"}, format="json"
    )
    assert response.json()["status"] == "approved"
    proof.proof_submit(
        application=application,
        report="Zwölf Treffen, Belege anbei.",
        actual_amounts={line.pk: Decimal("950") for line in lines},
        actor=w.coordinator_x,
        today=application.ends_on,
    )
    response = staff.post(case_url(application.pk, "close"), {"repayment": "700.00"}, format="json")
    assert_error(response, 422, "validation_error", "repayment")  # only 600 € were paid
    response = staff.post(
        case_url(application.pk, "close"), {"repayment": "50.00", "note": "ok"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["repaid_amount"]) == ("closed", "50.00")

    budget = staff.get(f"{BASE}/programme-years/{w.year.pk}/budget/").json()
    # 900 approved, 600 paid; 300 never paid + 50 repaid came back.
    assert budget["total"]["committed"] == "900.00"
    assert budget["total"]["paid"] == "600.00"
    assert budget["total"]["returned"] == "350.00"
    assert budget["total"]["available"] == str(Decimal("100000") - 900 + 350) + ".00"
    block_a = next(b for b in budget["blocks"] if b["code"] == "A")
    assert (block_a["committed"], block_a["available"]) == ("900.00", "24450.00")


def test_the_budget_counts_open_requests_and_is_for_ki_staff_only(w):
    submitted(ApplicationFactory(organisation=w.org_x, programme_year=w.year))
    url = f"{BASE}/programme-years/{w.year.pk}/budget/"
    body = client_for(w.staff).get(url).json()
    assert body["total"]["requested_open"] == "900.00"
    assert body["total"]["pot"] == "100000.00"
    assert [b["code"] for b in body["blocks"]] == ["A", "B", "C", "D"]
    for user in (w.coordinator_x, w.volunteer, w.staff_without_mfa):
        assert_error(client_for(user).get(url), 403, "permission_denied")
    assert_error(client_for().get(url), 401, "not_authenticated")


def test_the_staff_list_filters_and_leaves_out_drafts(w):
    from tests.factories import TownFactory

    draft = ApplicationFactory(organisation=w.org_x, programme_year=w.year, town=w.town)
    in_ahlen = submitted(
        ApplicationFactory(organisation=w.org_x, programme_year=w.year, town=w.town)
    )
    in_telgte = ApplicationFactory(
        organisation=w.org_y, programme_year=w.year, town=w.telgte, submitted=True
    )
    TownFactory(name="Beelen")
    staff = client_for(w.staff)

    def ids(**params):
        response = staff.get(f"{BASE}/applications/", params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {in_ahlen.pk, in_telgte.pk}
    assert draft.pk not in ids(status="draft")
    assert ids(town="telgte") == {in_telgte.pk}
    assert ids(town="beelen") == set()
    assert ids(town="atlantis") == set()
    assert ids(block="A", programme_year=w.year.pk) == {in_ahlen.pk, in_telgte.pk}
    assert ids(block="B") == set()
    assert ids(programme_year=999_999) == set()
    assert ids(q=in_telgte.reference) == {in_telgte.pk}
    coordinator = client_for(w.coordinator_x).get(f"{BASE}/applications/").json()["results"]
    assert {row["id"] for row in coordinator} == {draft.pk, in_ahlen.pk}
