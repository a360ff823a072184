"""Access-matrix rows of funding: the applicant's and the KI's pages (/foerderung/...,
/verwaltung/foerderung/...) and the funding API (/api/v1/funding/...).

The world (security/conftest.py, _funding): every case belongs to organisation X, so
coordinator X is the applicant and coordinator Y (another organisation) must learn nothing of
it: 404 on every applicant page and every endpoint of a case, like volunteers. (The KI's pages
answer 403 to every member before looking at the case: staff_page.) KI staff with two-factor
see every case; they review, the applicant acts on the case (403 the other way round). Only a
KI lead signs, never the proposer (funding_proposed was proposed by KI staff). KI accounts
without two-factor see no case (404); the KI's pages send them to set it up, the KI's
endpoints refuse them (403).

All roles of a row run in ROLES order against the same world: a row's later roles see what
earlier ones changed (noted where it matters)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.pdf import tiny_pdf

from .access_matrix import (
    LOGIN,
    METHODS,
    ROLES,
    RedirectTo,
    Row,
    Status,
    by_role,
    everyone,
    logged_in,
    read_only_api,
    staff_api,
    staff_page,
)

PDF = tiny_pdf()  # an annex: an upload must open as a PDF with a page

# --- Pages ----------------------------------------------------------------------------------


def case_page(*, owner, staff) -> dict:
    """A page of a case of X: coordinator X gets `owner`, KI staff with two-factor `staff`;
    volunteers, coordinator Y and KI accounts without two-factor (who see no case) 404;
    anonymous visitors LOGIN."""
    return by_role(
        anonymous=LOGIN,
        volunteer_a=404,
        volunteer_b=404,
        coordinator_x=owner,
        coordinator_y=404,
        municipal=404,
        ki_staff=staff,
        ki_lead=staff,
        admin=staff,
        ki_staff_without_mfa=404,
    )


def applicant_page(*, coordinators, others) -> dict:
    """A page of no case: coordinators (X and Y, both of a verified organisation) get
    `coordinators`, every other account `others`."""
    return by_role(
        anonymous=LOGIN,
        volunteer_a=others,
        volunteer_b=others,
        coordinator_x=coordinators,
        coordinator_y=coordinators,
        municipal=coordinators,
        ki_staff=others,
        ki_lead=others,
        admin=others,
        ki_staff_without_mfa=others,
    )


def detail_of(name: str) -> RedirectTo:
    return RedirectTo("funding:application_detail", pk_of=name)


def staff_detail_of(name: str) -> RedirectTo:
    return RedirectTo("funding:staff_application_detail", pk_of=name)


def _pdf(w) -> dict:
    return {"file": SimpleUploadedFile("Angebot.pdf", PDF), "purpose": "application"}


REFUSED_PAGE = everyone(405)  # the method is refused before anything else (require_safe/POST)

PAGE_ROWS: list[Row] = [
    Row(
        "funding:application_list",
        {"GET": logged_in(200), "POST": REFUSED_PAGE},
        note="every account sees the cases of the organisations it coordinates (maybe none) "
        "and the open calls",
    ),
    Row(
        "funding:application_create",
        {
            "GET": logged_in(200),
            "POST": applicant_page(coordinators=400, others=403),
        },
        data=lambda w: {},
        note="coordinators of a verified organisation apply (an empty form: 400 with the "
        "errors); everyone else is told why not (GET) and refused (POST)",
    ),
    Row(
        "funding:application_detail",
        {"GET": case_page(owner=200, staff=200), "POST": REFUSED_PAGE},
        kwargs=lambda w: {"pk": w.funding_draft.pk},
        note="internal notes and the checklist are never on this page",
    ),
    Row(
        "funding:application_edit",
        {"GET": case_page(owner=200, staff=403), "POST": case_page(owner=400, staff=403)},
        kwargs=lambda w: {"pk": w.funding_draft.pk},
        data=lambda w: {},
        note="only the applicant edits (an empty form: 400); staff see, never change it",
    ),
    Row(
        "funding:application_submit",
        {"GET": REFUSED_PAGE, "POST": case_page(owner=detail_of("funding_draft"), staff=403)},
        kwargs=lambda w: {"pk": w.funding_draft.pk},
        note="the draft is complete: X submits it and lands on the case",
    ),
    Row(
        "funding:application_withdraw",
        {
            "GET": case_page(owner=200, staff=403),
            "POST": case_page(owner=detail_of("funding_draft"), staff=403),
        },
        kwargs=lambda w: {"pk": w.funding_draft.pk},
        data=lambda w: {"confirm": "on"},
        note="GET asks for confirmation; X confirms and lands on the case",
    ),
    Row(
        "funding:attachment_upload",
        {"GET": REFUSED_PAGE, "POST": case_page(owner=detail_of("funding_draft"), staff=403)},
        kwargs=lambda w: {"pk": w.funding_draft.pk},
        data=_pdf,
    ),
    Row(
        "funding:attachment_download",
        {"GET": case_page(owner=200, staff=200), "POST": REFUSED_PAGE},
        kwargs=lambda w: {"pk": w.funding_annex.pk},
        note="staff download through the same URL (access decides)",
    ),
    Row(
        "funding:attachment_delete",
        {"GET": REFUSED_PAGE, "POST": case_page(owner=detail_of("funding_draft"), staff=404)},
        kwargs=lambda w: {"pk": w.funding_annex.pk},
        label="funding:attachment_delete (annex of X's draft)",
        note="X removes it; after that it is gone for everyone (staff: 404). Staff's 403 is "
        "checked on the submitted case's annex",
    ),
    Row(
        "funding:attachment_delete",
        {
            "GET": REFUSED_PAGE,
            "POST": case_page(owner=detail_of("funding_submitted"), staff=403),
        },
        kwargs=lambda w: {"pk": w.funding_submitted_annex.pk},
        label="funding:attachment_delete (annex of X's submitted case)",
        note="a submitted annex stays; X is told so on the case",
    ),
    Row(
        "funding:letter_download",
        {"GET": case_page(owner=200, staff=200), "POST": REFUSED_PAGE},
        kwargs=lambda w: {"pk": w.funding_approved.pk},
    ),
    Row(
        "funding:payment_request",
        {
            "GET": REFUSED_PAGE,
            "POST": case_page(owner=detail_of("funding_approved"), staff=403),
        },
        kwargs=lambda w: {"pk": w.funding_approved.pk},
        data=lambda w: {"amount": "100.00"},
    ),
    Row(
        "funding:payment_cancel",
        {
            "GET": REFUSED_PAGE,
            "POST": case_page(owner=detail_of("funding_approved"), staff=403),
        },
        kwargs=lambda w: {"pk": w.funding_payment.pk},
        note="the applicant takes back a request; staff refuse one on their page",
    ),
    Row(
        "funding:proof_submit",
        {"GET": REFUSED_PAGE, "POST": case_page(owner=400, staff=403)},
        kwargs=lambda w: {"pk": w.funding_approved.pk},
        data=lambda w: {},
        note="the project has ended: X may report (an empty form: 400)",
    ),
    # --- KI staff ---------------------------------------------------------------------------
    Row("funding:staff_queue", {"GET": staff_page(200), "POST": REFUSED_PAGE}),
    Row(
        "funding:staff_application_detail",
        {"GET": staff_page(200), "POST": REFUSED_PAGE},
        kwargs=lambda w: {"pk": w.funding_submitted.pk},
        label="funding:staff_application_detail (submitted)",
    ),
    Row(
        "funding:staff_application_detail",
        {"GET": staff_page(200)},
        kwargs=lambda w: {"pk": w.funding_draft.pk},
        label="funding:staff_application_detail (draft)",
        note="staff may look at a draft (it is not in their queue)",
    ),
    *[
        Row(
            "funding:staff_application_action",
            {"GET": REFUSED_PAGE, "POST": staff_page(staff_detail_of(case)) | refused},
            kwargs=lambda w, case=case, action=action: {
                "pk": getattr(w, case).pk,
                "action": action,
            },
            data=lambda w, data=data: data,
            label=f"funding:staff_application_action ({action})",
            note=note,
        )
        for action, case, data, refused, note in (
            ("note", "funding_submitted", {"note-text": "Rückfrage gestellt."}, {}, ""),
            (
                "checklist",
                "funding_submitted",
                {"checklist-checked": ["eligible_organisation"]},
                {},
                "",
            ),
            (
                "request-changes",
                "funding_submitted",
                {"changes-message": "Bitte den Kostenplan erläutern."},
                {},
                "KI staff act; lead and admin find the case changed and are told so",
            ),
            (
                "propose",
                "funding_submitted",
                {
                    "propose-decision": "approve",
                    "propose-decision_amount": "900.00",
                    "step": "confirm",
                },
                {},
                "KI staff propose (confirmed); lead and admin find a proposal and are told so",
            ),
            (
                "sign",
                "funding_proposed",
                {"sign-choice": "sign", "step": "confirm"},
                {"ki_staff": Status(403), "admin": Status(403)},
                "only a KI lead signs (KI staff proposed it; the proposer is told why not)",
            ),
            ("send-back", "funding_proposed", {"sendback-note": "Betrag prüfen"}, {}, ""),
            ("close", "funding_in_proof", {"close-repayment": "0.00"}, {}, ""),
            (
                "return-proof",
                "funding_in_proof",
                {"proofreturn-message": "Belege fehlen."},
                {},
                "",
            ),
        )
    ],
    Row(
        "funding:staff_application_action",
        {"GET": REFUSED_PAGE, "POST": staff_page(200)},
        kwargs=lambda w: {"pk": w.funding_submitted.pk, "action": "propose"},
        data=lambda w: {"propose-decision": "approve", "propose-decision_amount": "900.00"},
        label="funding:staff_application_action (propose, confirmation step)",
        note="the amount and the pots are shown; nothing is saved before the confirmation",
    ),
    Row(
        "funding:staff_application_action",
        {
            "GET": REFUSED_PAGE,
            "POST": staff_page(200) | {"ki_staff": Status(403), "admin": Status(403)},
        },
        kwargs=lambda w: {"pk": w.funding_proposed.pk, "action": "sign"},
        data=lambda w: {"sign-choice": "sign"},
        label="funding:staff_application_action (sign, confirmation step)",
        note="only a KI lead gets the confirmation page; nothing is signed before it",
    ),
    Row(
        "funding:staff_application_action",
        {"GET": REFUSED_PAGE, "POST": staff_page(404)},
        kwargs=lambda w: {"pk": w.funding_submitted.pk, "action": "gibt-es-nicht"},
        label="funding:staff_application_action (unknown action)",
    ),
    *[
        Row(
            "funding:staff_payment_action",
            {"GET": REFUSED_PAGE, "POST": staff_page(staff_detail_of("funding_approved"))},
            kwargs=lambda w, action=action: {"pk": w.funding_payment.pk, "action": action},
            label=f"funding:staff_payment_action ({action})",
            note="the first staff member acts, the others are told it is done already",
        )
        for action in ("mark-paid", "cancel")
    ],
    Row(
        "funding:staff_payment_action",
        {"GET": REFUSED_PAGE, "POST": staff_page(404)},
        kwargs=lambda w: {"pk": w.funding_payment.pk, "action": "gibt-es-nicht"},
        label="funding:staff_payment_action (unknown action)",
    ),
    Row("funding:staff_budget", {"GET": staff_page(200), "POST": REFUSED_PAGE}),
    Row(
        "funding:staff_export",
        {"GET": staff_page(200), "POST": REFUSED_PAGE},
        kwargs=lambda w: {"year_pk": w.programme_year.pk, "fmt": "csv"},
        label="funding:staff_export (csv)",
    ),
    Row(
        "funding:staff_export",
        {"GET": staff_page(200)},
        kwargs=lambda w: {"year_pk": w.programme_year.pk, "fmt": "xlsx"},
        label="funding:staff_export (xlsx)",
    ),
    Row("funding:staff_programmes", {"GET": staff_page(200), "POST": REFUSED_PAGE}),
    Row(
        "funding:staff_programme_create",
        {"GET": staff_page(200), "POST": staff_page(400)},
        data=lambda w: {"name": ""},
        note="a form without a name: 400 with the errors for staff",
    ),
    Row(
        "funding:staff_year_create",
        {"GET": staff_page(200), "POST": staff_page(400)},
        data=lambda w: {"form": "create"},
        note="the empty form for a new year: 400 with the errors",
    ),
    Row(
        "funding:staff_year_edit",
        {"GET": staff_page(200), "POST": staff_page(400)},
        kwargs=lambda w: {"pk": w.programme_year.pk},
        data=lambda w: {},
    ),
]


# --- API ------------------------------------------------------------------------------------


def funding_api(outcome, **roles) -> dict:
    """Any account gets `outcome` (or what `roles` say); anonymous callers 401."""
    return by_role(**({role: outcome for role in ROLES} | {"anonymous": 401} | roles))


REFUSED = funding_api(405)


def on_case(*, owner, staff) -> dict:
    """An endpoint of a case of X: coordinator X gets `owner`, KI staff with two-factor
    `staff`; volunteers, coordinator Y and KI accounts without two-factor (who see no case)
    404; anonymous callers 401."""
    return by_role(
        anonymous=401,
        volunteer_a=404,
        volunteer_b=404,
        coordinator_x=owner,
        coordinator_y=404,
        municipal=404,
        ki_staff=staff,
        ki_lead=staff,
        admin=staff,
        ki_staff_without_mfa=404,
    )


def review(ki_staff, *, ki_lead=None, admin=None) -> dict:
    """A KI action on a case of X: the applicant sees the case but may not act (403), KI
    accounts without two-factor are refused (403, as on the staff API), volunteers and
    coordinator Y 404."""
    return by_role(
        anonymous=401,
        volunteer_a=404,
        volunteer_b=404,
        coordinator_x=403,
        coordinator_y=404,
        municipal=404,
        ki_staff=ki_staff,
        ki_lead=ki_staff if ki_lead is None else ki_lead,
        admin=ki_staff if admin is None else admin,
        ki_staff_without_mfa=403,
    )


def only(refused: dict = REFUSED, **given) -> dict:
    """The methods given; every other method `refused` (405 after the account check)."""
    return {method: given.get(method, refused) for method in METHODS}


def review_only(**given) -> dict:
    """A KI endpoint: other methods 405, but KI accounts without two-factor are refused first."""
    return only(funding_api(405, ki_staff_without_mfa=403), **given)


def _new_application(w) -> dict:
    return {
        "organisation": w.org_x.pk,
        "programme_year": w.programme_year.pk,
        "block": w.programme_year.blocks.get(code="A").pk,
        "title": "Lesepatenschaften",
        "town": w.town.slug,
    }


def _changed_application(w) -> dict:
    return {
        "block": w.programme_year.blocks.get(code="B").pk,
        "title": "Sprachcafé, überarbeitet",
        "town": w.town.slug,
    }


def _proof(w) -> dict:
    lines = w.funding_approved.cost_lines.all()
    return {
        "report": "Acht Treffen.",
        "actual_amounts": [{"cost_line": line.pk, "amount": str(line.amount)} for line in lines],
    }


def _case(name: str):
    return lambda w: {"pk": getattr(w, name).pk}


AFTER_STAFF = "KI staff act first; lead and admin then find the case changed (409)"

API_ROWS: list[Row] = [
    Row("v1:funding-programme-year-list", read_only_api(funding_api(200), refused=REFUSED)),
    Row(
        "v1:funding-programme-year-detail",
        read_only_api(funding_api(200), refused=REFUSED),
        kwargs=_case("programme_year"),
    ),
    Row(
        "v1:funding-programme-year-budget",
        read_only_api(staff_api(200), refused=staff_api(405)),
        kwargs=_case("programme_year"),
    ),
    Row(
        "v1:funding-application-list",
        {
            "GET": funding_api(200),
            "POST": funding_api(422, coordinator_x=201),
            **{m: REFUSED for m in ("PUT", "PATCH", "DELETE")},
        },
        data=_new_application,
        note="everyone sees their organisations' cases (KI staff: all submitted ones); a "
        "draft is created only for an organisation one coordinates (else 422 at the field)",
    ),
    Row(
        "v1:funding-application-detail",
        only(
            GET=on_case(owner=200, staff=200),
            PUT=on_case(owner=200, staff=403),
            PATCH=on_case(owner=200, staff=403),
        ),
        kwargs=_case("funding_draft"),
        data=_changed_application,
        label="v1:funding-application-detail (draft of X)",
    ),
    Row(
        "v1:funding-application-detail",
        only(
            GET=on_case(owner=200, staff=200),
            PUT=on_case(owner=409, staff=403),
            PATCH=on_case(owner=409, staff=403),
        ),
        kwargs=_case("funding_submitted"),
        data=_changed_application,
        label="v1:funding-application-detail (submitted, of X)",
        note="a submitted case is changed only after the KI asks for changes",
    ),
    Row(
        "v1:funding-application-submit",
        only(POST=on_case(owner=200, staff=403)),
        kwargs=_case("funding_draft"),
    ),
    Row(
        "v1:funding-application-withdraw",
        only(POST=on_case(owner=200, staff=403)),
        kwargs=_case("funding_draft"),
    ),
    Row(
        "v1:funding-application-attachments",
        only(GET=on_case(owner=200, staff=200), POST=on_case(owner=415, staff=403)),
        kwargs=_case("funding_draft"),
        note="uploads are multipart/form-data (the matrix sends JSON: 415 for the applicant); "
        "uploading is tested in tests/funding_api",
    ),
    Row(
        "v1:funding-application-letter",
        only(GET=on_case(owner=200, staff=200)),
        kwargs=_case("funding_approved"),
    ),
    Row(
        "v1:funding-application-history",
        only(GET=on_case(owner=200, staff=200)),
        kwargs=_case("funding_submitted"),
    ),
    Row(
        "v1:funding-application-payments",
        only(GET=on_case(owner=200, staff=200), POST=on_case(owner=201, staff=403)),
        kwargs=_case("funding_approved"),
        data=lambda w: {"amount": "100.00"},
    ),
    Row(
        "v1:funding-application-proof",
        only(POST=on_case(owner=200, staff=403)),
        kwargs=_case("funding_approved"),
        data=_proof,
        note="last year's project has ended: X reports",
    ),
    Row(
        "v1:funding-application-request-changes",
        review_only(POST=review(200, ki_lead=409, admin=409)),
        kwargs=_case("funding_submitted"),
        data=lambda w: {"message": "Bitte den Kostenplan erläutern."},
        note=AFTER_STAFF,
    ),
    Row(
        "v1:funding-application-checklist",
        review_only(GET=review(200), PUT=review(200)),
        kwargs=_case("funding_submitted"),
        data=lambda w: {"checked": ["eligible_organisation", "not_started"]},
    ),
    Row(
        "v1:funding-application-notes",
        review_only(GET=review(200), POST=review(201)),
        kwargs=_case("funding_submitted"),
        data=lambda w: {"text": "Rückfrage beim Träger gestellt."},
        note="internal notes: never for the applicant",
    ),
    Row(
        "v1:funding-application-propose",
        review_only(POST=review(200, ki_lead=409, admin=409)),
        kwargs=_case("funding_submitted"),
        data=lambda w: {"decision": "approve", "amount": "900.00"},
        note=AFTER_STAFF,
    ),
    Row(
        "v1:funding-application-propose-preview",
        review_only(POST=review(200)),
        kwargs=_case("funding_submitted"),
        data=lambda w: {"decision": "approve", "amount": "900.00"},
        note="the confirmation step: amount and pots, nothing saved (so every staff role 200)",
    ),
    Row(
        "v1:funding-application-sign-preview",
        review_only(GET=review(403, ki_lead=200, admin=403)),
        kwargs=_case("funding_proposed"),
        note="the lead's confirmation step: what signing binds; only a KI lead",
    ),
    Row(
        "v1:funding-application-sign",
        review_only(POST=review(403, ki_lead=200, admin=403)),
        kwargs=_case("funding_proposed"),
        note="only a KI lead signs (KI staff proposed it; the proposer would get 409)",
    ),
    Row(
        "v1:funding-application-send-back",
        review_only(POST=review(200, ki_lead=409, admin=409)),
        kwargs=_case("funding_proposed"),
        note=AFTER_STAFF,
    ),
    Row(
        "v1:funding-application-close",
        review_only(POST=review(200, ki_lead=409, admin=409)),
        kwargs=_case("funding_in_proof"),
        data=lambda w: {"repayment": "0.00", "note": "Nachweis vollständig."},
        note=AFTER_STAFF,
    ),
    Row(
        "v1:funding-application-return-proof",
        review_only(POST=review(200, ki_lead=409, admin=409)),
        kwargs=_case("funding_in_proof"),
        data=lambda w: {"message": "Belege fehlen."},
        note=AFTER_STAFF,
    ),
    Row(
        "v1:funding-attachment-detail",
        only(GET=on_case(owner=200, staff=200), DELETE=on_case(owner=204, staff=404)),
        kwargs=_case("funding_annex"),
        label="v1:funding-attachment-detail (annex of X's draft)",
        note="X removes it; after that it is gone for everyone (staff: 404)",
    ),
    Row(
        "v1:funding-attachment-detail",
        only(GET=on_case(owner=200, staff=200), DELETE=on_case(owner=409, staff=403)),
        kwargs=_case("funding_submitted_annex"),
        label="v1:funding-attachment-detail (annex of X's submitted case)",
        note="a submitted annex stays (409); staff see it, never remove it",
    ),
    Row(
        "v1:funding-payment-mark-paid",
        review_only(POST=review(200, ki_lead=409, admin=409)),
        kwargs=_case("funding_payment"),
        note=AFTER_STAFF,
    ),
    Row(
        "v1:funding-payment-cancel",
        only(POST=on_case(owner=200, staff=409)),
        kwargs=_case("funding_payment"),
        note="the applicant withdraws a request (KI staff may refuse one); X was first here",
    ),
]

ROWS: list[Row] = PAGE_ROWS + API_ROWS
