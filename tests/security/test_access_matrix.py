"""The access matrix: every URL pattern has a row, and every row holds for every role.

The table lives in tests/security/access_matrix.py; the world (accounts and objects) in
tests/security/conftest.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access_matrix import GROUPS, METHODS, ROLES, ROWS, RedirectTo, Row

# A DRF router adds "<route>.<format>" beside each route; both are the same endpoint.
FORMAT_SUFFIX = re.compile(r"\\\.\(\?P<format>[^)]*\)/\?")


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the normalised route of an unnamed pattern
    route: str  # the full route as written in the URLconf (regex anchors removed)
    view: str  # dotted path of the view, for the failure message
    format_suffix: bool  # the DRF format-suffix twin of another pattern


def _route_text(pattern) -> str:
    text = str(pattern.pattern)
    return text.removeprefix("^").removesuffix("$")


def url_patterns(resolver=None, prefix: str = "", namespace: str = "") -> list[Pattern]:
    """Every URL pattern of the project, with included URLconfs and namespaces flattened."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + _route_text(entry)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found.extend(url_patterns(entry, route, inner))
            continue
        assert isinstance(entry, URLPattern)
        has_suffix = bool(FORMAT_SUFFIX.search(route))
        if entry.name:
            key = f"{namespace}:{entry.name}" if namespace else entry.name
        else:
            key = FORMAT_SUFFIX.sub("", route)
        view = entry.lookup_str
        found.append(Pattern(key=key, route=route, view=view, format_suffix=has_suffix))
    return found


def _group_of(route: str) -> str | None:
    return next((prefix for prefix in GROUPS if route.startswith(prefix)), None)


# --- Completeness of the table --------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    rows = {row.pattern for row in ROWS}
    missing: dict[str, Pattern] = {}
    for p in url_patterns():  # one entry per endpoint: a format-suffix twin adds nothing
        if p.key not in rows and _group_of(p.route) is None:
            missing.setdefault(p.key, p)
    assert not missing, (
        f"{len(missing)} URL pattern(s) without a row in tests/security/access_matrix.py "
        "(add a Row with the expected outcome per role):\n"
        + "\n".join(f"  {key:40} /{p.route}  ({p.view})" for key, p in sorted(missing.items()))
    )


def test_every_row_names_an_existing_url_pattern():
    keys = {p.key for p in url_patterns()}
    stale = sorted({row.pattern for row in ROWS} - keys)
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"


def test_every_group_of_third_party_urls_is_checked_on_a_representative_url():
    routes = {p.key: p.route for p in url_patterns()}
    checked = {_group_of(routes[row.pattern]) for row in ROWS if row.pattern in routes}
    unchecked = sorted(set(GROUPS) - checked)
    assert not unchecked, f"groups without a representative row: {unchecked}"


def test_rows_are_complete_and_unambiguous():
    ids = [row.id for row in ROWS]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"give these rows a distinct label: {duplicates}"
    for row in ROWS:
        assert "GET" in row.expect, f"{row.id}: every row says what GET answers"
        for method, outcomes in row.expect.items():
            assert method in METHODS, f"{row.id}: unknown method {method}"
            assert set(outcomes) == set(ROLES), f"{row.id} {method}: not every role listed"


# --- The outcomes ---------------------------------------------------------------------------


def request_as(world, role: str, method: str, url: str, row: Row):
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    body = row.data(world) if (row.data and method != "GET") else {}
    if row.is_api:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, body)
    return client.generic(method, url)


def check_row(world, row: Row, *, url: str | None = None) -> list[str]:
    url = url or row.url(world)
    problems = []
    for method, outcomes in row.expect.items():
        for role in ROLES:
            expected = outcomes[role]
            if isinstance(expected, RedirectTo):
                expected = expected.bind(world)
            response = request_as(world, role, method, url, row)
            got = expected.problem(response)
            if got is not None:
                problems.append(f"  {method:6} {role:22} expected {expected}, got {got}")
    return problems


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_access(row, world, settings):
    for name, value in row.settings.items():
        setattr(settings, name, value)
    url = row.url(world)
    problems = check_row(world, row, url=url)
    assert not problems, f"{row.id}  {url}\n" + "\n".join(problems)


API_ROWS_WITH_FORMAT_SUFFIX = [
    row
    for row in ROWS
    if row.is_api and any(p.key == row.pattern and p.format_suffix for p in url_patterns())
]


@pytest.mark.parametrize("row", API_ROWS_WITH_FORMAT_SUFFIX, ids=lambda r: r.id)
def test_format_suffix_url_answers_like_the_plain_url(row, world):
    """/api/v1/towns.json is the same endpoint as /api/v1/towns/ and must be guarded alike."""
    url = row.url(world, format="json")
    get_only = Row(row.pattern, {"GET": row.expect["GET"]})
    problems = check_row(world, get_only, url=url)
    assert not problems, f"{row.id}  {url}\n" + "\n".join(problems)


# --- What the outcomes mean -----------------------------------------------------------------


def test_patching_me_changes_only_ones_own_name_never_role_or_email(world):
    client = Client()
    client.force_login(world.volunteer_a)
    response = client.patch(
        reverse("v1:me"),
        json.dumps(
            {"first_name": "Anna", "last_name": "Neu", "role": "admin", "email": "b@example.org"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    a, b = world.volunteer_a, world.volunteer_b
    email_before = a.email
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.full_name, a.role, a.email) == ("Anna Neu", "member", email_before)
    assert b.full_name == "Volunteer B"


def test_only_staff_can_put_a_test_email_into_the_outbox(world):
    from notifications.models import Notification

    url = reverse("notifications:send_test")
    for role in ("volunteer_a", "coordinator_x", "ki_staff_without_mfa"):
        client = Client()
        client.force_login(world.users[role])
        client.post(url)
    assert (
        not Notification.objects.filter(kind="system.test")
        .exclude(pk__in=[world.notification_b.pk, world.notification_failed.pk])
        .exists()
    )
    client = Client()
    client.force_login(world.ki_staff)
    client.post(url)
    assert Notification.objects.filter(kind="system.test", recipient=world.ki_staff).exists()


def test_outbox_api_refuses_non_staff_alike_for_existing_and_missing_rows(world):
    """No existence oracle: a volunteer cannot tell whether outbox row N exists."""
    client = Client()
    client.force_login(world.volunteer_a)
    existing = client.get(reverse("v1:outbox-detail", kwargs={"pk": world.notification_b.pk}))
    missing = client.get(reverse("v1:outbox-detail", kwargs={"pk": 999_999}))
    assert (existing.status_code, missing.status_code) == (403, 403)
    client.force_login(world.ki_staff)
    assert client.get(reverse("v1:outbox-detail", kwargs={"pk": 999_999})).status_code == 404


# --- The admin site -------------------------------------------------------------------------


@pytest.fixture
def admin_without_mfa(db):
    from tests.factories import UserFactory

    return UserFactory(admin=True, full_name="Admin ohne 2FA")


def test_admin_without_mfa_is_kept_out_of_the_admin(admin_without_mfa):
    client = Client()
    client.force_login(admin_without_mfa)
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


def test_anonymous_credentials_posted_to_the_admin_login_log_nobody_in(world, password):
    """The admin login form is allauth's (rate limits, two-factor): a POST straight to
    /admin/login/ is redirected there and logs nobody in, even with the right password."""
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": world.admin.email, "password": password}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_admin_login_form_cannot_switch_to_another_admin_without_their_second_factor(
    world, admin_without_mfa, password
):
    client = Client()
    client.force_login(admin_without_mfa)
    login_page = client.get(reverse("admin:login"))
    client.post(
        reverse("admin:login"),
        {"username": world.admin.email, "password": password, "next": reverse("admin:index")},
    )
    assert client.session["_auth_user_id"] == str(admin_without_mfa.pk), (
        "now logged in as the other admin, with a password only"
    )
    assert client.get(reverse("admin:index")).status_code != 200
    assert login_page.status_code != 200, "Django's own admin login form is served"
