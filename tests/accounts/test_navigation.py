"""The header navigation as each role sees it: at most seven top-level entries, the account menu,
the KI team's second level on staff pages, and aria-current where the person is."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from backend.accounts.services import user_set_totp
from directory.models import MunicipalAccess
from notifications.services import notify
from tests.conftest import TOTP_SECRET
from tests.factories import MembershipFactory, TownFactory, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@dataclass
class Link:
    text: str
    href: str
    current: str | None


@dataclass
class Header:
    top: list[str] = field(default_factory=list)  # labels of the top-level entries
    links: list[Link] = field(default_factory=list)  # every link of the main navigation
    account: list[str] = field(default_factory=list)  # labels in the account menu
    summary: str = ""  # the account menu's toggle
    summary_current: str | None = None
    staff: list[Link] = field(default_factory=list)  # the KI team's second level
    navs: list[str] = field(default_factory=list)  # aria-labels of the <nav> elements


class HeaderParser(HTMLParser):
    """Reads the header's navigation as a screen reader would list it."""

    def __init__(self):
        super().__init__()
        self.header = Header()
        self.stack: list[tuple[str, dict]] = []
        self.text: list[str] | None = None
        self.link: dict | None = None
        self.in_summary = False
        self.top_depth: int | None = None

    def _inside(self, cls: str) -> bool:
        return any(cls in (attrs.get("class") or "").split() for _tag, attrs in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self.header.navs.append(attrs.get("aria-label", ""))
        if (
            tag == "li"
            and self.stack
            and "site-nav__list" in (self.stack[-1][1].get("class") or "")
        ):
            self.text = []
            self.top_depth = len(self.stack)
        if tag == "summary":
            self.in_summary = True
            self.header.summary_current = attrs.get("aria-current")
            self.summary_text: list[str] = []
        if tag == "a":
            self.link = {**attrs, "text": []}
        if tag not in ("input", "br", "meta", "link", "img"):
            self.stack.append((tag, attrs))

    def handle_data(self, data):
        if self.text is not None and not self._inside("site-account__panel"):
            self.text.append(data)
        if self.link is not None:
            self.link["text"].append(data)
        if self.in_summary:
            self.summary_text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self.link is not None:
            link = Link(
                " ".join("".join(self.link["text"]).split()),
                self.link.get("href", ""),
                self.link.get("aria-current"),
            )
            if self._inside("site-subnav"):
                self.header.staff.append(link)
            elif self._inside("site-account__panel"):
                self.header.account.append(link.text)
            elif self._inside("site-nav"):
                self.header.links.append(link)
            self.link = None
        if tag == "summary":
            self.in_summary = False
            self.header.summary = " ".join("".join(self.summary_text).split())
        while self.stack:
            open_tag, _attrs = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "li" and self.top_depth is not None and len(self.stack) == self.top_depth:
            label = " ".join("".join(self.text or []).split())
            self.header.top.append(label)
            self.text = None
            self.top_depth = None


def header_of(client, url: str = "/") -> Header:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = HeaderParser()
    parser.feed(response.content.decode())
    return parser.header


def _staff(**traits):
    user = UserFactory(**traits)
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user


def _municipal():
    user = UserFactory(role="municipal")
    MunicipalAccess.objects.create(user=user, town=TownFactory())
    return user


def _coordinator_and_volunteer():
    user = VolunteerFactory()
    MembershipFactory(user=user)
    return user


ACCOUNTS = {
    "member without a role yet": lambda: UserFactory(),
    "volunteer": lambda: VolunteerFactory(),
    "coordinator": lambda: MembershipFactory().user,
    "coordinator who also volunteers": _coordinator_and_volunteer,
    "KI staff": lambda: _staff(ki_staff=True),
    "KI lead": lambda: _staff(ki_lead=True),
    "admin": lambda: _staff(admin=True),
    "town administration": _municipal,
}
KONTO = "Konto"
EXPECTED_TOP = {
    "member without a role yet": [
        "Hilfegesuche",
        "Schulungen",
        "Verzeichnis",
        "Organisation registrieren",
        "Ehrenamtlich helfen",
        KONTO,
    ],
    "volunteer": [
        "Hilfegesuche",
        "Schulungen",
        "Verzeichnis",
        "Mein Ehrenamt",
        "Organisation registrieren",
        KONTO,
    ],
    "coordinator": [
        "Hilfegesuche",
        "Schulungen",
        "Verzeichnis",
        "Meine Organisationen",
        "Förderanträge",
        "Ehrenamtlich helfen",
        KONTO,
    ],
    "coordinator who also volunteers": [
        "Hilfegesuche",
        "Schulungen",
        "Verzeichnis",
        "Mein Ehrenamt",
        "Meine Organisationen",
        "Förderanträge",
        KONTO,
    ],
    "KI staff": ["Hilfegesuche", "Schulungen", "Verzeichnis", "KI-Team", KONTO],
    "KI lead": ["Hilfegesuche", "Schulungen", "Verzeichnis", "KI-Team", KONTO],
    "admin": ["Hilfegesuche", "Schulungen", "Verzeichnis", "KI-Team", "Administration", KONTO],
    "town administration": [
        "Hilfegesuche",
        "Schulungen",
        "Verzeichnis",
        "Zahlen meiner Kommune",
        KONTO,
    ],
}


def test_anonymous_visitors_see_six_entries(client):
    header = header_of(client)
    assert header.top == [
        "Start",
        "Hilfegesuche",
        "Schulungen",
        "Verzeichnis",
        "Anmelden",
        "Registrieren",
    ]
    assert header.summary == "" and header.account == []


@pytest.mark.parametrize("role", ACCOUNTS)
def test_no_role_sees_more_than_seven_top_level_entries(client, role):
    client.force_login(ACCOUNTS[role]())
    header = header_of(client)
    assert header.top == EXPECTED_TOP[role]
    assert len(header.top) <= 7


@pytest.mark.parametrize("role", ACCOUNTS)
def test_the_account_menu_holds_account_notifications_data_two_factor_and_logout(client, role):
    client.force_login(ACCOUNTS[role]())
    response = client.get("/")
    header = header_of(client)
    expected = ["Mein Konto", "Benachrichtigungen", "Meine Daten", "Zwei-Faktor-Anmeldung"]
    if "volunteer" in role:
        expected.insert(2, "Mein Profil")
    assert header.account == expected
    html = response.content.decode()
    panel = html.split('class="site-account__panel"', 1)[1].split("</details>", 1)[0]
    assert f'href="{reverse("account_overview")}"' in panel
    assert f'<form action="{reverse("account_logout")}" method="post">' in panel
    assert "Abmelden</button>" in panel


def test_unread_notifications_are_counted_on_the_account_menu(client, volunteer):
    for key in ("a", "b"):
        notify(
            kind="volunteers.hours_confirmed",
            recipient=volunteer,
            dedupe_key=key,
            context={"hours": "3", "date": "02.11.2026", "request_title": "Sprachcafé"},
        )
    client.force_login(volunteer)
    header = header_of(client)
    assert header.summary == "Konto 2 ungelesen"
    assert "Benachrichtigungen 2 ungelesen" in header.account


def test_the_page_and_its_area_are_marked_current(client, volunteer):
    client.force_login(volunteer)
    header = header_of(client, reverse("volunteers:help_request_list"))
    current = {link.text: link.current for link in header.links if link.current}
    assert current == {"Hilfegesuche": "page"}
    header = header_of(client, reverse("volunteers:my_certificates"))
    assert {link.text: link.current for link in header.links if link.current} == {
        "Mein Ehrenamt": "true"
    }
    header = header_of(client, reverse("account_overview"))
    assert header.summary_current == "true"


def test_staff_pages_carry_the_second_level_with_every_staff_area(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    header = header_of(client, reverse("funding:staff_budget"))
    assert "Bereiche des KI-Teams" in header.navs
    assert [link.text for link in header.staff] == [
        "Aufgaben",
        "Organisationen",
        "Ehrenamtliche",
        "Schulungen",
        "Förderanträge",
        "Fördertöpfe",
        "Verzeichnis",
        "Übersicht nach Orten",
        "AG Integration",
        "Postausgang",
    ]
    assert {link.text: link.current for link in header.staff if link.current} == {
        "Fördertöpfe": "page"
    }
    assert {link.text: link.current for link in header.links if link.current} == {"KI-Team": "true"}
    # Each page marks its own area; the queue is one click away from all of them.
    header = header_of(client, reverse("funding:staff_queue"))
    assert {link.text: link.current for link in header.staff if link.current} == {
        "Förderanträge": "page"
    }
    header = header_of(client, reverse("work_queue"))
    assert {link.text: link.current for link in header.links if link.current} == {"KI-Team": "page"}
    assert {link.text: link.current for link in header.staff if link.current} == {
        "Aufgaben": "page"
    }


def test_pages_outside_the_staff_area_have_no_second_level(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    assert header_of(client, "/").staff == []
    assert "Bereiche des KI-Teams" not in header_of(client, "/").navs
