"""The staff's funding pages in a real browser: axe-core (WCAG 2.1 A/AA) on every page and
state — the queue, a case in each phase, form errors, the budget with its chart, the
programme pages — and no request leaves the server. Screenshots go to var/e2e/."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from funding.models import Pauschale
from funding.services import payments, proof, review
from tests.funding.factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    coordinator_of,
    lead_user,
    proposed,
    staff_user,
    submitted,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_letters")]


def log_in(journey, live_server, user) -> None:
    """The session of a logged-in user (with two-factor) in the browser's cookie jar."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    journey.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_staff_pages_pass_axe(journey, live_server):
    staff = staff_user(full_name="Sara Sachbearbeitung")
    year = ProgrammeYearFactory()
    Pauschale.objects.create(
        programme_year=year, title="Raumpauschale", amount=Decimal("1000"), max_units=2
    )
    waiting = submitted(ApplicationFactory(programme_year=year, title="Sprachcafé <Ahlen>"))
    review.note_add(application=waiting, text="Rückfrage zum Raum", actor=staff)
    for _ in range(3):
        submitted(ApplicationFactory(programme_year=year))
    to_sign = proposed(submitted(ApplicationFactory(programme_year=year)), staff=staff)
    paying = approved(ApplicationFactory(programme_year=year))
    payments.payment_request(
        application=paying, amount=Decimal("400"), actor=coordinator_of(paying)
    )
    checking = approved(ApplicationFactory(programme_year=year))
    proof.proof_submit(
        application=checking,
        report="Zehn Treffen.",
        actual_amounts={line.pk: line.amount for line in checking.cost_lines.all()},
        actor=coordinator_of(checking),
        today=checking.ends_on,
    )
    log_in(journey, live_server, staff)
    page = journey.page

    page.goto(reverse("funding:staff_queue"))
    journey.check("Antragsliste")
    page.goto(reverse("funding:staff_application_detail", args=[waiting.pk]))
    journey.check("Antrag eingereicht")
    page.get_by_label("Bewilligung", exact=True).check()
    page.get_by_label("Bewilligungsbetrag (EUR)").fill("5000")
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    page.wait_for_load_state()
    assert "Es kann höchstens der beantragte Betrag" in page.content()
    journey.check("Vorschlag mit Fehler")
    page.goto(reverse("funding:staff_application_detail", args=[to_sign.pk]))
    journey.check("Vorschlag, eigener")
    page.goto(reverse("funding:staff_application_detail", args=[paying.pk]))
    journey.check("Mittelabruf")
    page.goto(reverse("funding:staff_application_detail", args=[checking.pk]))
    journey.check("Verwendungsnachweis")
    page.goto(f"{reverse('funding:staff_budget')}?year={year.pk}")
    assert page.locator("svg#budget-chart[role=img]").count() == 1
    journey.check("Fördertöpfe")
    page.goto(reverse("funding:staff_programmes"))
    journey.check("Förderprogramme")
    page.goto(reverse("funding:staff_programme_create"))
    journey.check("Neues Förderprogramm")
    page.goto(reverse("funding:staff_year_create"))
    journey.check("Neues Förderjahr")
    page.goto(reverse("funding:staff_year_edit", args=[year.pk]))
    journey.check("Förderjahr bearbeiten")
    page.locator("#id_year-pot").fill("10")
    page.get_by_role("button", name="Änderungen speichern").click()
    page.wait_for_load_state()
    assert "Es wurde nichts gespeichert" in page.content()
    journey.check("Förderjahr mit Fehler")


def test_a_lead_signs_in_the_browser(journey, live_server):
    application = proposed(submitted(ApplicationFactory()))
    log_in(journey, live_server, lead_user(full_name="Lena Leitung"))
    page = journey.page

    page.goto(reverse("funding:staff_application_detail", args=[application.pk]))
    journey.check("Zeichnen")
    page.get_by_label(re.compile("^Zeichnen: ")).check()
    page.get_by_role("button", name="Weiter", exact=True).click()
    page.wait_for_load_state()
    journey.check("Zeichnen bestätigen")
    page.get_by_role("button", name="Verbindlich zeichnen").click()
    page.wait_for_url(re.compile(r"#entscheidung$"))
    assert page.get_by_role("link", name=re.compile("herunterladen")).count() == 1
    journey.check("Gezeichnet")
