"""Access-matrix rows for the coordinator, profile and staff endpoints of the volunteers API.

The world: see rows_api.py. Organisation X (verified) has coordinator X, Y has coordinator Y
(and a pending organisation). Volunteers A and B have complete profiles."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from volunteers.models import Consent
from volunteers.services.consents import consent_give

from .access_matrix import Row, but, by_role, logged_in, read_only_api, staff_api
from .rows_api import UNSAFE, _hours_entry_b, api, post_only

OTHERS = ("PUT", "PATCH", "DELETE")


def coordination(ok, *, staff=403):
    """A coordinator endpoint of organisation X (or one of its requests): X's coordinator
    gets `ok`; KI staff with two-factor 403 (they may see, not manage); everyone else 404."""
    return api(
        volunteer_a=404,
        volunteer_b=404,
        coordinator_x=ok,
        coordinator_y=404,
        ki_staff=staff,
        ki_staff_without_mfa=404,
    )


def get_only_coordination() -> dict:
    return {
        "GET": coordination(200),
        **{m: logged_in(405, anonymous=401) for m in UNSAFE},
    }


def staff_post_only(post) -> dict:
    """A staff action route: POST as given; other methods 405 for staff, refused for others."""
    refused = staff_api(405)
    return {"GET": refused, "POST": post, "PUT": refused, "PATCH": refused, "DELETE": refused}


def _contactable_a(w) -> dict:
    consent_give(user=w.volunteer_a, kind=Consent.Kind.CONTACT)
    return {"volunteer": w.volunteer_a.pk, "message": "Hätten Sie Zeit?"}


ROWS: list[Row] = [
    # --- My organisations ---------------------------------------------------------------------
    Row(
        "v1:my-organisation-list",
        {
            "GET": logged_in(200, anonymous=401),
            "POST": api(
                volunteer_a=201,
                volunteer_b=409,
                coordinator_x=409,
                coordinator_y=409,
                ki_staff=409,
                ki_staff_without_mfa=409,
            ),
            **{m: logged_in(405, anonymous=401) for m in OTHERS},
        },
        data=lambda w: {
            "name": "Nähcafé Ahlen",
            "kind": "initiative",
            "town": "ahlen",
            "contact_email": "naehcafe@example.org",
        },
        note="anyone with an account registers an organisation (pending until verified); "
        "after A registered it, the same name in the same town is a conflict",
    ),
    Row(
        "v1:my-organisation-detail",
        {
            "GET": coordination(200),
            "PATCH": coordination(200),
            **{m: logged_in(405, anonymous=401) for m in ("POST", "PUT", "DELETE")},
        },
        kwargs=lambda w: {"pk": w.org_x.pk},
        data=lambda w: {"contact_phone": "02382 4711"},
        note="PATCH changes the contact email and phone; only the organisation's coordinators",
    ),
    Row(
        "v1:my-organisation-help-requests",
        get_only_coordination(),
        kwargs=lambda w: {"pk": w.org_x.pk},
    ),
    Row(
        "v1:my-organisation-invitations",
        {
            "GET": coordination(200),
            "POST": coordination(201),
            **{m: logged_in(405, anonymous=401) for m in OTHERS},
        },
        kwargs=lambda w: {"pk": w.org_x.pk},
        data=lambda w: {"email": "neu-in-x@example.org"},
    ),
    Row(
        "v1:coordinator-invitation-accept",
        {
            "POST": logged_in(422, anonymous=401),
            **{m: logged_in(405, anonymous=401) for m in ("GET", *OTHERS)},
        },
        data=lambda w: {"token": "kein-gueltiger-link"},
        note="a broken link is refused for everyone; acceptance is tested with real tokens",
    ),
    # --- Per request, for its coordinators ----------------------------------------------------
    *(
        Row(name, get_only_coordination(), kwargs=lambda w: {"pk": w.request_x.pk})
        for name in (
            "v1:help-request-helpers",
            "v1:help-request-request-hours",
            "v1:help-request-volunteers",
            "v1:help-request-volunteers-funnel",
            "v1:help-request-suggestions-funnel",
        )
    ),
    Row(
        "v1:help-request-confirm-hours",
        post_only(coordination(200)),
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=lambda w: {"entries": [_hours_entry_b(w).pk]},
        note="the result lists confirmed and refused entries; only X's coordinators",
    ),
    Row(
        "v1:help-request-invite",
        post_only(coordination(201)),
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=_contactable_a,
        note="only the organisation's coordinators invite",
    ),
    Row(
        "v1:help-request-suggestions",
        get_only_coordination(),
        kwargs=lambda w: {"pk": w.request_x.pk},
    ),
    Row(
        "v1:help-request-invite-many",
        post_only(coordination(200)),
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=lambda w: {"volunteers": [_contactable_a(w)["volunteer"]]},
        note="the result lists invited and refused volunteers; only X's coordinators",
    ),
    Row(
        "v1:recommendations",
        read_only_api(logged_in(200, anonymous=401), refused=logged_in(405, anonymous=401)),
        note="always for the requesting account (empty without a complete profile)",
    ),
    # --- My profile and data ------------------------------------------------------------------
    Row(
        "v1:profile",
        {
            "GET": api(
                volunteer_a=200,
                volunteer_b=200,
                coordinator_x=404,
                coordinator_y=404,
                ki_staff=403,
                ki_staff_without_mfa=403,
            ),
            "PATCH": api(
                volunteer_a=200,
                volunteer_b=200,
                coordinator_x=200,
                coordinator_y=200,
                ki_staff=403,
                ki_staff_without_mfa=403,
            ),
            "PUT": api(
                volunteer_a=400,
                volunteer_b=400,
                coordinator_x=400,
                coordinator_y=400,
                ki_staff=403,
                ki_staff_without_mfa=403,
            ),
            **{m: logged_in(405, anonymous=401) for m in ("POST", "DELETE")},
        },
        data=lambda w: {"phone": "02382 12345"},
        note="always one's own profile; member accounts only (a coordinator without one "
        "starts it with PATCH); PUT needs every part (400 here)",
    ),
    Row(
        "v1:me-export",
        read_only_api(logged_in(200, anonymous=401), refused=logged_in(405, anonymous=401)),
        note="always one's own data",
    ),
    Row(
        "v1:me-hours",
        read_only_api(logged_in(200, anonymous=401), refused=logged_in(405, anonymous=401)),
        note="always one's own hours",
    ),
    Row(
        "v1:me-ehrenamtsnachweis",
        read_only_api(
            but(logged_in(409, anonymous=401), volunteer_a=200),
            refused=logged_in(405, anonymous=401),
        ),
        note="always one's own certificate; only volunteer A has confirmed hours, every other "
        "account is told why there is none (409)",
    ),
    Row(
        "v1:me-delete",
        {
            "POST": logged_in(422, anonymous=401),
            **{m: logged_in(405, anonymous=401) for m in ("GET", *OTHERS)},
        },
        data=lambda w: {"password": "nicht-das-passwort"},
        note="always one's own account, and only with its password (deleting is tested apart)",
    ),
    # --- KI staff -----------------------------------------------------------------------------
    Row(
        "v1:staff-organisation-list",
        read_only_api(staff_api(200), refused=staff_api(405)),
    ),
    Row(
        "v1:staff-organisation-verify",
        staff_post_only(
            by_role(
                anonymous=401,
                volunteer_a=403,
                volunteer_b=403,
                coordinator_x=403,
                coordinator_y=403,
                municipal=403,
                ki_staff=200,
                ki_lead=409,
                admin=409,
                ki_staff_without_mfa=403,
            )
        ),
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        note="the first staff member verifies; after that it is already verified (409)",
    ),
    Row(
        "v1:staff-organisation-detail",
        read_only_api(staff_api(200), refused=staff_api(405)),
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
    ),
    Row(
        "v1:staff-organisation-reject",
        staff_post_only(
            by_role(
                anonymous=401,
                volunteer_a=403,
                volunteer_b=403,
                coordinator_x=403,
                coordinator_y=403,
                municipal=403,
                ki_staff=200,
                ki_lead=409,
                admin=409,
                ki_staff_without_mfa=403,
            )
        ),
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        data=lambda w: {"reason": "Kein Bezug zur Flüchtlingshilfe erkennbar."},
        note="the first staff member rejects with a reason; after that it is rejected (409)",
    ),
    Row(
        "v1:staff-volunteer-list",
        read_only_api(staff_api(200), refused=staff_api(405)),
    ),
    Row(
        "v1:staff-volunteer-detail",
        read_only_api(staff_api(200), refused=staff_api(405)),
        kwargs=lambda w: {"pk": w.volunteer_b.pk},
    ),
    Row(
        "v1:staff-volunteer-fuehrungszeugnis",
        staff_post_only(staff_api(200)),
        kwargs=lambda w: {"pk": w.volunteer_b.pk},
        data=lambda w: {
            "certificate_date": (timezone.localdate() - dt.timedelta(days=400)).isoformat(),
            "seen_on": timezone.localdate().isoformat(),
        },
    ),
    Row("v1:staff-overview", read_only_api(staff_api(200), refused=staff_api(405))),
]
