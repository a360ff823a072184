"""The pages and endpoints the benchmark measures. A later issue adds one line per endpoint.

`auth` says who asks: anonymous, the bench volunteer with an API token or a browser session
(logged in through the real login form), the bench KI lead with an API token (the account
has TOTP, which staff tokens require), or the coordinator of the bench request with a token.
The accounts are made by data.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .server import request

ANONYMOUS = "anonymous"
VOLUNTEER_TOKEN = "volunteer token"
VOLUNTEER_SESSION = "volunteer session"
STAFF_TOKEN = "staff token"
COORDINATOR_TOKEN = "coordinator token"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str  # may name "{request}": the bench request (data.bench_request)
    auth: str = ANONYMOUS

    def url_path(self, placeholders: dict[str, object]) -> str:
        return self.path.format(**placeholders)


# The practical upper bound: the same server and middleware, no database, no template.
TRIVIAL = Scenario("trivial (upper bound)", "/bench/trivial")

SCENARIOS = [
    Scenario("home", "/"),
    Scenario("login page", "/konto/login/"),
    Scenario("API towns list", "/api/v1/towns/"),
    Scenario("API organisations list", "/api/v1/organisations/"),
    Scenario("API me (volunteer token)", "/api/v1/me/", VOLUNTEER_TOKEN),
    Scenario("account email page (volunteer)", "/konto/email/", VOLUNTEER_SESSION),
    Scenario("open requests (town + language filter)", "/hilfegesuche/?town=ahlen&language=ar"),
    Scenario(
        "API open requests (town + language)", "/api/v1/help-requests/?town=ahlen&language=ar"
    ),
    Scenario("volunteer dashboard", "/ehrenamt/", VOLUNTEER_SESSION),
    Scenario("public training list", "/schulungen/"),
    Scenario("API training list", "/api/v1/trainings/"),
    # Matching (issue 5), beside the plain list it is measured against.
    Scenario("API volunteer list, 20 rows (staff)", "/api/v1/staff/volunteers/", STAFF_TOKEN),
    Scenario(
        "API suggestions for a request (coordinator)",
        "/api/v1/help-requests/{request}/suggestions/",
        COORDINATOR_TOKEN,
    ),
    Scenario("API recommendations (volunteer token)", "/api/v1/recommendations/", VOLUNTEER_TOKEN),
]


def login_session(port: int, email: str, password: str) -> str:
    """Log in through the login form as a browser would; returns the Cookie header value.

    Raises RuntimeError when the form does not log the account in (e.g. MFA is required)."""
    status, headers, _ = request(port, "/konto/login/")
    cookies = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    csrf = next((m.value for name, m in cookies.items() if name.endswith("csrftoken")), None)
    if status != 200 or csrf is None:
        raise RuntimeError(f"GET /konto/login/ answered {status} without a CSRF cookie")
    origin = f"https://127.0.0.1:{port}"
    status, headers, body = request(
        port,
        "/konto/login/",
        method="POST",
        body=urlencode({"login": email, "password": password}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{name}={m.value}" for name, m in cookies.items()),
            "X-CSRFToken": csrf,
            "Referer": f"{origin}/konto/login/",
        },
    )
    for value in headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    if status != 302 or not any(name.endswith("sessionid") for name in cookies):
        raise RuntimeError(f"login of {email} failed: {status} {body[:300]!r}")
    if headers["Location"].startswith("/konto/"):  # e.g. the second step of an MFA login
        raise RuntimeError(f"login of {email} stopped at {headers['Location']}")
    return "; ".join(f"{name}={m.value}" for name, m in cookies.items())


class Credentials:
    """Request headers for each kind of `auth`, made once per run (sessions on first use)."""

    def __init__(self, port: int, tokens: dict[str, str], accounts: dict[str, str], password):
        self.port = port
        self.tokens = tokens  # email -> API token key
        self.accounts = accounts  # "volunteer" / "staff" -> email
        self.password = password
        self._cookies: dict[str, str] = {}

    def headers(self, auth: str) -> dict[str, str]:
        if auth == ANONYMOUS:
            return {}
        if auth == VOLUNTEER_TOKEN:
            return {"Authorization": f"Token {self.tokens[self.accounts['volunteer']]}"}
        if auth == STAFF_TOKEN:
            return {"Authorization": f"Token {self.tokens[self.accounts['staff']]}"}
        if auth == COORDINATOR_TOKEN:
            return {"Authorization": f"Token {self.tokens[self.accounts['coordinator']]}"}
        if auth == VOLUNTEER_SESSION:
            email = self.accounts["volunteer"]
            if email not in self._cookies:
                self._cookies[email] = login_session(self.port, email, self.password)
            return {"Cookie": self._cookies[email]}
        raise ValueError(f"unknown auth {auth!r}")
