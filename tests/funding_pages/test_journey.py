"""In the browser: a coordinator starts a draft from an open call, fills in the cost plan
(without JavaScript help), submits a plan that does not add up, fixes it, submits, uploads an
annex and downloads it; on an approved case downloads the letter, requests money and submits
the proof of use. axe-core checks every page (WCAG 2.1 AA); screenshots go to var/e2e/.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Application, Attachment, Pauschale, Programme
from funding.services.payments import payment_request
from tests.browser import Journey
from tests.factories import TEST_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory, approved, next_year

from .conftest import PDF

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "klara.antrag@example.org"


def log_in(journey: Journey, email: str) -> None:
    page = journey.page
    page.goto(reverse("account_login"))
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    page.wait_for_url(re.compile(r"/$"))


def expect_message(page, text: str) -> None:
    assert page.locator(".site-messages").get_by_text(text).is_visible(), page.content()


def test_a_coordinator_applies_for_money_in_the_browser(journey, tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # A transactional test before this one may have flushed the seeded programme.
    Programme.objects.get_or_create(
        code="KA2", defaults={"name": "KOMM-AN NRW – Programmteil II", "short_name": "KOMM-AN II"}
    )
    year = ProgrammeYearFactory(cap_per_application=Decimal("5000"))
    Pauschale.objects.create(
        programme_year=year, title="Raumausstattung", unit="Raum", amount=Decimal("1000")
    )
    coordinator = UserFactory(email=COORDINATOR, full_name="Klara Koordination")
    organisation = OrganisationFactory(name="Flüchtlingshilfe Ahlen e. V.")
    MembershipFactory(organisation=organisation, user=coordinator)
    page = journey.page

    log_in(journey, COORDINATOR)
    page.goto(reverse("funding:application_list"))
    journey.check("Förderanträge")
    page.get_by_role("link", name=f"Antrag für KOMM-AN II {year.year} stellen").click()
    page.wait_for_url(re.compile(r"/foerderung/neu/"))
    journey.check("Neuer Antrag")

    # The call's button chose the call: its blocks only, as radio buttons.
    assert page.get_by_role("radio").count() == year.blocks.count()
    page.get_by_role("radio", name="B: Baustein B").check()
    page.get_by_label("Projekttitel").fill("Begegnungscafé am Marktplatz")
    page.get_by_label("Ort des Projekts").select_option(label=organisation.town.name)
    plan = tmp_path / "Raumplan.pdf"
    plan.write_bytes(PDF)
    page.get_by_label(re.compile("^Anlagen")).set_input_files(str(plan))
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_url(re.compile(r"/bearbeiten/$"))
    application = Application.objects.get()
    expect_message(page, f"Der Entwurf {application.reference} ist angelegt")
    expect_message(page, "Die Anlage „Raumplan.pdf“ ist gespeichert.")
    assert application.programme_year == year and application.block.code == "B"
    assert [a.filename for a in application.attachments.all()] == ["Raumplan.pdf"]
    journey.check("Antrag bearbeiten")

    page.get_by_label("Projektbeschreibung").fill("Wöchentliches Café mit Ehrenamtlichen.")
    page.get_by_label("Ziele").fill("Kontakte zwischen Alt- und Neubürgern.")
    page.get_by_label("Zielgruppe").fill("Geflüchtete und Nachbarschaft")
    page.get_by_label("Geplanter Beginn").fill(dt.date(next_year(), 3, 1).isoformat())
    page.get_by_label("Geplantes Ende").fill(dt.date(next_year(), 10, 31).isoformat())
    first = page.get_by_role("group", name=re.compile(r"^Kostenposition 1\b"))
    first.get_by_label("Kategorie").select_option(label="Verpflegung")
    first.get_by_label("Beschreibung").fill("Kaffee und Kuchen")
    first.get_by_label("Betrag (EUR)").fill("1.200,00")
    page.get_by_label("Beantragter Betrag (EUR)").fill("1.000")
    page.get_by_role("button", name="Speichern und einreichen").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert summary.get_by_text("Der Antrag ist noch nicht eingereicht.").is_visible()
    assert summary.get_by_text(re.compile("Der Kostenplan geht nicht auf")).is_visible()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    journey.check("Einreichen abgelehnt")

    page.get_by_label("Eigenanteil (EUR)").fill("200")
    page.get_by_role("button", name="Speichern und einreichen").click()
    page.wait_for_url(re.compile(r"/foerderung/antrag/\d+/$"))
    expect_message(page, f"Der Antrag {application.reference} ist eingereicht")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    journey.check("Eingereicht")

    # Annexes are frozen after submitting: back to a case with an editable draft for uploads.
    Application.objects.filter(pk=application.pk).update(status=Application.Status.DRAFT)
    page.reload()
    pdf = tmp_path / "Kostenvoranschlag.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Anlage", exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name="Hochladen").click()
    page.wait_for_load_state()
    expect_message(page, "„Kostenvoranschlag.pdf“ ist hochgeladen.")
    journey.check("Anlage hochgeladen")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Kostenvoranschlag.pdf")).click()
    assert download.value.suggested_filename == "Kostenvoranschlag.pdf"
    assert Attachment.objects.count() == 2

    page.get_by_role("link", name="Antrag zurückziehen").click()
    page.wait_for_url(re.compile(r"/zurueckziehen/$"))
    journey.check("Zurückziehen bestätigen")


def test_an_approved_case_with_payments_and_proof_of_use_in_the_browser(
    journey, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    Programme.objects.get_or_create(
        code="KA2", defaults={"name": "KOMM-AN NRW – Programmteil II", "short_name": "KOMM-AN II"}
    )
    coordinator = UserFactory(email=COORDINATOR, full_name="Klara Koordination")
    organisation = OrganisationFactory(name="Flüchtlingshilfe Ahlen e. V.")
    MembershipFactory(organisation=organisation, user=coordinator)
    application = approved(
        ApplicationFactory(organisation=organisation, programme_year=ProgrammeYearFactory())
    )
    payment_request(application=application, amount=Decimal("300"), actor=coordinator)
    today = timezone.localdate()
    Application.objects.filter(pk=application.pk).update(
        starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(days=1)
    )
    page = journey.page

    log_in(journey, COORDINATOR)
    page.goto(reverse("funding:application_detail", args=[application.pk]))
    journey.check("Bewilligter Antrag")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("herunterladen \\(PDF\\)")).click()
    assert download.value.suggested_filename == f"Bewilligung-{application.reference}.pdf"

    page.get_by_label("Betrag (EUR)", exact=True).fill("10.000")
    page.get_by_role("button", name="Mittel abrufen").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        "Es können höchstens noch 600,00 € abgerufen werden."
    ).first.is_visible()
    journey.check("Mittelabruf zu hoch")

    page.get_by_label("Betrag (EUR)", exact=True).fill("600")
    page.get_by_role("button", name="Mittel abrufen").click()
    page.wait_for_load_state()
    expect_message(page, "Der Mittelabruf über 600,00 € ist beim KI eingegangen.")

    page.get_by_label("Sachbericht").fill("Zwölf Treffen mit je 15 Personen.")
    page.get_by_label(re.compile("^Tatsächlich ausgegeben")).fill("950,00")
    page.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    page.wait_for_load_state()
    expect_message(page, "Der Verwendungsnachweis ist eingereicht.")
    application.refresh_from_db()
    assert application.status == Application.Status.PROOF_SUBMITTED
    journey.check("Verwendungsnachweis eingereicht")
