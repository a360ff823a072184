"""Access-matrix rows of the training pages (the world: a published training with volunteer
B's seat, one session, and a draft)."""

from __future__ import annotations

from volunteers.services.calendar import calendar_feed_get_or_create

from .access_matrix import (
    LOGIN,
    RedirectTo,
    Row,
    by_role,
    everyone,
    logged_in,
    read_only_api,
    staff_api,
    staff_page,
)
from .rows_profile import volunteer_page

TRAINING = RedirectTo("volunteers:training_detail", pk_of="training")
CALENDAR = RedirectTo("volunteers:calendar")
CERTIFICATES = RedirectTo("volunteers:staff_training_certificates", pk_of="training")
STAFF_TRAINING = RedirectTo("volunteers:staff_training_detail", pk_of="training")
STAFF_DRAFT = RedirectTo("volunteers:staff_training_detail", pk_of="training_draft")
ATTENDANCE = RedirectTo("volunteers:staff_attendance", pk_of="session")

ROWS: list[Row] = [
    Row("volunteers:training_list", {"GET": everyone(200), "POST": everyone(405)}),
    Row(
        "volunteers:training_detail",
        {"GET": everyone(200), "POST": everyone(405)},
        kwargs=lambda w: {"pk": w.training.pk},
        label="volunteers:training_detail (published)",
    ),
    Row(
        "volunteers:training_detail",
        {"GET": everyone(404)},
        kwargs=lambda w: {"pk": w.training_draft.pk},
        label="volunteers:training_detail (draft)",
        note="drafts are for staff only",
    ),
    Row(
        "volunteers:training_register",
        {"GET": everyone(405), "POST": logged_in(TRAINING)},
        kwargs=lambda w: {"pk": w.training.pk},
        note="everyone with an account may try; the service says why not (no profile, "
        "already registered) on the training page",
    ),
    Row(
        "volunteers:training_registration_cancel",
        {
            "GET": everyone(405),
            "POST": by_role(
                anonymous=LOGIN,
                volunteer_a=404,
                volunteer_b=TRAINING,
                coordinator_x=404,
                coordinator_y=404,
                municipal=404,
                ki_staff=404,
                ki_lead=404,
                admin=404,
                ki_staff_without_mfa=404,
            ),
        },
        kwargs=lambda w: {"pk": w.registration_b.pk},
        note="only one's own registration; others get 404",
    ),
    Row(
        "volunteers:training_offer_link",
        {"GET": everyone(400), "POST": everyone(400)},
        kwargs=lambda w: {"token": "kein-gueltiger-link"},
        note="a broken link; real offer links are tested in tests/trainings (403 for another "
        "account, 409 when used twice or expired)",
    ),
    Row("volunteers:staff_training_list", {"GET": staff_page(200), "POST": everyone(405)}),
    Row(
        "volunteers:staff_training_create",
        {"GET": staff_page(200), "POST": staff_page(400)},
        data=lambda w: {"title": ""},
        note="an empty form: 400 with the errors for staff",
    ),
    Row(
        "volunteers:staff_training_detail",
        {"GET": staff_page(200), "POST": staff_page(400)},
        kwargs=lambda w: {"pk": w.training.pk},
        data=lambda w: {"title": ""},
    ),
    Row(
        "volunteers:staff_training_publish",
        {"GET": everyone(405), "POST": staff_page(STAFF_DRAFT)},
        kwargs=lambda w: {"pk": w.training_draft.pk},
        note="the first staff member publishes; the others are told it is published already",
    ),
    Row(
        "volunteers:staff_training_cancel",
        {"GET": everyone(405), "POST": staff_page(STAFF_TRAINING)},
        kwargs=lambda w: {"pk": w.training.pk},
        data=lambda w: {"reason": ""},
        note="without a reason nothing happens; staff land on the training again",
    ),
    Row(
        "volunteers:staff_registration_move_up",
        {"GET": everyone(405), "POST": staff_page(STAFF_TRAINING)},
        kwargs=lambda w: {"pk": w.registration_b.pk},
        data=lambda w: {"reason": "Begründung für den Test"},
        note="B is not waiting: staff are told so on the training page",
    ),
    Row(
        "volunteers:staff_attendance",
        {"GET": staff_page(200), "POST": staff_page(ATTENDANCE)},
        kwargs=lambda w: {"pk": w.session.pk},
        data=lambda w: {f"r{w.registration_b.pk}": "present"},
    ),
]


def _own_registration(ok):
    """A registration endpoint: volunteer B's own registration; everyone else 404."""
    return by_role(
        anonymous=401,
        volunteer_a=404,
        volunteer_b=ok,
        coordinator_x=404,
        coordinator_y=404,
        municipal=404,
        ki_staff=404,
        ki_lead=404,
        admin=404,
        ki_staff_without_mfa=404,
    )


API_REFUSED = logged_in(405, anonymous=401)

ROWS += [
    Row(
        "volunteers:training_calendar",
        {"GET": everyone(200), "POST": everyone(405)},
        kwargs=lambda w: {"pk": w.training.pk},
        label="volunteers:training_calendar (published)",
    ),
    Row(
        "volunteers:training_calendar",
        {"GET": everyone(404)},
        kwargs=lambda w: {"pk": w.training_draft.pk},
        label="volunteers:training_calendar (draft)",
    ),
    Row(
        "volunteers:calendar_feed",
        {"GET": everyone(200), "POST": everyone(405)},
        kwargs=lambda w: {"token": calendar_feed_get_or_create(user=w.volunteer_b).token},
        note="the token is the credential; calendar apps cannot log in",
    ),
    Row(
        "volunteers:calendar_feed",
        {"GET": everyone(404)},
        kwargs=lambda w: {"token": "unbekannt"},
        label="volunteers:calendar_feed (unknown token)",
    ),
    Row(
        "volunteers:calendar",
        {
            "GET": volunteer_page(volunteers=200, coordinators=200),
            "POST": {**everyone(405), "anonymous": LOGIN},
        },
    ),
    Row(
        "volunteers:calendar_reset",
        {
            "GET": everyone(405),
            "POST": volunteer_page(volunteers=CALENDAR, coordinators=CALENDAR),
        },
    ),
    Row(
        "v1:training-list",
        read_only_api(logged_in(200, anonymous=200), refused=API_REFUSED),
    ),
    Row(
        "v1:training-detail",
        read_only_api(logged_in(200, anonymous=200), refused=API_REFUSED),
        kwargs=lambda w: {"pk": w.training.pk},
    ),
    Row(
        "v1:training-register",
        {
            "POST": by_role(
                anonymous=401,
                volunteer_a=201,
                volunteer_b=409,
                coordinator_x=422,
                coordinator_y=422,
                municipal=422,
                ki_staff=422,
                ki_lead=422,
                admin=422,
                ki_staff_without_mfa=422,
            ),
            **{m: API_REFUSED for m in ("GET", "PUT", "PATCH", "DELETE")},
        },
        kwargs=lambda w: {"pk": w.training.pk},
        note="volunteers register (B already is: 409); accounts without a volunteer profile "
        "are told to complete it (422)",
    ),
    Row(
        "v1:training-registrations",
        read_only_api(staff_api(200), refused=API_REFUSED),
        kwargs=lambda w: {"pk": w.training.pk},
    ),
    Row(
        "v1:my-registration-list",
        read_only_api(logged_in(200, anonymous=401), refused=API_REFUSED),
        note="always one's own registrations",
    ),
    Row(
        "v1:my-registration-cancel",
        {
            "POST": _own_registration(200),
            **{m: API_REFUSED for m in ("GET", "PUT", "PATCH", "DELETE")},
        },
        kwargs=lambda w: {"pk": w.registration_b.pk},
    ),
    Row(
        "v1:my-registration-answer",
        {
            "POST": _own_registration(409),
            **{m: API_REFUSED for m in ("GET", "PUT", "PATCH", "DELETE")},
        },
        kwargs=lambda w: {"pk": w.registration_b.pk},
        data=lambda w: {"answer": "confirm"},
        note="B holds a seat, no offer: 409; offers are answered in tests/trainings",
    ),
]


ROWS += [
    Row("volunteers:certificate_verify_form", {"GET": everyone(200), "POST": everyone(405)}),
    Row(
        "volunteers:certificate_verify",
        {"GET": everyone(200), "POST": everyone(405)},
        kwargs=lambda w: {"code": w.certificate_b.code},
        label="volunteers:certificate_verify (existing code)",
        note="public by design: name, training, date, hours, issuer, valid/revoked only",
    ),
    Row(
        "volunteers:certificate_verify",
        {"GET": everyone(404)},
        kwargs=lambda w: {"code": "AAAA-BBBB-CCCC"},
        label="volunteers:certificate_verify (unknown code)",
    ),
    Row("volunteers:my_certificates", {"GET": logged_in(200), "POST": logged_in(405)}),
    Row(
        "volunteers:certificate_download",
        {
            "GET": by_role(
                anonymous=LOGIN,
                volunteer_a=404,
                volunteer_b=200,
                coordinator_x=404,
                coordinator_y=404,
                municipal=404,
                ki_staff=404,
                ki_lead=404,
                admin=404,
                ki_staff_without_mfa=404,
            ),
            "POST": logged_in(405),
        },
        kwargs=lambda w: {"pk": w.certificate_b.pk},
        note="only one's own certificate; nobody else's id exists for them",
    ),
    Row(
        "volunteers:staff_training_certificates",
        {"GET": staff_page(200), "POST": everyone(405)},
        kwargs=lambda w: {"pk": w.training.pk},
    ),
    Row(
        "volunteers:staff_certificates_issue",
        {"GET": everyone(405), "POST": staff_page(CERTIFICATES)},
        kwargs=lambda w: {"pk": w.training.pk},
    ),
    Row(
        "volunteers:staff_certificate_job",
        {"GET": staff_page(CERTIFICATES), "POST": everyone(405)},
        kwargs=lambda w: {"pk": w.certificate_job.pk},
        note="without htmx the job's URL leads to the training's certificate page",
    ),
    Row(
        "volunteers:staff_certificate_revoke",
        {"GET": staff_page(200), "POST": staff_page(400)},
        kwargs=lambda w: {"pk": w.certificate_b.pk},
        data=lambda w: {"reason": ""},
        note="without a reason nothing is revoked",
    ),
]
