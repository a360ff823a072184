"""Access-matrix rows for the profile pages of the volunteers app.

access_matrix.py imports ROWS from here at its end, so the helpers it defines (by_role,
everyone, logged_in, staff_page, Row, RedirectTo, LOGIN, ...) can be imported from it.

Every profile page works on the requesting account; there is no URL for someone else's. In the
world, volunteers A and B have complete profiles, coordinators X and Y have none (they may
still become volunteers), and KI staff accounts cannot be volunteers (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import reverse

from .access_matrix import LOGIN, Outcome, RedirectTo, Row, by_role, describe, everyone

PROFILE = RedirectTo("volunteers:profile")
CONSENTS = RedirectTo("volunteers:consents")


@dataclass(frozen=True)
class RedirectToStep(Outcome):
    """A redirect to onboarding step `step` (RedirectTo builds pk URLs only)."""

    step: int

    def problem(self, response) -> str | None:
        target = reverse("volunteers:onboarding", kwargs={"step": self.step})
        location = response.get("Location", "")
        if response.status_code in (301, 302, 303, 307, 308) and urlsplit(location).path == target:
            return None
        return describe(response)

    def __str__(self) -> str:
        return f"redirect to onboarding step {self.step}"


def volunteer_page(*, volunteers, coordinators, staff=403, anonymous=LOGIN) -> dict[str, Outcome]:
    """Volunteers (complete profile), coordinators (no profile), KI staff (never volunteers)."""
    return by_role(
        anonymous=anonymous,
        volunteer_a=volunteers,
        volunteer_b=volunteers,
        coordinator_x=coordinators,
        coordinator_y=coordinators,
        municipal=coordinators,
        ki_staff=staff,
        ki_lead=staff,
        admin=staff,
        ki_staff_without_mfa=staff,
    )


def _location(w) -> dict:
    return {"town": w.town.pk, "postal_code": w.town.postal_codes[0]}


ROWS: list[Row] = [
    Row(
        "volunteers:onboarding_resume",
        {
            "GET": volunteer_page(volunteers=PROFILE, coordinators=RedirectToStep(1)),
            "POST": {**everyone(405), "anonymous": LOGIN},
        },
        note="complete profiles go to the profile, everyone else to their current step",
    ),
    Row(
        "volunteers:onboarding",
        {
            "GET": volunteer_page(volunteers=PROFILE, coordinators=200),
            "POST": volunteer_page(volunteers=PROFILE, coordinators=RedirectToStep(2)),
            "PUT": volunteer_page(volunteers=405, coordinators=405, staff=405),
        },
        kwargs=lambda w: {"step": 1},
        data=_location,
        label="volunteers:onboarding (step 1)",
        note="a coordinator may become a volunteer: step 1 creates the own profile",
    ),
    Row(
        "volunteers:onboarding",
        {
            "GET": volunteer_page(volunteers=PROFILE, coordinators=RedirectToStep(1)),
            "POST": volunteer_page(volunteers=PROFILE, coordinators=RedirectToStep(1)),
        },
        kwargs=lambda w: {"step": 4},
        data=lambda w: {"availability": ["0-0"], "travel_radius_km": "10"},
        label="volunteers:onboarding (step 4, not reached yet)",
        note="steps cannot be skipped: a later step leads back to the current one",
    ),
    Row(
        "volunteers:profile",
        {
            "GET": volunteer_page(volunteers=200, coordinators=RedirectToStep(1)),
            "POST": {**everyone(405), "anonymous": LOGIN},
        },
    ),
    Row(
        "volunteers:profile_edit",
        {
            "GET": volunteer_page(volunteers=200, coordinators=RedirectToStep(1)),
            "POST": volunteer_page(volunteers=PROFILE, coordinators=RedirectToStep(1)),
        },
        kwargs=lambda w: {"section": "wohnort"},
        data=_location,
        label="volunteers:profile_edit (wohnort)",
    ),
    Row(
        "volunteers:profile_edit",
        {"GET": volunteer_page(volunteers=404, coordinators=404, staff=404)},
        kwargs=lambda w: {"section": "unbekannt"},
        label="volunteers:profile_edit (unknown section)",
    ),
    Row(
        "volunteers:consents",
        {
            "GET": volunteer_page(volunteers=200, coordinators=200),
            "POST": {**everyone(405), "anonymous": LOGIN},
        },
        note="the own consent ledger; KI staff accounts give no volunteer consents",
    ),
    Row(
        "volunteers:consent_give",
        {
            "GET": everyone(405),
            "POST": volunteer_page(volunteers=CONSENTS, coordinators=CONSENTS),
        },
        kwargs=lambda w: {"kind": "contact"},
    ),
    Row(
        "volunteers:consent_withdraw",
        {
            "GET": everyone(405),
            "POST": volunteer_page(volunteers=CONSENTS, coordinators=CONSENTS),
        },
        kwargs=lambda w: {"kind": "contact"},
        note="one click; only ever the requesting account's own consent",
    ),
    Row(
        "volunteers:consent_withdraw",
        {"GET": everyone(405), "POST": volunteer_page(volunteers=404, coordinators=404)},
        kwargs=lambda w: {"kind": "werbung"},
        label="volunteers:consent_withdraw (unknown kind)",
    ),
]
