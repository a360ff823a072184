"""Access-matrix rows for the volunteers REST API (/api/v1/...).

access_matrix.py imports ROWS from here at its end, so the helpers it defines (by_role,
everyone, logged_in, staff_api, read_only_api, Row, ...) can be imported from it.

The world (security/conftest.py): request_x is open (of X), request_y_draft is a draft of Y,
volunteer B is invited to request_x (assignment_b). All roles of a row run in ROLES order
against the same world, so a row's later roles see what earlier ones changed (noted)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .access_matrix import Row, by_role, logged_in

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def api(
    *,
    volunteer_a,
    volunteer_b,
    coordinator_x,
    coordinator_y,
    ki_staff,
    ki_staff_without_mfa,
    anonymous=401,
):
    """An API endpoint: anonymous 401 unless said; KI lead and admin answer like KI staff."""
    return by_role(
        anonymous=anonymous,
        volunteer_a=volunteer_a,
        volunteer_b=volunteer_b,
        coordinator_x=coordinator_x,
        coordinator_y=coordinator_y,
        municipal=coordinator_y,
        ki_staff=ki_staff,
        ki_lead=ki_staff,
        admin=ki_staff,
        ki_staff_without_mfa=ki_staff_without_mfa,
    )


def post_only(post, *, anonymous=401) -> dict:
    """An action route: POST as given, every other method 405 (401 when anonymous)."""
    refused = logged_in(405, anonymous=anonymous)
    return {"GET": refused, "POST": post, "PUT": refused, "PATCH": refused, "DELETE": refused}


def _offer_of_a(w):
    """Volunteer A offers help on request_x (once per world)."""
    if "offer_of_a" not in w.extra:
        from volunteers.models import Assignment

        w.extra["offer_of_a"] = Assignment.objects.create(
            help_request=w.request_x, volunteer=w.volunteer_a, status=Assignment.Status.OFFERED
        )
    return w.extra["offer_of_a"]


def _hours_entry_b(w):
    """An hours entry of volunteer B on request_x (B accepts the invitation first)."""
    if "hours_entry_b" not in w.extra:
        from volunteers.services.assignments import assignment_accept
        from volunteers.services.hours import hours_log

        assignment = assignment_accept(assignment=w.assignment_b, actor=w.volunteer_b)
        w.extra["hours_entry_b"] = hours_log(
            assignment=assignment, actor=w.volunteer_b, date=timezone.localdate(), hours=2
        )
    return w.extra["hours_entry_b"]


ROWS: list[Row] = [
    # --- Help requests ------------------------------------------------------------------------
    Row(
        "v1:help-request-list",
        {
            "GET": logged_in(200, anonymous=200),
            "POST": api(
                volunteer_a=422,
                volunteer_b=422,
                coordinator_x=201,
                coordinator_y=422,
                ki_staff=422,
                ki_staff_without_mfa=422,
            ),
            **{m: logged_in(405, anonymous=401) for m in ("PUT", "PATCH", "DELETE")},
        },
        data=lambda w: {
            "organisation": w.org_x.pk,
            "title": "Fahrradwerkstatt",
            "description": "Samstags",
            "activity_area": "begleitung",
            "town": "ahlen",
            "open_until": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        },
        note="public list of open requests; a draft is created only for an organisation one "
        "coordinates (422 at the organisation field otherwise)",
    ),
    Row(
        "v1:help-request-detail",
        {
            "GET": logged_in(200, anonymous=200),
            "PATCH": api(
                volunteer_a=403,
                volunteer_b=403,
                coordinator_x=200,
                coordinator_y=403,
                ki_staff=403,
                ki_staff_without_mfa=403,
            ),
            **{m: logged_in(405, anonymous=401) for m in ("POST", "PUT", "DELETE")},
        },
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=lambda w: {"title": "Begleitung zum Rathaus"},
        label="v1:help-request-detail (open, of X)",
    ),
    Row(
        "v1:help-request-detail",
        {
            "GET": api(
                anonymous=404,
                volunteer_a=404,
                volunteer_b=404,
                coordinator_x=404,
                coordinator_y=200,
                ki_staff=200,
                ki_staff_without_mfa=404,
            ),
            "PATCH": api(
                volunteer_a=404,
                volunteer_b=404,
                coordinator_x=404,
                coordinator_y=200,
                ki_staff=403,
                ki_staff_without_mfa=404,
            ),
        },
        kwargs=lambda w: {"pk": w.request_y_draft.pk},
        data=lambda w: {"title": "Entwurf Y, überarbeitet"},
        label="v1:help-request-detail (draft, of Y)",
        note="drafts are seen by their organisation and KI staff with two-factor only",
    ),
    Row(
        "v1:help-request-open",
        post_only(
            api(
                volunteer_a=403,
                volunteer_b=403,
                coordinator_x=409,
                coordinator_y=403,
                ki_staff=403,
                ki_staff_without_mfa=403,
            )
        ),
        kwargs=lambda w: {"pk": w.request_x.pk},
        note="request_x is already open: its coordinator gets 409 (no such transition)",
    ),
    Row(
        "v1:help-request-close",
        post_only(
            api(
                volunteer_a=404,
                volunteer_b=404,
                coordinator_x=404,
                coordinator_y=200,
                ki_staff=403,
                ki_staff_without_mfa=404,
            )
        ),
        kwargs=lambda w: {"pk": w.request_y_draft.pk},
    ),
    Row(
        "v1:help-request-offer",
        post_only(
            api(
                volunteer_a=201,
                volunteer_b=409,
                coordinator_x=403,
                coordinator_y=403,
                ki_staff=403,
                ki_staff_without_mfa=403,
            )
        ),
        kwargs=lambda w: {"pk": w.request_x.pk},
        data=lambda w: {"message": "Ich kann dienstags."},
        note="only volunteers with a complete profile offer; B is already invited (409)",
    ),
    # --- Assignments --------------------------------------------------------------------------
    Row(
        "v1:assignment-list",
        {
            "GET": logged_in(200, anonymous=401),
            **{m: logged_in(405, anonymous=401) for m in UNSAFE},
        },
        note="always the requesting volunteer's own assignments",
    ),
    Row(
        "v1:assignment-accept",
        post_only(
            api(
                volunteer_a=404,
                volunteer_b=200,
                coordinator_x=403,
                coordinator_y=404,
                ki_staff=403,
                ki_staff_without_mfa=404,
            )
        ),
        kwargs=lambda w: {"pk": w.assignment_b.pk},
        note="an invitation is answered by the volunteer; others who see it get 403",
    ),
    Row(
        "v1:assignment-decline",
        post_only(
            api(
                volunteer_a=404,
                volunteer_b=200,
                coordinator_x=403,
                coordinator_y=404,
                ki_staff=403,
                ki_staff_without_mfa=404,
            )
        ),
        kwargs=lambda w: {"pk": w.assignment_b.pk},
    ),
    Row(
        "v1:assignment-withdraw",
        post_only(
            api(
                volunteer_a=404,
                volunteer_b=200,
                coordinator_x=409,
                coordinator_y=404,
                ki_staff=403,
                ki_staff_without_mfa=404,
            )
        ),
        kwargs=lambda w: {"pk": w.assignment_b.pk},
        note="coordinator X may withdraw it too, but B already did (409)",
    ),
    Row(
        "v1:assignment-withdraw-offer",
        post_only(
            api(
                volunteer_a=200,
                volunteer_b=404,
                coordinator_x=403,
                coordinator_y=404,
                ki_staff=403,
                ki_staff_without_mfa=404,
            )
        ),
        kwargs=lambda w: {"pk": _offer_of_a(w).pk},
        note="A's offer: only A takes it back; X's coordinator sees it but answers instead",
    ),
    Row(
        "v1:assignment-hours",
        post_only(
            api(
                volunteer_a=404,
                volunteer_b=422,
                coordinator_x=403,
                coordinator_y=404,
                ki_staff=403,
                ki_staff_without_mfa=404,
            )
        ),
        kwargs=lambda w: {"pk": w.assignment_b.pk},
        data=lambda w: {"date": timezone.localdate().isoformat(), "hours": "2.00"},
        note="only the volunteer logs hours, and only once confirmed (B is invited: 422)",
    ),
    # --- Hours --------------------------------------------------------------------------------
    *(
        Row(
            name,
            post_only(
                api(
                    volunteer_a=404,
                    volunteer_b=403,
                    coordinator_x=200,
                    coordinator_y=404,
                    ki_staff=403,
                    ki_staff_without_mfa=404,
                )
            ),
            kwargs=lambda w: {"pk": _hours_entry_b(w).pk},
            note="coordinators of the organisation review; the volunteer sees but may not",
        )
        for name in ("v1:hours-confirm", "v1:hours-reject")
    ),
    # --- Consents -----------------------------------------------------------------------------
    Row(
        "v1:consent-list",
        {
            "GET": logged_in(200, anonymous=401),
            **{m: logged_in(405, anonymous=401) for m in UNSAFE},
        },
        note="always the requesting account's own consents",
    ),
    Row(
        "v1:consent-give",
        post_only(logged_in(200, anonymous=401)),
        kwargs=lambda w: {"kind": "contact"},
    ),
    Row(
        "v1:consent-withdraw",
        post_only(logged_in(200, anonymous=401)),
        kwargs=lambda w: {"kind": "contact"},
    ),
]
