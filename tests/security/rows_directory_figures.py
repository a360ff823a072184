"""Access-matrix rows of the figures per town (directory.urls_figures): /kommune/... for the
accounts of town administrations, /verwaltung/verzeichnis/zahlen/... for KI staff.

The world's municipal account has access to world.town: it gets its own town's pages (200)
and 404 for any other town; anonymous visitors go to the login, every other account gets 403
on /kommune/ (the municipal role is checked before the town). An account with the role but no
access set up gets a message page (tests/directory_figures/test_pages.py). All pages are
read-only: require_safe answers 405 to POST before any login check."""

from __future__ import annotations

from .access_matrix import LOGIN, Row, by_role, everyone, staff_page


def municipal_page(municipal=200) -> dict:
    """Only a town administration's account: anonymous -> login, other accounts 403."""
    return by_role(
        anonymous=LOGIN,
        volunteer_a=403,
        volunteer_b=403,
        coordinator_x=403,
        coordinator_y=403,
        municipal=municipal,
        ki_staff=403,
        ki_lead=403,
        admin=403,
        ki_staff_without_mfa=403,
    )


ROWS: list[Row] = [
    Row(
        "directory:municipal_figures",
        {"GET": municipal_page(), "POST": everyone(405)},
        note="KI staff use the side-by-side pages; /kommune/ is the town administrations' own",
    ),
    Row(
        "directory:municipal_town_figures",
        {"GET": municipal_page(), "POST": everyone(405)},
        kwargs=lambda w: {"town": w.town.slug},
        label="directory:municipal_town_figures (Ahlen)",
    ),
    Row(
        "directory:municipal_town_figures",
        {"GET": municipal_page(municipal=404), "POST": everyone(405)},
        kwargs=lambda w: {"town": w.org_y.town.slug},
        label="directory:municipal_town_figures (another town)",
        note="the municipal account of world.town asks for Telgte's figures: not found",
    ),
    Row(
        "directory:municipal_figures_export",
        {"GET": municipal_page(), "POST": everyone(405)},
    ),
    Row("directory:staff_figures", {"GET": staff_page(200), "POST": everyone(405)}),
    Row(
        "directory:staff_town_figures",
        {"GET": staff_page(200), "POST": everyone(405)},
        kwargs=lambda w: {"town": w.town.slug},
        label="directory:staff_town_figures (Ahlen)",
    ),
    Row(
        "directory:staff_town_figures",
        {"GET": staff_page(404)},
        kwargs=lambda w: {"town": "gibt-es-nicht"},
        label="directory:staff_town_figures (no such town)",
    ),
    *[
        Row(
            "directory:staff_figures_export",
            {"GET": staff_page(200), "POST": everyone(405)},
            kwargs=lambda w, fmt=fmt: {"fmt": fmt},
            label=f"directory:staff_figures_export ({fmt})",
        )
        for fmt in ("csv", "xlsx")
    ],
    Row(
        "directory:staff_figures_export",
        {"GET": staff_page(404)},
        kwargs=lambda w: {"fmt": "pdf"},
        label="directory:staff_figures_export (unknown format)",
    ),
]
