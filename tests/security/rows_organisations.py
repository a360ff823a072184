"""Access-matrix rows for the organisations pages of the volunteers app.

access_matrix.py imports ROWS from here at its end, so the helpers it defines (by_role,
everyone, logged_in, staff_page, Row, RedirectTo, LOGIN, ...) can be imported from it.

The coordinator pages belong to an organisation's coordinators. Everybody else gets 404 (the
management pages show helpers' personal data; another organisation's coordinator learns
nothing from them), except KI staff with two-factor, who may see organisations and
assignments elsewhere but do not act for an organisation: 403. Objects a row needs beyond the
world are created in its lambdas.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from django.utils import timezone

from .access_matrix import (
    LOGIN,
    Expected,
    Outcome,
    RedirectTo,
    Row,
    Status,
    by_role,
    describe,
    everyone,
    logged_in,
)

_names = itertools.count(1)


@dataclass(frozen=True)
class RedirectMatching(Outcome):
    """A redirect to a path matching `pattern` (for objects the request itself creates)."""

    pattern: str

    def problem(self, response) -> str | None:
        location = response.get("Location", "")
        if response.status_code in (301, 302, 303) and re.fullmatch(self.pattern, location):
            return None
        return describe(response)

    def __str__(self) -> str:
        return f"redirect to {self.pattern}"


def of_x(ok: Expected) -> dict[str, Outcome]:
    """A page of organisation X (or its request): X's coordinator gets `ok`."""
    return by_role(
        anonymous=LOGIN,
        volunteer_a=404,
        volunteer_b=404,
        coordinator_x=ok,
        coordinator_y=404,
        municipal=404,
        ki_staff=403,
        ki_lead=403,
        admin=403,
        ki_staff_without_mfa=404,
    )


def of_y(ok: Expected) -> dict[str, Outcome]:
    """A page of organisation Y (or its request): Y's coordinator gets `ok`."""
    return by_role(
        anonymous=LOGIN,
        volunteer_a=404,
        volunteer_b=404,
        coordinator_x=404,
        coordinator_y=ok,
        municipal=ok,
        ki_staff=403,
        ki_lead=403,
        admin=403,
        ki_staff_without_mfa=404,
    )


def post_only(outcomes: dict[str, Outcome]) -> dict:
    """require_POST answers before the login and access checks."""
    return {"GET": everyone(405), "POST": outcomes}


def _request_form(w) -> dict:
    return {
        "title": "Hausaufgabenhilfe",
        "description": "Zwei Kinder, Klasse 3 und 5",
        "activity_area": w.area.pk,
        "town": w.town.pk,
        "schedule": "flexible",
        "helpers_needed": "2",
        "open_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
    }


def _invitation_for_volunteer_a(w) -> dict:
    from volunteers.models import CoordinatorInvitation
    from volunteers.services.organisations import invitation_token

    invitation = CoordinatorInvitation.objects.create(
        organisation=w.org_x, email=w.volunteer_a.email, invited_by=w.coordinator_x
    )
    return {"token": invitation_token(invitation)}


def _offer_of_volunteer_a(w) -> dict:
    from volunteers.models import Assignment

    offer = Assignment.objects.create(
        help_request=w.request_x, volunteer=w.volunteer_a, status=Assignment.Status.OFFERED
    )
    return {"pk": w.request_x.pk, "assignment_pk": offer.pk}


def _hours_of_volunteer_a(w) -> dict:
    from volunteers.models import Assignment, HoursEntry

    now = timezone.now()
    assignment = Assignment.objects.create(
        help_request=w.request_x,
        volunteer=w.volunteer_a,
        status=Assignment.Status.CONFIRMED,
        responded_at=now,
        confirmed_at=now,
    )
    entry = HoursEntry.objects.create(
        assignment=assignment, date=timezone.localdate() - dt.timedelta(days=1), hours=2
    )
    return {"pk": w.request_x.pk, "entry_pk": entry.pk}


def _pending_hours_of_volunteer_a(w) -> int:
    """An hours entry of volunteer A on request_x, waiting (once per world)."""
    if "pending_hours_a" not in w.extra:
        w.extra["pending_hours_a"] = _hours_of_volunteer_a(w)["entry_pk"]
    return w.extra["pending_hours_a"]


def _contactable_volunteer_a(w) -> dict:
    from volunteers.models import Consent
    from volunteers.services.consents import consent_give

    consent_give(user=w.volunteer_a, kind=Consent.Kind.CONTACT)
    return {"volunteer": w.volunteer_a.pk, "town": "ahlen"}


MANAGE_X = RedirectTo("volunteers:help_request_manage", pk_of="request_x")
EDIT_X = RedirectTo("volunteers:help_request_edit", pk_of="request_x")

ROWS: list[Row] = [
    Row("volunteers:organisation_list", {"GET": logged_in(200), "POST": logged_in(405)}),
    Row(
        "volunteers:organisation_register",
        {
            "GET": logged_in(200),
            "POST": logged_in(RedirectMatching(r"/organisation/\d+/")),
        },
        data=lambda w: {
            "name": f"Neue Initiative {next(_names)}",
            "kind": "initiative",
            "town": w.town.pk,
            "contact_email": "neu@example.org",
        },
        note="any account may register an organisation; it then waits for verification",
    ),
    Row(
        "volunteers:organisation_detail",
        {
            "GET": of_x(200),
            "POST": of_x(RedirectTo("volunteers:organisation_detail", pk_of="org_x")),
        },
        kwargs=lambda w: {"pk": w.org_x.pk},
        data=lambda w: {"email": "weitere.koordination@example.org"},
        label="volunteers:organisation_detail (verified, of X)",
        note="POST invites a further coordinator",
    ),
    Row(
        "volunteers:organisation_detail",
        {"GET": of_y(200)},
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        label="volunteers:organisation_detail (pending, of Y)",
    ),
    Row(
        "volunteers:organisation_contact",
        {
            "GET": of_x(200),
            "POST": of_x(RedirectTo("volunteers:organisation_detail", pk_of="org_x")),
        },
        kwargs=lambda w: {"pk": w.org_x.pk},
        data=lambda w: {"contact_email": "kontakt@x.example.org", "contact_phone": "02382 1"},
        note="the contact details confirmed helpers see; only the organisation's coordinators",
    ),
    Row(
        "volunteers:coordinator_invitation_accept",
        {
            "GET": {**logged_in(403), "volunteer_a": Status(200)},
            "POST": {
                **logged_in(403),
                "volunteer_a": RedirectTo("volunteers:organisation_detail", pk_of="org_x"),
            },
        },
        kwargs=_invitation_for_volunteer_a,
        label="volunteers:coordinator_invitation_accept (to volunteer A's address)",
        note="only the account with the invited (verified) address sees and accepts it; "
        "every other account is refused without learning the organisation",
    ),
    Row(
        "volunteers:coordinator_invitation_accept",
        {"GET": logged_in(400), "POST": logged_in(400)},
        kwargs=lambda w: {"token": "nicht-signiert"},
        label="volunteers:coordinator_invitation_accept (forged)",
    ),
    Row(
        "volunteers:help_request_create",
        {
            "GET": of_x(200),
            "POST": of_x(RedirectMatching(r"/hilfegesuche/\d+/bearbeiten/")),
        },
        kwargs=lambda w: {"pk": w.org_x.pk},
        data=_request_form,
        label="volunteers:help_request_create (verified, of X)",
    ),
    Row(
        "volunteers:help_request_create",
        {"GET": of_y(200), "POST": of_y(403)},
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        data=_request_form,
        label="volunteers:help_request_create (pending, of Y)",
        note="Y's coordinator sees why a pending organisation cannot post yet",
    ),
    Row(
        "volunteers:help_request_edit",
        {"GET": of_x(200), "POST": of_x(EDIT_X)},
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=_request_form,
        label="volunteers:help_request_edit (open, of X)",
        note="the request is public, its edit page is not: 404 for other coordinators",
    ),
    Row(
        "volunteers:help_request_edit",
        {"GET": of_y(200)},
        kwargs=lambda w: {"pk": w.request_y_draft.pk},
        label="volunteers:help_request_edit (draft, of Y)",
    ),
    Row(
        "volunteers:help_request_publish",
        post_only(of_y(RedirectTo("volunteers:help_request_edit", pk_of="request_y_draft"))),
        kwargs=lambda w: {"pk": w.request_y_draft.pk},
    ),
    Row(
        "volunteers:help_request_close",
        post_only(of_x(EDIT_X)),
        kwargs=lambda w: {"pk": w.request_x.pk},
    ),
    Row(
        "volunteers:help_request_manage",
        {"GET": of_x(200), "POST": logged_in(405)},
        kwargs=lambda w: {"pk": w.request_x.pk},
        note="helpers' names and, once confirmed, their contact details",
    ),
    Row(
        "volunteers:help_request_invite",
        post_only(of_x(MANAGE_X)),
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=_contactable_volunteer_a,
    ),
    Row(
        "volunteers:help_request_invite_suggested",
        post_only(of_x(MANAGE_X)),
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=lambda w: {"volunteers": [_contactable_volunteer_a(w)["volunteer"]]},
        note="inviting ticked suggestions: the same rule as inviting one",
    ),
    Row(
        "volunteers:help_request_assignment_accept",
        post_only(of_x(MANAGE_X)),
        kwargs=_offer_of_volunteer_a,
        note="volunteer A's offer; X's coordinator accepts it",
    ),
    Row(
        "volunteers:help_request_assignment_decline",
        post_only(of_x(MANAGE_X)),
        kwargs=_offer_of_volunteer_a,
    ),
    Row(
        "volunteers:help_request_assignment_withdraw",
        post_only(of_x(MANAGE_X)),
        kwargs=lambda w: {"pk": w.request_x.pk, "assignment_pk": w.assignment_b.pk},
    ),
    Row(
        "volunteers:help_request_hours_confirm",
        post_only(of_x(MANAGE_X)),
        kwargs=_hours_of_volunteer_a,
    ),
    Row(
        "volunteers:help_request_hours_reject",
        post_only(of_x(MANAGE_X)),
        kwargs=_hours_of_volunteer_a,
    ),
    Row(
        "volunteers:help_request_hours_confirm_all",
        post_only(of_x(MANAGE_X)),
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=lambda w: {"entries": [_pending_hours_of_volunteer_a(w)]},
        note="confirming the listed hours together: the same rule as confirming one",
    ),
]
