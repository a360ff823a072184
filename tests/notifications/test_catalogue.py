"""The catalogue is the one list of notification kinds: the code sends nothing it does not
list, every listed kind has its email in German and English, and every email reads as text."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import select_template
from django.utils import translation

from notifications import catalogue
from notifications.models import Notification
from notifications.rendering import render_notification
from tests.factories import UserFactory
from volunteers.models import Consent

ROOT = Path(settings.BASE_DIR)
APPS = ("backend", "volunteers", "funding", "notifications", "directory")
KIND_LITERAL = re.compile(r'"((?:account|system|volunteers|funding|directory)\.[a-z_]+)"')


def _kinds_in_code() -> set[str]:
    """Every string literal in the apps' code that looks like a kind and is passed as one:
    `kind="x.y"`, `KIND = "x.y"`, `NOTIFICATION_KIND = "x.y"`, `kind = "x.y"`."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line in path.read_text().splitlines():
                if re.search(r"\bkind\s*=|KIND\s*=", line, re.IGNORECASE):
                    found.update(KIND_LITERAL.findall(line))
    return found


def test_every_kind_the_code_sends_is_catalogued():
    in_code = _kinds_in_code()
    assert {"volunteers.digest", "funding.proof_reminder", "volunteers.invitation"} <= in_code
    assert in_code - set(catalogue.BY_CODE) == set()


def test_every_catalogued_kind_has_subject_text_and_html():
    for kind in catalogue.KINDS:
        base = "email/" + kind.code.replace(".", "/")
        for name in ("subject.txt", "body.txt", "body.html"):
            fallback = []
            if kind.code.startswith("account."):
                short = kind.code.split(".", 1)[1]
                fallback = {
                    "subject.txt": [f"account/email/{short}_subject.txt"],
                    "body.txt": [f"account/email/{short}_message.txt"],
                    "body.html": ["email/fallback.html"],
                }[name]
            select_template([f"{base}/{name}", *fallback])  # raises when missing


def test_consent_governed_kinds_name_a_real_consent_and_are_optional():
    governed = [kind for kind in catalogue.KINDS if kind.consent]
    assert {kind.code for kind in governed} == {"volunteers.digest", "volunteers.invitation"}
    for kind in governed:
        assert kind.consent in Consent.Kind.values
        assert kind.optional


def test_the_catalogue_lists_what_the_issue_names():
    codes = set(catalogue.BY_CODE)
    for code in (
        "volunteers.invitation",
        "volunteers.assignment_confirmed",
        "volunteers.hours_confirmed",
        "volunteers.digest",
        "volunteers.training_registered",
        "volunteers.training_waitlisted",
        "volunteers.training_offer",
        "volunteers.training_reminder",
        "volunteers.training_certificate",
        "funding.application_submitted",
        "funding.changes_requested",
        "funding.application_approved",
        "funding.application_rejected",
        "funding.payment_made",
        "funding.proof_reminder",
        "volunteers.organisation_verified",
        "volunteers.fuehrungszeugnis_expiring",
        "volunteers.request_expiring",
    ):
        assert code in codes, code


def test_account_emails_never_appear_in_the_in_app_list():
    """They carry password-reset and confirmation links; those belong to the mailbox only."""
    for kind in catalogue.KINDS:
        if kind.code.startswith("account."):
            assert not kind.in_app and not kind.optional


def test_in_app_text_uses_the_context_and_falls_back_to_the_label():
    translation.activate("de")
    text = catalogue.in_app_text(
        "volunteers.hours_confirmed",
        {"hours": "3", "date": "02.03.2026", "request_title": "Fahrdienst"},
    )
    assert text == "Ihre 3 Stunden vom 02.03.2026 bei „Fahrdienst“ sind bestätigt."
    assert catalogue.in_app_text("volunteers.hours_confirmed", {}) == "Stunden bestätigt"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "kind",
    [
        kind
        for kind in catalogue.KINDS
        # Account emails are allauth's text; the training reminder needs a real training for
        # its .ics and is rendered in tests/trainings_calendar/test_reminders.py.
        if not kind.code.startswith("account.") and kind.code != "volunteers.training_reminder"
    ],
    ids=lambda kind: kind.code,
)
def test_every_email_is_accessible_text_in_the_recipients_language(kind, language):
    """Multipart text + HTML, the HTML in the right language, real text (no image-only
    content), one action at most, the KI as sender, the unsubscribe link exactly when the
    kind is optional."""
    user = UserFactory(language=language)
    url = settings.SITE_URL + "/ziel/"
    context = {key: url for key in ("url", "application_url", "request_url", "accept_url")}
    context.update({"days": 7, "link_days": 7, "position": 2, "hours": "2"})
    context.update({kind.link: url} if kind.link else {})
    notification = Notification.objects.create(
        recipient=user,
        to_email=user.email,
        kind=kind.code,
        language=language,
        dedupe_key=f"render:{kind.code}:{language}",
        context=context,
    )
    message = render_notification(notification)
    html = message.alternatives[0][0]
    assert message.subject.strip()
    assert len(message.body.strip()) > 40
    assert f'<html lang="{language}"' in html
    assert "<img" not in html
    assert html.count("padding: 12px 24px") <= 1  # the one action button
    assert settings.KI_SHORT_NAME in message.from_email
    assert ("List-Unsubscribe" in message.extra_headers) is kind.optional


@pytest.mark.django_db
def test_an_arabic_or_ukrainian_email_is_marked_with_its_language_and_direction():
    """The templates are ready for further languages: only the catalogue is missing (the
    text falls back to German until it exists), the markup already follows the language."""
    for language, direction in (("ar", "rtl"), ("uk", "ltr")):
        user = UserFactory(language=language)
        notification = Notification.objects.create(
            recipient=user,
            to_email=user.email,
            kind="system.test",
            language=language,
            dedupe_key=f"lang:{language}",
        )
        html = render_notification(notification).alternatives[0][0]
        assert f'<html lang="{language}" dir="{direction}">' in html
