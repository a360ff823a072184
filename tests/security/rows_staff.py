"""Access-matrix rows for the staff pages of the volunteers app.

access_matrix.py imports ROWS from here at its end, so the helpers it defines (by_role,
everyone, logged_in, staff_page, Row, RedirectTo, LOGIN, ...) can be imported from it."""

import datetime as dt

from django.utils import timezone

from .access_matrix import LOGIN, MFA_SETUP, RedirectTo, Row, by_role, everyone, staff_page

ORGANISATIONS = RedirectTo("volunteers:staff_organisation_list")
VOLUNTEER_B = RedirectTo("volunteers:staff_volunteer_detail", pk_of="volunteer_b")


def _fz_dates(world) -> dict:
    today = timezone.localdate()
    return {
        "certificate_date": (today - dt.timedelta(days=30)).isoformat(),
        "seen_on": today.isoformat(),
    }


ROWS: list[Row] = [
    Row(
        "volunteers:staff_organisation_list",
        {"GET": staff_page(200), "POST": everyone(405)},
    ),
    Row(
        "volunteers:staff_organisation_detail",
        {"GET": staff_page(200), "POST": everyone(405)},
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        note="what the check needs before the decision: details, registrant, coordinators",
    ),
    Row(
        "volunteers:staff_organisation_reject",
        {"GET": everyone(405), "POST": staff_page(ORGANISATIONS)},
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        data=lambda w: {"reason": "Kein Bezug zur Flüchtlingshilfe erkennbar."},
        note="the first staff member rejects Y's pending organisation with a reason, the others "
        "are told it is already rejected; all land on the list again",
    ),
    Row(
        "volunteers:staff_organisation_verify",
        {"GET": everyone(405), "POST": staff_page(ORGANISATIONS)},
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        note="the first staff member verifies Y's pending organisation, the others are told it "
        "is already verified; both land on the list again",
    ),
    Row(
        "volunteers:staff_volunteer_list",
        {"GET": staff_page(200), "POST": everyone(405)},
    ),
    Row(
        "volunteers:staff_volunteer_detail",
        {"GET": staff_page(200), "POST": everyone(405)},
        kwargs=lambda w: {"pk": w.volunteer_b.pk},
        label="volunteers:staff_volunteer_detail (volunteer B)",
        note="personal data: each staff GET writes an access audit row",
    ),
    Row(
        "volunteers:staff_volunteer_detail",
        {
            "GET": by_role(
                anonymous=LOGIN,
                volunteer_a=403,
                volunteer_b=403,
                coordinator_x=403,
                coordinator_y=403,
                municipal=403,
                ki_staff=404,
                ki_lead=404,
                admin=404,
                ki_staff_without_mfa=MFA_SETUP,
            )
        },
        kwargs=lambda w: {"pk": w.coordinator_x.pk},
        label="volunteers:staff_volunteer_detail (not a volunteer)",
        note="an account without a volunteer profile has no page here",
    ),
    Row(
        "volunteers:staff_fuehrungszeugnis_record",
        {"GET": everyone(405), "POST": staff_page(VOLUNTEER_B)},
        kwargs=lambda w: {"pk": w.volunteer_b.pk},
        data=_fz_dates,
        note="each staff member records (and so replaces) B's Führungszeugnis check",
    ),
    Row(
        "volunteers:staff_overview",
        {"GET": staff_page(200), "POST": everyone(405)},
    ),
]
