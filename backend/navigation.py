"""The header navigation: at most seven top-level entries for any role, the rest one level down.

- Top level: the public areas, then the areas of the person's roles ("Mein Ehrenamt",
  "Meine Organisationen" and "Förderanträge", "KI-Team", "Zahlen meiner Kommune",
  "Administration"), then one account menu.
- The account menu (a <details> disclosure: no JavaScript) holds the account overview,
  notifications, the volunteer profile, one's data, two-factor login and logging out.
- Every KI staff page (under /verwaltung/) carries a second level: the staff areas, starting
  with the work queue that the "KI-Team" entry leads to.

An entry is marked aria-current="page" on its own page and aria-current="true" anywhere else in
its area. Built from the roles the context processor already found: no queries of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_TOP_LEVEL = 7
STAFF_AREA = "/verwaltung/"


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    current: str = ""  # "page", "true" or ""
    key: str = ""


@dataclass(frozen=True)
class Navigation:
    main: list[Entry]
    account: list[Entry]  # empty for anonymous visitors
    account_current: bool  # the page is one of the account menu's
    staff: list[Entry]  # the second level of a KI staff page, else empty


def _current(path: str, url: str, patterns: tuple[str, ...]) -> str:
    if path == url.split("?", 1)[0]:
        return "page"
    if any(re.match(pattern, path) for pattern in patterns):
        return "true"
    return ""


def _entry(path: str, key: str, label, url_name: str, *patterns: str) -> Entry:
    url = reverse(url_name)
    return Entry(label=label, url=url, current=_current(path, url, patterns), key=key)


# Pages of the coordinators that live below /hilfegesuche/ (managing a request).
_MANAGE_REQUEST = r"^/hilfegesuche/\d+/(helfende|bearbeiten|schliessen|veroeffentlichen)/"


def _main(path: str, roles: list[str], user) -> list[Entry]:
    if not user.is_authenticated:
        return [
            _entry(path, "home", _("Start"), "home"),
            _entry(
                path,
                "requests",
                _("Hilfegesuche"),
                "volunteers:help_request_list",
                r"^/hilfegesuche/",
            ),
            _entry(
                path, "trainings", _("Schulungen"), "volunteers:training_list", r"^/schulungen/"
            ),
            _entry(path, "directory", _("Verzeichnis"), "directory:index", r"^/verzeichnis/"),
            _entry(path, "login", _("Anmelden"), "account_login"),
            _entry(path, "signup", _("Registrieren"), "account_signup"),
        ]
    coordinator = "coordinator" in roles
    requests_current = _current(
        path, reverse("volunteers:help_request_list"), (r"^/hilfegesuche/",)
    )
    if coordinator and re.match(_MANAGE_REQUEST, path):
        requests_current = ""
    entries = [
        Entry(
            _("Hilfegesuche"),
            reverse("volunteers:help_request_list"),
            requests_current,
            "requests",
        ),
        _entry(path, "trainings", _("Schulungen"), "volunteers:training_list", r"^/schulungen/"),
        _entry(
            path, "directory", _("Verzeichnis"), "directory:index", r"^/verzeichnis/(?!angebote/)"
        ),
    ]
    if "volunteer" in roles:
        entries.append(
            _entry(
                path,
                "dashboard",
                _("Mein Ehrenamt"),
                "volunteers:dashboard",
                r"^/ehrenamt/(bescheinigungen|kalender|nachweis)/",
                r"^/einsatz/",
            )
        )
    if coordinator:
        entries.append(
            _entry(
                path,
                "organisations",
                _("Meine Organisationen"),
                "volunteers:organisation_list",
                r"^/organisation(en)?/",
                r"^/verzeichnis/angebote/",
                _MANAGE_REQUEST,
            )
        )
        entries.append(
            _entry(
                path,
                "applications",
                _("Förderanträge"),
                "funding:application_list",
                r"^/foerderung/",
            )
        )
    if user.role == "member":
        if not coordinator:
            entries.append(
                _entry(
                    path,
                    "organisation_register",
                    _("Organisation registrieren"),
                    "volunteers:organisation_register",
                )
            )
        if "volunteer" not in roles:
            entries.append(
                _entry(
                    path,
                    "become_volunteer",
                    _("Ehrenamtlich helfen"),
                    "volunteers:onboarding_resume",
                    r"^/ehrenamt/anmeldung/",
                )
            )
    if "ki_staff" in roles:
        entries.append(_entry(path, "staff", _("KI-Team"), "work_queue", r"^/verwaltung/"))
    if "municipal" in roles:
        entries.append(
            _entry(
                path,
                "municipal",
                _("Zahlen meiner Kommune"),
                "directory:municipal_figures",
                r"^/kommune/",
            )
        )
    if "admin" in roles:
        entries.append(_entry(path, "admin", _("Administration"), "admin:index"))
    return entries


def _account(path: str, roles: list[str]) -> list[Entry]:
    entries = [
        _entry(path, "overview", _("Mein Konto"), "account_overview", r"^/konto/(email|password)/"),
        _entry(
            path, "inbox", _("Benachrichtigungen"), "notifications:inbox", r"^/benachrichtigungen/"
        ),
    ]
    if "volunteer" in roles:
        entries.append(
            _entry(
                path,
                "profile",
                _("Mein Profil"),
                "volunteers:profile",
                r"^/ehrenamt/(profil|einwilligungen)/",
            )
        )
    entries += [
        _entry(path, "my_data", _("Meine Daten"), "volunteers:my_data", r"^/ehrenamt/daten/"),
        _entry(path, "mfa", _("Zwei-Faktor-Anmeldung"), "mfa_index", r"^/konto/2fa/"),
    ]
    return entries


def _staff(path: str) -> list[Entry]:
    """The staff areas; the entry whose area is the most specific match is the current one."""
    areas = [
        ("work_queue", _("Aufgaben"), "work_queue", ()),
        (
            "organisations",
            _("Organisationen"),
            "volunteers:staff_organisation_list",
            (r"^/verwaltung/organisationen/",),
        ),
        (
            "volunteers",
            _("Ehrenamtliche"),
            "volunteers:staff_volunteer_list",
            (r"^/verwaltung/ehrenamtliche/",),
        ),
        (
            "trainings",
            _("Schulungen"),
            "volunteers:staff_training_list",
            (r"^/verwaltung/schulungen/",),
        ),
        (
            "funding",
            _("Förderanträge"),
            "funding:staff_queue",
            (r"^/verwaltung/foerderung/(?!budget/|programme/)",),
        ),
        (
            "budget",
            _("Fördertöpfe"),
            "funding:staff_budget",
            (r"^/verwaltung/foerderung/(budget|programme)/",),
        ),
        (
            "directory",
            _("Verzeichnis"),
            "directory:staff_offer_list",
            (r"^/verwaltung/verzeichnis/(?!zahlen/)",),
        ),
        (
            "overview",
            _("Übersicht nach Orten"),
            "volunteers:staff_overview",
            (r"^/verwaltung/uebersicht/",),
        ),
        (
            "figures",
            _("AG Integration"),
            "directory:staff_figures",
            (r"^/verwaltung/verzeichnis/zahlen/",),
        ),
        (
            "outbox",
            _("Postausgang"),
            "notifications:outbox",
            (r"^/verwaltung/benachrichtigungen/",),
        ),
    ]
    return [_entry(path, key, label, name, *patterns) for key, label, name, patterns in areas]


def navigation_for(request, roles: list[str]) -> Navigation:
    """The header of `request`'s page for a person with `roles` (backend.accounts.roles)."""
    user = request.user
    path = request.path
    main = _main(path, roles, user)
    if not user.is_authenticated:
        return Navigation(main=main, account=[], account_current=False, staff=[])
    account = _account(path, roles)
    staff = _staff(path) if "ki_staff" in roles and path.startswith(STAFF_AREA) else []
    return Navigation(
        main=main,
        account=account,
        account_current=any(entry.current for entry in account),
        staff=staff,
    )
