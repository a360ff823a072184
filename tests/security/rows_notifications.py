"""Access-matrix rows for a person's notifications, the preferences, the unsubscribe link and
the staff resend."""

from notifications.services import unsubscribe_token

from .access_matrix import (
    DASHBOARD,
    LOGIN,
    OUTBOX,
    RedirectTo,
    Row,
    by_role,
    everyone,
    logged_in,
    staff_page,
)

INBOX = RedirectTo("notifications:inbox")
PREFERENCES = RedirectTo("notifications:preferences")

ROWS: list[Row] = [
    Row("notifications:inbox", {"GET": logged_in(200), "POST": everyone(405)}),
    Row(
        "notifications:mark_read",
        {"GET": everyone(405), "POST": logged_in(INBOX)},
        note="marks only the caller's own notifications",
    ),
    Row(
        "notifications:preferences",
        {"GET": logged_in(200), "POST": logged_in(PREFERENCES)},
        note="an empty POST switches off every optional kind of the caller, nobody else's",
    ),
    Row(
        "notifications:open",
        {
            "GET": by_role(
                anonymous=LOGIN,
                volunteer_a=404,
                volunteer_b=DASHBOARD,
                coordinator_x=404,
                coordinator_y=404,
                municipal=404,
                ki_staff=404,
                ki_lead=404,
                admin=404,
                ki_staff_without_mfa=404,
            ),
            "POST": everyone(405),
        },
        kwargs=lambda w: {"pk": w.notification_b_in_app.pk},
        note="volunteer B's notification: only B opens it (and is sent to the thing concerned)",
    ),
    Row(
        "notifications:unsubscribe",
        {"GET": everyone(200), "POST": everyone(200)},
        kwargs=lambda w: {
            "token": unsubscribe_token(user_id=w.volunteer_b.pk, kind="volunteers.hours_confirmed")
        },
        note="the signed token is the authorisation (no login): it switches off one kind "
        "for volunteer B, whoever follows the link",
    ),
    Row(
        "notifications:resend",
        {"GET": everyone(405), "POST": staff_page(OUTBOX)},
        kwargs=lambda w: {"pk": w.notification_failed.pk},
        note="the first staff member resends; the others are told it is no longer failed",
    ),
]
