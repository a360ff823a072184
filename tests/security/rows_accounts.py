"""Access-matrix rows of the account overview ("Mein Konto") and the KI team's work queue, and
where a logged-in person who opens the login or sign-up page is sent: where their work is
(backend/accounts/landing.py).

In the world, the admin's and the town administration's accounts have a first name only
("Admin", "Kommune"): they are asked for the whole name on the account overview first.
"""

from __future__ import annotations

from .access_matrix import (
    DASHBOARD,
    RedirectTo,
    Row,
    by_role,
    everyone,
    logged_in,
    staff_page,
)

OVERVIEW = RedirectTo("account_overview")
WORK_QUEUE = RedirectTo("work_queue")


def landing(*, anonymous) -> dict:
    """Where each account lands: its work (the overview first while its name is incomplete)."""
    return by_role(
        anonymous=anonymous,
        volunteer_a=DASHBOARD,
        volunteer_b=DASHBOARD,
        coordinator_x=RedirectTo("volunteers:organisation_detail", pk_of="org_x"),
        coordinator_y=RedirectTo("volunteers:organisation_list"),  # two organisations
        ki_staff=WORK_QUEUE,
        ki_lead=WORK_QUEUE,
        admin=OVERVIEW,
        ki_staff_without_mfa=WORK_QUEUE,
        municipal=OVERVIEW,
    )


ROWS: list[Row] = [
    Row(
        "account_overview",
        {
            "GET": logged_in(200),
            "POST": logged_in(OVERVIEW),
            "PUT": logged_in(405),
        },
        data=lambda w: {"first_name": "Neuer", "last_name": "Name"},
        note="always the requesting account; a POST changes its own name and shows the page again",
    ),
    Row(
        "work_queue",
        {"GET": staff_page(200), "POST": everyone(405)},
        note="counts of everything waiting for the KI; staff without two-factor set it up first",
    ),
    Row(
        "account_login",
        {"GET": landing(anonymous=200)},
        note="a logged-in person is sent where login would have led them",
    ),
    Row("account_signup", {"GET": landing(anonymous=200)}),
]
