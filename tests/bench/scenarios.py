"""The pages and endpoints the benchmark measures. A later issue adds one line per endpoint.

`auth` says who asks: anonymous, the bench volunteer with an API token or a browser session
(logged in through the real login form), the bench KI lead with an API token (the account
has TOTP, which staff tokens require) or a browser session (login form, then the TOTP step),
or the coordinator of the bench request with a token. The accounts are made by data.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .server import request

ANONYMOUS = "anonymous"
VOLUNTEER_TOKEN = "volunteer token"
VOLUNTEER_SESSION = "volunteer session"
STAFF_TOKEN = "staff token"
STAFF_SESSION = "staff session"
COORDINATOR_TOKEN = "coordinator token"


@dataclass(frozen=True)
class Scenario:
    name: str
    # A path, or a URL name ("funding:staff_queue") reversed when the run starts; either may
    # end in "?<query>" and name "{request}" (data.bench_request) or "{year}"
    # (data.bench_programme_year).
    path: str
    auth: str = ANONYMOUS

    def url_path(self, placeholders: dict[str, object]) -> str:
        path = self.path.format(**placeholders)
        if path.startswith("/"):
            return path
        from django.urls import reverse

        name, mark, query = path.partition("?")
        return reverse(name) + mark + query


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
    # Funding: the KI staff's pages at 2,000 applications in one year (data.grant_applications).
    Scenario("staff queue, first page", "funding:staff_queue", STAFF_SESSION),
    Scenario(
        "staff queue (year + block + status)",
        "funding:staff_queue?year={year}&block=B&status=submitted",
        STAFF_SESSION,
    ),
    Scenario("staff budget overview", "funding:staff_budget?year={year}", STAFF_SESSION),
    # The public directory (data.directory_offers).
    Scenario("public town page", "/verzeichnis/orte/ahlen/"),
    Scenario("directory search", "/verzeichnis/suche/?q=Sprachcaf%C3%A9"),
]


def totp_code(secret: str) -> tuple[str, float]:
    """(the code an authenticator app shows now for `secret`, seconds until the next one).
    Reads allauth's settings, so only after django.setup()."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter, elapsed = divmod(time.time(), app_settings.TOTP_PERIOD)
    return format_hotp_value(hotp_value(secret, int(counter))), app_settings.TOTP_PERIOD - elapsed


def login_session(port: int, email: str, password: str, totp_secret: str | None = None) -> str:
    """Log in through the login form as a browser would; returns the Cookie header value. An
    account with TOTP answers the second step with the current code for `totp_secret`.

    Raises RuntimeError when the account is not logged in (e.g. MFA asked for, no secret)."""
    cookies = SimpleCookie()

    def send(path: str, fields: dict[str, str] | None = None):
        """GET, or POST `fields` as the form would; keeps the cookies the server sets."""
        jar = "; ".join(f"{name}={m.value}" for name, m in cookies.items())
        headers = {"Cookie": jar} if jar else {}
        body = ""
        if fields is not None:
            csrf = next((m.value for n, m in cookies.items() if n.endswith("csrftoken")), "")
            body = urlencode(fields)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": csrf,
                "Referer": f"https://127.0.0.1:{port}{path}",
            }
        status, response_headers, content = request(
            port, path, method="POST" if fields is not None else "GET", headers=headers, body=body
        )
        for value in response_headers.get_all("Set-Cookie") or []:
            cookies.load(value)
        return status, response_headers.get("Location", ""), content

    status, _, _ = send("/konto/login/")
    if status != 200 or not any(name.endswith("csrftoken") for name in cookies):
        raise RuntimeError(f"GET /konto/login/ answered {status} without a CSRF cookie")
    status, location, body = send("/konto/login/", {"login": email, "password": password})
    if status == 302 and "/2fa/authenticate/" in location and totp_secret:
        for _attempt in range(2):
            code, left = totp_code(totp_secret)
            status, next_location, body = send(location, {"code": code})
            if status == 302:
                location = next_location
                break
            # Refused: the window turned, or another run on this machine used this code (used
            # codes are remembered in the shared Redis cache). The next window's code is new.
            time.sleep(left + 1)
    if status != 302 or not any(name.endswith("sessionid") for name in cookies):
        raise RuntimeError(f"login of {email} failed: {status} {body[:300]!r}")
    if location.startswith("/konto/"):  # e.g. the second step of an MFA login
        raise RuntimeError(f"login of {email} stopped at {location}")
    return "; ".join(f"{name}={m.value}" for name, m in cookies.items())


class Credentials:
    """Request headers for each kind of `auth`, made once per run (sessions on first use)."""

    def __init__(
        self,
        port: int,
        tokens: dict[str, str],
        accounts: dict[str, str],
        password: str,
        totp_secret: str,
    ) -> None:
        self.port = port
        self.tokens = tokens  # email -> API token key
        self.accounts = accounts  # "volunteer" / "staff" / "coordinator" -> email
        self.password = password
        self.totp_secret = totp_secret  # of the staff account
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
            return {"Cookie": self._session(self.accounts["volunteer"])}
        if auth == STAFF_SESSION:
            return {"Cookie": self._session(self.accounts["staff"], self.totp_secret)}
        raise ValueError(f"unknown auth {auth!r}")

    def _session(self, email: str, totp_secret: str | None = None) -> str:
        if email not in self._cookies:
            self._cookies[email] = login_session(self.port, email, self.password, totp_secret)
        return self._cookies[email]
