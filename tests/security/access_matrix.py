"""Who may do what on which URL: one row per URL pattern, one expected outcome per role.

tests/security/test_access_matrix.py enumerates every URL pattern of the project and fails,
listing them, for every pattern without a row here. When you add a URL, add its row to ROWS:

    Row(
        "volunteers:request-detail",                 # "namespace:name" (or the route, if unnamed)
        kwargs=lambda w: {"pk": w.request_of_x.pk},  # built from the world (security/conftest.py)
        expect={
            "GET": by_role(anonymous=LOGIN, volunteer_a=200, ..., coordinator_y=404, ...),
            "POST": staff_page(302),
        },
        data=lambda w: {"title": "Neu"},              # body for unsafe methods
    )

The rules every row follows (issue "access matrix"):
- Objects you may not see answer 404, objects you may see but not change answer 403.
- Anonymous visitors of an HTML page that needs a login are redirected to the login (LOGIN);
  on the API they get 401.
- KI pages need a staff role and two-factor authentication set up (staff without it are sent
  to MFA_SETUP on HTML and get 403 on the API).
- Every role is listed in every row; `by_role` refuses a row that forgets one.

Third-party URL trees are listed as GROUPS: their patterns need no row of their own, but every
group needs at least one representative row below its prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse

ROLES = (
    "anonymous",
    "volunteer_a",
    "volunteer_b",
    "coordinator_x",
    "coordinator_y",
    "ki_staff",
    "ki_lead",
    "admin",
    "ki_staff_without_mfa",
    "municipal",
)
MEMBERS = ("volunteer_a", "volunteer_b", "coordinator_x", "coordinator_y")
STAFF = ("ki_staff", "ki_lead", "admin")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# URL trees of third-party apps, by route prefix. Representative rows below check them.
GROUPS = {
    "konto/": "django-allauth: login, sign-up, password, email addresses, two-factor",
    "admin/": "Django admin (login through allauth, two-factor required)",
}


# --- Outcomes -------------------------------------------------------------------------------


def describe(response) -> str:
    """A response as a failure message shows it: '302 -> /konto/login/?next=/x/'."""
    location = response.get("Location")
    return f"{response.status_code} -> {location}" if location else str(response.status_code)


class Outcome:
    def problem(self, response) -> str | None:
        """None when the response is this outcome, else what was wrong."""
        raise NotImplementedError


@dataclass(frozen=True)
class Status(Outcome):
    code: int

    def problem(self, response) -> str | None:
        if response.status_code == self.code:
            return None
        return describe(response)

    def __str__(self) -> str:
        return str(self.code)


@dataclass(frozen=True)
class RedirectTo(Outcome):
    """A redirect to the page named `url_name` (query string ignored). `pk_of` names a world
    object whose pk the URL takes; the test binds it (see bind)."""

    url_name: str
    pk_of: str = ""
    pk: int | None = None

    def bind(self, world) -> RedirectTo:
        if not self.pk_of:
            return self
        return RedirectTo(self.url_name, pk=getattr(world, self.pk_of).pk)

    def target(self) -> str:
        return reverse(self.url_name, kwargs={"pk": self.pk} if self.pk is not None else None)

    def problem(self, response) -> str | None:
        location = response.get("Location", "")
        if (
            response.status_code in (301, 302, 303, 307, 308)
            and urlsplit(location).path == self.target()
        ):
            return None
        return describe(response)

    def __str__(self) -> str:
        return f"redirect to {self.url_name}"


LOGIN = RedirectTo("account_login")
MFA_SETUP = RedirectTo("mfa_activate_totp")
HOME = RedirectTo("home")
ADMIN_LOGIN = RedirectTo("admin:login")
ADMIN_INDEX = RedirectTo("admin:index")
OUTBOX = RedirectTo("notifications:outbox")
REAUTHENTICATE = RedirectTo("account_reauthenticate")
DASHBOARD = RedirectTo("volunteers:dashboard")

Expected = int | Outcome


def _outcome(value: Expected) -> Outcome:
    return Status(value) if isinstance(value, int) else value


def by_role(
    *,
    anonymous: Expected,
    volunteer_a: Expected,
    volunteer_b: Expected,
    coordinator_x: Expected,
    coordinator_y: Expected,
    ki_staff: Expected,
    ki_lead: Expected,
    admin: Expected,
    ki_staff_without_mfa: Expected,
    municipal: Expected,
) -> dict[str, Outcome]:
    """The expected outcome for every role (all keyword-only and required: none forgotten)."""
    given = dict(locals())
    return {role: _outcome(given[role]) for role in ROLES}


def everyone(outcome: Expected) -> dict[str, Outcome]:
    return {role: _outcome(outcome) for role in ROLES}


def logged_in(outcome: Expected, *, anonymous: Expected = LOGIN) -> dict[str, Outcome]:
    """Any account; anonymous visitors go to the login (HTML) or get `anonymous` (API: 401)."""
    return {**everyone(outcome), "anonymous": _outcome(anonymous)}


def but(outcomes: dict[str, Outcome], **exceptions: Expected) -> dict[str, Outcome]:
    """`outcomes` with other outcomes for the named roles (their data differs, not their
    rights: volunteer A is the one account with confirmed hours)."""
    unknown = set(exceptions) - set(ROLES)
    assert not unknown, f"no such roles: {unknown}"
    return {**outcomes, **{role: _outcome(value) for role, value in exceptions.items()}}


def staff_page(outcome: Expected) -> dict[str, Outcome]:
    """A KI page behind @staff_required."""
    return by_role(
        anonymous=LOGIN,
        volunteer_a=403,
        volunteer_b=403,
        coordinator_x=403,
        coordinator_y=403,
        municipal=403,
        ki_staff=outcome,
        ki_lead=outcome,
        admin=outcome,
        ki_staff_without_mfa=MFA_SETUP,
    )


def staff_api(outcome: Expected) -> dict[str, Outcome]:
    """A KI endpoint behind IsKIStaff."""
    return by_role(
        anonymous=401,
        volunteer_a=403,
        volunteer_b=403,
        coordinator_x=403,
        coordinator_y=403,
        municipal=403,
        ki_staff=outcome,
        ki_lead=outcome,
        admin=outcome,
        ki_staff_without_mfa=403,
    )


def read_only_api(get: dict[str, Outcome], *, refused: dict[str, Outcome]) -> dict:
    """GET as given; every unsafe method is refused: `refused` says how (401/403 for those
    who may not use the endpoint at all, 405 for those who may read it)."""
    return {"GET": get, **{method: refused for method in METHODS if method != "GET"}}


# --- Rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One URL pattern (or one representative URL of a group) and what each role gets."""

    pattern: str  # "namespace:name", or the route string of an unnamed pattern
    expect: Mapping[str, Mapping[str, Outcome]]  # method -> role -> outcome
    kwargs: Callable[[Any], dict] | None = None  # URL kwargs from the world
    path: Callable[[Any], str] | None = None  # a URL reverse() cannot build
    data: Callable[[Any], dict] | None = None  # request body for unsafe methods
    settings: Mapping[str, Any] = field(default_factory=dict)  # overrides for this row
    label: str = ""  # test id when a pattern has more than one row
    note: str = ""  # why the outcome is what it is, where that is not obvious

    @property
    def id(self) -> str:
        return self.label or self.pattern

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("v1:")

    def url(self, world, **extra_kwargs) -> str:
        if self.path is not None:
            return self.path(world)
        kwargs = {**(self.kwargs(world) if self.kwargs else {}), **extra_kwargs}
        return reverse(self.pattern, kwargs=kwargs or None)


def _offer_of_a(w):
    """Volunteer A offers help on request_x (once per world)."""
    if "offer_of_a" not in w.extra:
        from volunteers.models import Assignment

        w.extra["offer_of_a"] = Assignment.objects.create(
            help_request=w.request_x, volunteer=w.volunteer_a, status=Assignment.Status.OFFERED
        )
    return w.extra["offer_of_a"]


ROWS: list[Row] = [
    # --- Public pages ---------------------------------------------------------------------
    Row("home", {"GET": everyone(200)}),
    Row("impressum", {"GET": everyone(200)}),
    Row("datenschutz", {"GET": everyone(200)}),
    Row("barrierefreiheit", {"GET": everyone(200)}),
    Row(
        "healthz",
        {"GET": everyone(200), "POST": everyone(405)},
        note="monitoring; no personal data, only counts",
    ),
    Row(
        "set_language",
        {"GET": everyone(405), "POST": everyone(302)},
        data=lambda w: {"language": "en", "next": "/"},
    ),
    Row(
        "mailbox",
        {"GET": everyone(404)},
        settings={"MAILBOX_ENABLED": False},
        label="mailbox (production: off)",
        note="the demo mailbox shows every email sent; it must not exist in production",
    ),
    Row(
        "mailbox",
        {"GET": everyone(200)},
        settings={"MAILBOX_ENABLED": True},
        label="mailbox (local demo)",
    ),
    # --- Volunteering ---------------------------------------------------------------------
    Row("volunteers:help_request_list", {"GET": everyone(200), "POST": everyone(405)}),
    Row(
        "volunteers:help_request_detail",
        {"GET": everyone(200), "POST": everyone(405)},
        kwargs=lambda w: {"pk": w.request_x.pk},
        label="volunteers:help_request_detail (open, of X)",
    ),
    Row(
        "volunteers:help_request_detail",
        {
            "GET": by_role(
                anonymous=404,
                volunteer_a=404,
                volunteer_b=404,
                coordinator_x=404,
                coordinator_y=200,
                municipal=200,
                ki_staff=200,
                ki_lead=200,
                admin=200,
                ki_staff_without_mfa=404,
            )
        },
        kwargs=lambda w: {"pk": w.request_y_draft.pk},
        label="volunteers:help_request_detail (draft, of Y)",
        note="a draft is visible to its organisation and to KI staff with two-factor only",
    ),
    Row(
        "volunteers:help_request_offer",
        {
            "GET": everyone(405),
            "POST": logged_in(RedirectTo("volunteers:help_request_detail", pk_of="request_x")),
        },
        kwargs=lambda w: {"pk": w.request_x.pk},
        note="every account lands on the request again; the page then says what happened",
    ),
    Row(
        "volunteers:help_request_offer",
        {
            "GET": everyone(405),
            "POST": by_role(
                anonymous=LOGIN,
                volunteer_a=404,
                volunteer_b=404,
                coordinator_x=404,
                coordinator_y=RedirectTo("volunteers:help_request_detail", pk_of="request_y_draft"),
                municipal=RedirectTo("volunteers:help_request_detail", pk_of="request_y_draft"),
                ki_staff=RedirectTo("volunteers:help_request_detail", pk_of="request_y_draft"),
                ki_lead=RedirectTo("volunteers:help_request_detail", pk_of="request_y_draft"),
                admin=RedirectTo("volunteers:help_request_detail", pk_of="request_y_draft"),
                ki_staff_without_mfa=404,
            ),
        },
        kwargs=lambda w: {"pk": w.request_y_draft.pk},
        label="volunteers:help_request_offer (draft, of Y)",
        note="those who can see the draft are told it is not open; nobody else learns of it",
    ),
    *[
        Row(
            f"volunteers:assignment_{action}",
            {
                "GET": everyone(405),
                "POST": by_role(
                    anonymous=LOGIN,
                    volunteer_a=404,
                    volunteer_b=DASHBOARD,
                    coordinator_x=coordinator_x,
                    coordinator_y=404,
                    municipal=404,
                    ki_staff=403,
                    ki_lead=403,
                    admin=403,
                    ki_staff_without_mfa=404,
                ),
            },
            kwargs=lambda w: {"pk": w.assignment_b.pk},
            note="B's invitation: only B answers it; X's coordinator may end it; KI staff "
            "see it but do not act for volunteers",
        )
        for action, coordinator_x in (
            ("accept", 403),
            ("decline", 403),
            ("withdraw", DASHBOARD),
        )
    ],
    Row(
        "volunteers:assignment_withdraw_offer",
        {
            "GET": everyone(405),
            "POST": by_role(
                anonymous=LOGIN,
                volunteer_a=DASHBOARD,
                volunteer_b=404,
                coordinator_x=403,
                coordinator_y=404,
                municipal=404,
                ki_staff=403,
                ki_lead=403,
                admin=403,
                ki_staff_without_mfa=404,
            ),
        },
        kwargs=lambda w: {"pk": _offer_of_a(w).pk},
        note="A's offer of help on X's request: only A takes it back; X's coordinator and KI "
        "staff see it but may not",
    ),
    Row(
        "volunteers:assignment_answer_link",
        {
            "GET": everyone(200),
            "POST": {**everyone(409), "anonymous": Status(200)},
        },
        kwargs=lambda w: {"token": w.answer_token_b},
        note="the signed link answers without login, once: the first POST accepts, every "
        "later one is told it was already answered",
    ),
    Row(
        "volunteers:assignment_answer_link",
        {"GET": everyone(400), "POST": everyone(400)},
        kwargs=lambda w: {"token": "nicht-signiert"},
        label="volunteers:assignment_answer_link (forged)",
    ),
    Row(
        "volunteers:hours_create",
        {
            "GET": everyone(405),
            "POST": by_role(
                anonymous=LOGIN,
                volunteer_a=404,
                volunteer_b=400,
                coordinator_x=404,
                coordinator_y=404,
                municipal=404,
                ki_staff=404,
                ki_lead=404,
                admin=404,
                ki_staff_without_mfa=404,
            ),
        },
        kwargs=lambda w: {"pk": w.assignment_b.pk},
        data=lambda w: {"date": "2026-01-05", "hours": "2"},
        note="only the volunteer of the assignment logs hours on it; B is only invited, so "
        "the dashboard comes back with the form as typed and the reason (400)",
    ),
    Row("volunteers:dashboard", {"GET": logged_in(200), "POST": logged_in(405)}),
    # --- KI staff pages -------------------------------------------------------------------
    Row("notifications:outbox", {"GET": staff_page(200)}),
    Row(
        "notifications:send_test",
        {"GET": everyone(405), "POST": staff_page(OUTBOX)},
        note="a test email to oneself; require_POST answers before the login check",
    ),
    # --- REST API -------------------------------------------------------------------------
    Row(
        "v1:me",
        {
            "GET": logged_in(200, anonymous=401),
            "PATCH": logged_in(200, anonymous=401),
            "PUT": logged_in(405, anonymous=401),
            "POST": logged_in(405, anonymous=401),
            "DELETE": logged_in(405, anonymous=401),
        },
        data=lambda w: {"first_name": "Neuer", "last_name": "Name"},
        note="always the requesting account; there is no URL for someone else's",
    ),
    Row("v1:town-list", read_only_api(everyone(200), refused=everyone(405))),
    Row(
        "v1:town-detail",
        read_only_api(everyone(200), refused=everyone(405)),
        kwargs=lambda w: {"slug": w.town.slug},
        label="v1:town-detail (Ahlen)",
    ),
    Row("v1:organisation-list", read_only_api(everyone(200), refused=everyone(405))),
    Row(
        "v1:organisation-detail",
        read_only_api(everyone(200), refused=everyone(405)),
        kwargs=lambda w: {"pk": w.org_x.pk},
        label="v1:organisation-detail (verified, of X)",
    ),
    Row(
        "v1:organisation-detail",
        read_only_api(everyone(404), refused=everyone(405)),
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        label="v1:organisation-detail (unverified, of Y)",
        note="the public list shows verified organisations only, to everyone",
    ),
    Row("v1:outbox-list", read_only_api(staff_api(200), refused=staff_api(405))),
    Row(
        "v1:outbox-detail",
        read_only_api(staff_api(200), refused=staff_api(405)),
        kwargs=lambda w: {"pk": w.notification_b.pk},
        label="v1:outbox-detail (email to volunteer B)",
    ),
    Row(
        "api-schema",
        {"GET": everyone(200), "POST": everyone(405)},
        note="the OpenAPI schema is public (SERVE_PERMISSIONS AllowAny); it lists no data",
    ),
    Row("api-docs", {"GET": everyone(200), "POST": everyone(405)}),
    # --- allauth (group konto/) -----------------------------------------------------------
    # account_login and account_signup: tests/security/rows_accounts.py (where each role lands).
    Row("account_logout", {"GET": logged_in(200, anonymous=HOME), "POST": everyone(HOME)}),
    Row("account_reset_password", {"GET": everyone(200)}),
    Row("account_email", {"GET": logged_in(200)}),
    Row("account_change_password", {"GET": logged_in(200)}),
    Row("mfa_index", {"GET": logged_in(200)}),
    Row(
        "mfa_activate_totp",
        {"GET": logged_in(REAUTHENTICATE)},
        note="changing two-factor settings asks for the password again (allauth)",
    ),
    Row(
        "mfa_view_recovery_codes",
        {
            "GET": by_role(
                anonymous=LOGIN,
                volunteer_a=404,
                volunteer_b=404,
                coordinator_x=404,
                coordinator_y=404,
                municipal=404,
                ki_staff=REAUTHENTICATE,
                ki_lead=REAUTHENTICATE,
                admin=REAUTHENTICATE,
                ki_staff_without_mfa=404,
            )
        },
        note="only accounts with two-factor have recovery codes; showing them asks again",
    ),
    Row(
        "account_confirm_email",
        {"GET": everyone(200)},
        kwargs=lambda w: {"key": "not-a-key"},
        label="account_confirm_email (unknown key)",
        note="answers with an 'invalid link' page, whoever asks",
    ),
    # --- Django admin (group admin/) ------------------------------------------------------
    Row(
        "admin:index",
        {
            "GET": by_role(
                anonymous=ADMIN_LOGIN,
                volunteer_a=ADMIN_LOGIN,
                volunteer_b=ADMIN_LOGIN,
                coordinator_x=ADMIN_LOGIN,
                coordinator_y=ADMIN_LOGIN,
                municipal=ADMIN_LOGIN,
                ki_staff=ADMIN_LOGIN,
                ki_lead=ADMIN_LOGIN,
                admin=200,
                ki_staff_without_mfa=ADMIN_LOGIN,
            )
        },
        note="only the technical administration (is_staff, two-factor) gets in",
    ),
    Row(
        "admin:login",
        {
            "GET": by_role(
                anonymous=LOGIN,
                volunteer_a=403,
                volunteer_b=403,
                coordinator_x=403,
                coordinator_y=403,
                municipal=403,
                ki_staff=403,
                ki_lead=403,
                admin=ADMIN_INDEX,
                ki_staff_without_mfa=403,
            )
        },
        note="allauth's secure_admin_login: anonymous to allauth's login, non-staff 403",
    ),
    Row(
        "admin:accounts_user_change",
        {
            "GET": by_role(
                anonymous=ADMIN_LOGIN,
                volunteer_a=ADMIN_LOGIN,
                volunteer_b=ADMIN_LOGIN,
                coordinator_x=ADMIN_LOGIN,
                coordinator_y=ADMIN_LOGIN,
                municipal=ADMIN_LOGIN,
                ki_staff=ADMIN_LOGIN,
                ki_lead=ADMIN_LOGIN,
                admin=200,
                ki_staff_without_mfa=ADMIN_LOGIN,
            )
        },
        kwargs=lambda w: {"object_id": w.volunteer_b.pk},
        label="admin:accounts_user_change (volunteer B)",
    ),
]


# Rows of further areas live in their own modules (one per area, to keep this file readable).
from . import (  # noqa: E402
    rows_accounts,
    rows_api,
    rows_api_more,
    rows_directory_figures,
    rows_directory_manage,
    rows_directory_public,
    rows_documents,
    rows_funding,
    rows_notifications,
    rows_organisations,
    rows_profile,
    rows_staff,
    rows_trainings,
)

ROWS += (
    rows_accounts.ROWS
    + rows_profile.ROWS
    + rows_organisations.ROWS
    + rows_staff.ROWS
    + rows_documents.ROWS
    + rows_api.ROWS
    + rows_api_more.ROWS
    + rows_trainings.ROWS
    + rows_funding.ROWS
    + rows_notifications.ROWS
    + rows_directory_public.ROWS
    + rows_directory_manage.ROWS
    + rows_directory_figures.ROWS
)

# --- The municipal account ---------------------------------------------------------------------
# Rows above copy coordinator Y's outcome for the municipal account (an account with no relation
# to the object) or give it the logged-in outcome. Where a town administration's account differs,
# it is listed here, explicitly: it is neither volunteer nor coordinator and cannot become one
# (volunteer pages and the volunteer API answer 403), what only coordinator Y may see is not
# found (404). Its own pages (the figures of its town) are in rows_directory_figures.py.
_VOLUNTEER_ONLY = 403
MUNICIPAL: dict[str, dict[str, Expected]] = {
    "volunteers:help_request_detail (draft, of Y)": {"GET": 404},
    "volunteers:help_request_offer (draft, of Y)": {"POST": 404},
    "volunteers:onboarding_resume": {"GET": _VOLUNTEER_ONLY},
    "volunteers:onboarding (step 1)": {"GET": _VOLUNTEER_ONLY, "POST": _VOLUNTEER_ONLY},
    "volunteers:onboarding (step 4, not reached yet)": {
        "GET": _VOLUNTEER_ONLY,
        "POST": _VOLUNTEER_ONLY,
    },
    "volunteers:profile": {"GET": _VOLUNTEER_ONLY},
    "volunteers:profile_edit (wohnort)": {"GET": _VOLUNTEER_ONLY, "POST": _VOLUNTEER_ONLY},
    "volunteers:consents": {"GET": _VOLUNTEER_ONLY},
    "volunteers:consent_give": {"POST": _VOLUNTEER_ONLY},
    "volunteers:consent_withdraw": {"POST": _VOLUNTEER_ONLY},
    "volunteers:consent_withdraw (unknown kind)": {"POST": _VOLUNTEER_ONLY},
    "volunteers:organisation_detail (pending, of Y)": {"GET": 404},
    "volunteers:help_request_create (pending, of Y)": {"GET": 404, "POST": 404},
    "volunteers:help_request_edit (draft, of Y)": {"GET": 404},
    "volunteers:help_request_publish": {"POST": 404},
    "v1:help-request-detail (draft, of Y)": {"GET": 404, "PATCH": 404},
    "v1:help-request-close": {"POST": 404},
    "v1:profile": {"GET": _VOLUNTEER_ONLY, "PATCH": _VOLUNTEER_ONLY, "PUT": _VOLUNTEER_ONLY},
    "volunteers:calendar": {"GET": _VOLUNTEER_ONLY},
    "volunteers:calendar_reset": {"POST": _VOLUNTEER_ONLY},
    "funding:application_create": {"POST": 403},
    "directory:organisation_directory (pending, of Y)": {"GET": 404},
    "directory:offer_create (pending, of Y)": {"GET": 404, "POST": 404},
    "directory:offer_edit (pending, of Y)": {"GET": 404},
}
_BY_ID = {row.id: row for row in ROWS}
for _label, _methods in MUNICIPAL.items():
    for _method, _expected in _methods.items():
        _row = _BY_ID[_label]
        _row.expect[_method] = {**_row.expect[_method], "municipal": _outcome(_expected)}
