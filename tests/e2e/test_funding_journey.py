"""Journey of issue 7 (funding), in three browsers:

a coordinator starts an application from the call's button (that call, its building blocks)
with an annex, drafts and submits it; KI staff ask for a change; the coordinator changes it and
resubmits; staff propose approval of a lower amount and confirm it after seeing the pots; the KI
lead finds the proposal in the in-app list, and signs it after a confirmation step (four eyes:
the proposer is someone else); the coordinator downloads the approval letter.

axe-core checks every page; screenshots go to var/e2e/.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from backend.accounts.services import user_set_totp
from backend.models import StatusChange
from funding.models import Application, Programme
from tests.browser import Journey
from tests.conftest import TOTP_SECRET
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, UserFactory
from tests.funding.factories import ProgrammeYearFactory, next_year
from tests.pdf import tiny_pdf

from .test_coordinator_journey import log_in
from .test_training_journeys import log_in_staff

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "klara.koordination@example.org"
STAFF = "sabine.sachbearbeitung@example.org"
LEAD = "leonie.leitung@example.org"


def open_case(journey: Journey, application: Application, label: str) -> None:
    page = journey.page
    page.goto(reverse("funding:staff_queue"))
    journey.check("Förderanträge prüfen")
    page.get_by_role("link", name=application.reference, exact=True).click()
    page.wait_for_url(
        re.compile(reverse("funding:staff_application_detail", args=[application.pk]) + "$")
    )
    journey.check(label)


def test_an_application_from_draft_to_a_signed_approval_letter(
    journey, second_journey, visitor_journey, tmp_path, settings
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # A transactional test before this one may have flushed the migration's programme.
    Programme.objects.get_or_create(
        code="KA2", defaults={"name": "KOMM-AN NRW – Programmteil II", "short_name": "KOMM-AN II"}
    )
    year = ProgrammeYearFactory()
    TownFactory(name="Telgte", postal_codes=["48291"])
    coordinator = UserFactory(email=COORDINATOR, full_name="Klara Koordination")
    organisation = OrganisationFactory(name="Begegnungscafé Telgte")
    MembershipFactory(organisation=organisation, user=coordinator)
    for email, role in ((STAFF, {"ki_staff": True}), (LEAD, {"ki_lead": True})):
        user_set_totp(user=UserFactory(email=email, **role), secret=TOTP_SECRET)
    title = "Hausaufgabenhilfe im Begegnungscafé"
    start = dt.date(next_year(), 2, 1)

    # --- The coordinator drafts and submits -----------------------------------------------------
    page = journey.page
    log_in(journey, COORDINATOR)
    page.goto(reverse("funding:application_list"))
    journey.check("Förderanträge mit offenem Aufruf")
    # The call's own button: the call is chosen, only its building blocks are offered.
    page.get_by_role("link", name=f"Antrag für KOMM-AN II {year.year} stellen").click()
    page.wait_for_url(re.compile(reverse("funding:application_create") + r"\?year="))
    assert page.get_by_role("heading", name=re.compile(f"Förderjahr {year.year}")).is_visible()
    assert page.get_by_role("radio").count() == year.blocks.count()
    journey.check("Neuer Förderantrag für den Aufruf")
    page.get_by_role("radio", name=re.compile("^B: ")).check()
    page.get_by_label("Projekttitel").fill(title)
    page.get_by_label("Ort des Projekts").select_option(label="Telgte")
    annex = tmp_path / "Kostenvoranschlag.pdf"
    annex.write_bytes(tiny_pdf())
    page.get_by_label(re.compile("^Anlagen")).set_input_files(str(annex))
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_url(re.compile(r"/bearbeiten/$"))
    assert page.get_by_text("Die Anlage „Kostenvoranschlag.pdf“ ist gespeichert.").is_visible()
    journey.check("Entwurf bearbeiten")
    application = Application.objects.get(title=title)
    assert application.status == Application.Status.DRAFT
    assert (application.programme_year, application.block.code) == (year, "B")
    assert [a.filename for a in application.attachments.all()] == ["Kostenvoranschlag.pdf"]

    page.get_by_label("Projektbeschreibung").fill("Zweimal pro Woche Hausaufgabenhilfe.")
    page.get_by_label("Ziele").fill("Schulerfolg und Deutsch im Alltag.")
    page.get_by_label("Zielgruppe").fill("Schulkinder aus geflüchteten Familien")
    page.get_by_label("Geplanter Beginn").fill(start.isoformat())
    page.get_by_label("Geplantes Ende").fill(dt.date(next_year(), 11, 30).isoformat())
    row = page.get_by_role("group", name=re.compile("^Kostenposition 1"))
    row.get_by_label(re.compile("^Kategorie")).select_option(label="Honorare")
    row.get_by_label(re.compile("^Beschreibung")).fill("Aufwandsentschädigung Lernpaten")
    row.get_by_label(re.compile(r"^Betrag \(EUR\)")).fill("2.400,00")
    page.get_by_label("Eigenanteil (EUR)").fill("400")
    page.get_by_label("Beantragter Betrag (EUR)").fill("2.000,00")
    page.get_by_role("button", name="Speichern und einreichen").click()
    page.wait_for_url(re.compile(reverse("funding:application_detail", args=[application.pk])))
    journey.check("Antrag eingereicht")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.requested_amount == Decimal("2000.00")

    # --- KI staff ask for a change ------------------------------------------------------------
    staff_page = second_journey.page
    log_in_staff(second_journey, STAFF)
    open_case(second_journey, application, "Antrag in der Prüfung")
    staff_page.get_by_label("Was soll geändert werden?").fill(
        "Bitte nennen Sie das Alter der Kinder in der Zielgruppe."
    )
    staff_page.get_by_role("button", name="Zur Überarbeitung zurückgeben").first.click()
    staff_page.wait_for_load_state()
    second_journey.check("Änderungen erbeten")
    application.refresh_from_db()
    assert application.status == Application.Status.CHANGES_REQUESTED

    # --- The coordinator sees the request, changes and resubmits ---------------------------------
    page.goto(reverse("funding:application_detail", args=[application.pk]))
    assert page.get_by_text("Bitte nennen Sie das Alter der Kinder").first.is_visible()
    journey.check("Rückfrage des KI")
    page.goto(reverse("funding:application_edit", args=[application.pk]))
    page.get_by_label("Zielgruppe").fill(
        "Schulkinder von 6 bis 14 Jahren aus geflüchteten Familien"
    )
    page.get_by_role("button", name="Speichern und einreichen").click()
    page.wait_for_url(re.compile(reverse("funding:application_detail", args=[application.pk])))
    journey.check("Erneut eingereicht")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert "6 bis 14" in application.target_group

    # --- Staff propose approval of a lower amount, confirming amount and pots -----------------
    open_case(second_journey, application, "Erneut in der Prüfung")
    approval = staff_page.get_by_label("Bewilligung", exact=True)
    assert not approval.is_checked()  # nothing preselected
    approval.check()
    staff_page.get_by_label("Bewilligungsbetrag (EUR)").fill("1.800,00")
    staff_page.get_by_label("Auflagen").fill("Teilnahmelisten dem Verwendungsnachweis beifügen.")
    staff_page.get_by_role("button", name="Weiter zur Bestätigung").click()
    staff_page.wait_for_load_state()
    pots = staff_page.get_by_role("table", name=re.compile("Noch frei vor und nach"))
    block_row = pots.get_by_role("row", name=re.compile("^Baustein B"))
    assert "23.200,00 €" in block_row.inner_text()  # 25,000 € free, 1,800 € bound
    second_journey.check("Vorschlag bestätigen")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED  # not saved yet
    staff_page.get_by_role("button", name="Vorschlag abschicken").click()
    staff_page.wait_for_load_state()
    second_journey.check("Bewilligung vorgeschlagen")
    application.refresh_from_db()
    assert application.status == Application.Status.PROPOSED
    # The proposer is not offered the signature.
    assert staff_page.get_by_role("button", name="Weiter", exact=True).count() == 0

    # --- The KI lead is told, and signs after seeing the pots --------------------------------
    lead_page = visitor_journey.page
    log_in_staff(visitor_journey, LEAD)
    lead_page.goto(reverse("notifications:inbox"))
    told = lead_page.get_by_role("link", name=re.compile(f"Antrag {application.reference}"))
    assert "Entscheidung zum Zeichnen vorgeschlagen" in told.inner_text()
    visitor_journey.check("Benachrichtigung der Leitung")
    told.click()
    lead_page.wait_for_url(
        re.compile(reverse("funding:staff_application_detail", args=[application.pk]) + "$")
    )
    visitor_journey.check("Vorschlag zur Zeichnung")
    lead_page.get_by_label("Zeichnen: Bewilligung über 1.800,00 €").check()
    lead_page.get_by_role("button", name="Weiter", exact=True).click()
    lead_page.wait_for_load_state()
    assert lead_page.get_by_role("heading", name=re.compile("bitte bestätigen")).is_visible()
    visitor_journey.check("Zeichnen bestätigen")
    application.refresh_from_db()
    assert application.status == Application.Status.PROPOSED
    lead_page.get_by_role("button", name="Verbindlich zeichnen").click()
    lead_page.wait_for_load_state()
    visitor_journey.check("Bewilligung gezeichnet")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.approved_amount == Decimal("1800.00")
    year.refresh_from_db()
    assert year.committed == Decimal("1800.00")
    steps = list(
        StatusChange.objects.filter(object_id=application.pk)
        .order_by("at", "id")
        .values_list("to_status", flat=True)
    )
    assert steps == ["submitted", "changes_requested", "submitted", "proposed", "approved"]

    # --- The coordinator downloads the letter ---------------------------------------------------
    page.goto(reverse("funding:application_detail", args=[application.pk]))
    journey.check("Antrag bewilligt")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Weiterleitungsvertrag herunterladen")).click()
    download = download_info.value
    assert download.suggested_filename == f"Bewilligung-{application.reference}.pdf"
    with open(download.path(), "rb") as letter:
        assert letter.read(5) == b"%PDF-"
