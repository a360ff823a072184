"""Every funding e-mail renders in German and English, as text and HTML, with its subject and
the link to the case; user text is escaped in HTML and not mangled in text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from funding.services import payments as payment_services
from funding.services import proof as proof_services
from funding.services import review
from notifications.models import Notification
from notifications.rendering import render_notification
from tests.factories import UserFactory
from tests.funding.factories import approved, coordinator_of, staff_user, submitted

pytestmark = pytest.mark.django_db

LINK = f"{settings.SITE_URL}/foerderung/antrag/42/"
BASE = {
    "reference": "KA2-2027-0007",
    "title": "Sprachcafé & Co <am Markt>",
    "organisation": "Flüchtlingshilfe Ahlen",
    "application_url": LINK,
}
KINDS = {
    "funding.application_submitted": ({}, ["KA2-2027-0007", "eingegangen"]),
    "funding.changes_requested": (
        {"message": "Bitte die Zielgruppe genauer beschreiben."},
        ["Bitte die Zielgruppe genauer beschreiben."],
    ),
    "funding.application_approved": (
        {"amount": "1.250,00 €", "proof_due_on": "31.01.2028"},
        ["1.250,00 €", "31.01.2028", "Bescheid"],
    ),
    "funding.application_rejected": ({"amount": "", "proof_due_on": ""}, ["Bescheid"]),
    "funding.payment_made": ({"amount": "400,50 €"}, ["400,50 €"]),
    "funding.proof_returned": ({"message": "Belege für März fehlen."}, ["Belege für März fehlen."]),
    "funding.application_closed": ({"repayment": "50,00 €"}, ["50,00 €"]),
    "funding.proof_reminder": (
        {"proof_due_on": "31.01.2028", "overdue": False},
        ["31.01.2028", "fällig"],
    ),
}
SUBJECT_WORDS = {
    "funding.application_submitted": "eingegangen",
    "funding.changes_requested": "ändern",
    "funding.application_approved": "bewilligt",
    "funding.application_rejected": "Entscheidung",
    "funding.payment_made": "400,50 €",
    "funding.proof_returned": "Verwendungsnachweis",
    "funding.application_closed": "abgeschlossen",
    "funding.proof_reminder": "fällig am 31.01.2028",
}


def notification(kind: str, extra: dict, language: str = "de") -> Notification:
    recipient = UserFactory(full_name="Klara Koordination", language=language)
    return Notification.objects.create(
        recipient=recipient,
        to_email=recipient.email,
        kind=kind,
        language=language,
        context={**BASE, **extra},
        dedupe_key=f"test:{kind}:{language}",
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_in_german_with_subject_link_and_its_facts(kind):
    extra, facts = KINDS[kind]

    message = render_notification(notification(kind, extra))

    html = message.alternatives[0][0]
    assert "KA2-2027-0007" in message.subject
    assert SUBJECT_WORDS[kind] in message.subject
    assert "&amp;" not in message.subject and "&lt;" not in message.subject
    assert "Guten Tag Klara Koordination," in message.body
    assert LINK in message.body and f'href="{LINK}"' in html
    for fact in facts:
        assert fact in message.body, fact
        assert fact in html, fact
    # User text: as typed in the text part, escaped in the HTML part.
    assert "Sprachcafé & Co <am Markt>" in message.body
    assert "Sprachcafé &amp; Co &lt;am Markt&gt;" in html
    assert "<am Markt>" not in html


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_in_english(kind):
    extra, _facts = KINDS[kind]

    message = render_notification(notification(kind, extra, language="en"))

    assert message.subject.strip()
    assert "KA2-2027-0007" in message.subject
    assert LINK in message.body
    assert '<html lang="en"' in message.alternatives[0][0]


def test_the_reminder_says_when_the_proof_is_overdue():
    message = render_notification(
        notification("funding.proof_reminder", {"proof_due_on": "31.01.2028", "overdue": True})
    )
    assert "überfällig" in message.subject
    assert "war am 31.01.2028 fällig" in message.body


def test_closing_without_repayment_says_nothing_is_claimed():
    message = render_notification(notification("funding.application_closed", {"repayment": ""}))
    assert "Es wird nichts zurückgefordert." in message.body
    assert "fordert  zurück" not in message.body


def test_approval_without_a_due_date_leaves_the_sentence_out():
    message = render_notification(
        notification("funding.application_approved", {"amount": "900,00 €", "proof_due_on": ""})
    )
    assert "bis zum  ein" not in message.body
    assert "Verwendungsnachweis reichen Sie bitte" not in message.body


def test_the_emails_the_services_queue_render_with_the_link_to_the_case(draft):
    """The contexts the services write fit the templates: every funding e-mail of a whole
    case renders and links to the case page."""
    coordinator = coordinator_of(draft)
    staff = staff_user()
    submitted(draft)
    review.application_request_changes(application=draft, message="Bitte ergänzen.", actor=staff)
    submitted(draft)
    approved(draft, staff=staff)
    proof_services.proof_reminders_send(today=draft.proof_due_on - dt.timedelta(days=3))
    payment = payment_services.payment_request(
        application=draft, amount=Decimal("300"), actor=coordinator
    )
    payment_services.payment_mark_paid(payment=payment, actor=staff)
    actuals = {line.pk: Decimal("900") for line in draft.cost_lines.all()}
    proof_services.proof_submit(
        application=draft,
        report="Bericht",
        actual_amounts=actuals,
        actor=coordinator,
        today=draft.ends_on,
    )
    proof_services.proof_return(application=draft, message="Belege fehlen.", actor=staff)
    proof_services.proof_submit(
        application=draft,
        report="Bericht",
        actual_amounts=actuals,
        actor=coordinator,
        today=draft.ends_on,
    )
    proof_services.application_close(application=draft, actor=staff, repayment=Decimal("50"))

    notifications = list(Notification.objects.filter(kind__startswith="funding."))
    assert {n.kind for n in notifications} == set(KINDS) - {"funding.application_rejected"}
    link = reverse("funding:application_detail", args=[draft.pk])
    for notification in notifications:
        message = render_notification(notification)
        assert draft.reference in message.subject, notification.kind
        assert link in message.body and link in message.alternatives[0][0], notification.kind
