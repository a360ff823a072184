"""Journeys of issue 6 (trainings):

(a) a volunteer registers for a full training and is waitlisted; the seat holder cancels on the
    page; the volunteer confirms the offered seat from the email link and is registered.
(b) KI staff mark attendance and issue the certificates; the attendee downloads theirs; an
    anonymous visitor verifies the code (and a made-up code is not found).

axe-core checks every page; screenshots go to var/e2e/.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from backend.accounts.services import user_set_totp
from notifications.models import Notification
from notifications.services import deliver
from tests.browser import Journey
from tests.conftest import TOTP_SECRET, totp_code
from tests.factories import TEST_PASSWORD, UserFactory, VolunteerFactory
from tests.trainings.factories import TrainingFactory
from volunteers.models import (
    Attendance,
    CertificateJob,
    Registration,
    Training,
    TrainingCertificate,
)
from volunteers.services.training_certificates import certificate_job_run
from volunteers.services.trainings import registration_create

from .test_coordinator_journey import expect_message, log_in, path_of

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = "ki-team@example.org"


def log_in_staff(journey: Journey, email: str) -> None:
    """Password, then the code of the authenticator app (KI staff have TOTP)."""
    page = journey.page
    page.goto(reverse("account_login"))
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Anmelden")).click()
    page.wait_for_url(re.compile(r"/2fa/authenticate/"))
    journey.check("Zwei-Faktor-Anmeldung")
    page.locator("input[name=code]").fill(totp_code())
    page.get_by_role("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/$"))


def test_waitlisted_volunteer_confirms_a_freed_seat_from_the_email(journey, second_journey):
    holder = VolunteerFactory(email="hanna.platz@example.org", full_name="Hanna Platz")
    waiting = VolunteerFactory(email="yusuf.demir@example.org", full_name="Yusuf Demir")
    training = TrainingFactory(title="Sprachmittlung Grundkurs", capacity=1)
    registration_create(training=training, volunteer=holder)
    detail = reverse("volunteers:training_detail", args=[training.pk])

    # --- The volunteer finds the training full and joins the waiting list ---------------------
    other = second_journey.page
    log_in(second_journey, waiting.email)
    other.goto(reverse("volunteers:training_list"))
    second_journey.check("Schulungen")
    other.get_by_role("link", name="Sprachmittlung Grundkurs").click()
    other.wait_for_url(re.compile(rf"{detail}$"))
    assert other.get_by_text("ausgebucht").first.is_visible()
    second_journey.check("Schulung ausgebucht")
    other.get_by_role("button", name="Auf die Warteliste").click()
    other.wait_for_load_state()
    expect_message(other, "Warteliste an Platz 1")
    assert other.get_by_text("Sie stehen auf der Warteliste an Platz 1.").is_visible()
    second_journey.check("Auf der Warteliste")
    mine = Registration.objects.get(training=training, volunteer=waiting)
    assert mine.status == Registration.Status.WAITLISTED

    # --- The seat holder cancels on the page ------------------------------------------------
    page = journey.page
    log_in(journey, holder.email)
    page.goto(detail)
    assert page.get_by_text("Sie sind angemeldet.").is_visible()
    journey.check("Angemeldet (Platzinhaberin)")
    page.get_by_role("button", name="Von der Schulung abmelden").click()
    page.wait_for_load_state()
    expect_message(page, "Sie sind abgemeldet.")
    journey.check("Abgemeldet")
    mine.refresh_from_db()
    assert mine.status == Registration.Status.OFFERED

    # --- The offer email; the volunteer opens the link and takes the seat -----------------------
    notification = Notification.objects.get(kind="volunteers.training_offer", recipient=waiting)
    assert deliver(notification_id=notification.pk) == "sent"
    [message] = [m for m in mail.outbox if m.to == [waiting.email]]
    confirm = re.search(r"Platz annehmen: (https?://\S+/schulungen/angebot/\S+/)", message.body)
    assert confirm, message.body
    other.goto(path_of(confirm.group(1)))
    assert other.get_by_role("heading", name="Ein Platz für Sie").is_visible()
    second_journey.check("Platzangebot per Link")
    other.get_by_role("button", name="Platz annehmen").click()
    other.wait_for_load_state()
    assert other.get_by_text("Sie sind angemeldet. Bis bald!").is_visible()
    second_journey.check("Platz angenommen")
    mine.refresh_from_db()
    assert mine.status == Registration.Status.CONFIRMED
    training.refresh_from_db()
    assert training.seats_taken == 1

    other.goto(detail)
    assert other.get_by_text("Sie sind angemeldet.").is_visible()
    assert other.get_by_text("Sie stehen auf der Warteliste").count() == 0
    second_journey.check("Angemeldet nach Nachrücken")


def test_staff_mark_attendance_issue_certificates_and_a_visitor_verifies(
    journey, second_journey, visitor_journey
):
    staff = UserFactory(ki_staff=True, email=STAFF, full_name="Kim Team")
    user_set_totp(user=staff, secret=TOTP_SECRET)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(10, 0)))
    training = TrainingFactory(
        title="Kinderschutz im Ehrenamt",
        capacity=10,
        hours_credited=Decimal(4),
        registration_opens_at=start - dt.timedelta(days=30),
        registration_closes_at=start - dt.timedelta(days=2),
        cancellation_deadline=start - dt.timedelta(days=2),
        sessions=[(start, start + dt.timedelta(hours=4))],
    )
    amira = VolunteerFactory(email="amira.haddad@example.org", full_name="Amira Haddad")
    omar = VolunteerFactory(email="omar.said@example.org", full_name="Omar Said")
    for person in (amira, omar):
        Registration.objects.create(
            training=training, volunteer=person, status=Registration.Status.CONFIRMED
        )
    Training.objects.filter(pk=training.pk).update(seats_taken=2)
    session = training.sessions.get()

    # --- Staff mark attendance on the session's list ------------------------------------------
    page = journey.page
    log_in_staff(journey, STAFF)
    page.goto(reverse("volunteers:staff_attendance", args=[session.pk]))
    journey.check("Anwesenheitsliste")
    # A name is not "optional": the groups are named by the person alone.
    assert page.get_by_role("group", name="Amira Haddad", exact=True).count() == 1
    assert "optional" not in page.locator("form.attendance").inner_text()
    page.get_by_role("group", name="Amira Haddad").get_by_label("anwesend").check()
    page.get_by_role("group", name="Omar Said").get_by_label("nicht da").check()
    page.get_by_role("button", name="Anwesenheit speichern").click()
    page.wait_for_load_state()
    expect_message(page, "Die Anwesenheit von 2 Personen ist gespeichert.")
    assert page.get_by_role("group", name="Amira Haddad").get_by_label("anwesend").is_checked()
    assert page.get_by_role("group", name="Omar Said").get_by_label("nicht da").is_checked()
    journey.check("Anwesenheit gespeichert")
    marks = {a.registration.volunteer_id: a.present for a in Attendance.objects.all()}
    assert marks == {amira.pk: True, omar.pk: False}

    # --- ... and issue the certificates (the job runs here instead of in a worker) ------------
    page.goto(reverse("volunteers:staff_training_certificates", args=[training.pk]))
    journey.check("Bescheinigungen (keine)")
    page.get_by_role("button", name="1 Bescheinigung ausstellen und verschicken").click()
    page.wait_for_load_state()
    expect_message(page, "Die Bescheinigungen werden jetzt erstellt und verschickt.")
    journey.check("Bescheinigungslauf gestartet")
    job = CertificateJob.objects.get(training=training)
    assert certificate_job_run(job_id=job.pk) is True
    page.reload()
    progress = page.locator(".job-progress")
    assert progress.get_by_text("In diesem Lauf 1 von 1 Bescheinigungen erstellt.").is_visible()
    assert "noch keine Bescheinigungen" not in page.locator("main").inner_text()
    certificates = page.get_by_role("table")
    assert certificates.get_by_role("rowheader", name="Amira Haddad").is_visible()
    assert certificates.get_by_text("Omar Said").count() == 0, "no certificate for a no-show"
    assert certificates.get_by_text("gültig").is_visible()
    journey.check("Bescheinigungen ausgestellt")
    certificate = TrainingCertificate.objects.get()
    assert certificate.registration.volunteer == amira
    assert Notification.objects.filter(
        kind="volunteers.training_certificate", recipient=amira
    ).exists()

    # --- The attendee downloads the PDF -----------------------------------------------------
    other = second_journey.page
    log_in(second_journey, amira.email)
    other.goto(reverse("volunteers:my_certificates"))
    assert other.get_by_text("Kinderschutz im Ehrenamt", exact=True).is_visible()
    second_journey.check("Meine Teilnahmebescheinigungen")
    with other.expect_download() as download:
        other.get_by_role("link", name=re.compile("Bescheinigung herunterladen")).click()
    assert download.value.suggested_filename == f"Teilnahmebescheinigung-{certificate.code}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    # --- An anonymous visitor checks the code, then a made-up one ------------------------------
    visitor = visitor_journey.page
    visitor.goto(reverse("volunteers:certificate_verify_form"))
    visitor_journey.check("Bescheinigung prüfen")
    visitor.get_by_label("Prüfcode").fill(certificate.code.replace("-", " ").lower())
    visitor.get_by_role("button", name="Prüfen").click()
    visitor.wait_for_url(re.compile(rf"/bescheinigung/pruefen/{certificate.code}/$"))
    assert visitor.get_by_role("status").get_by_text("gültig", exact=True).is_visible()
    assert visitor.get_by_text("Amira Haddad", exact=True).is_visible()
    assert visitor.get_by_text("Kinderschutz im Ehrenamt", exact=True).is_visible()
    assert visitor.get_by_text("4 Stunden").is_visible()
    visitor_journey.check("Bescheinigung gültig")

    visitor.goto(reverse("volunteers:certificate_verify_form"))
    made_up = "ABCD-EFGH-JKMN" if certificate.code != "ABCD-EFGH-JKMN" else "WXYZ-2345-6789"
    visitor.get_by_label("Prüfcode").fill(made_up)
    visitor.get_by_role("button", name="Prüfen").click()
    visitor.wait_for_load_state()
    assert visitor.get_by_role("heading", name="Nicht gefunden").is_visible()
    assert visitor.get_by_text(
        f"Der Prüfcode {made_up} hat die richtige Form, aber eine Bescheinigung mit diesem "
        "Code ist nicht bekannt."
    ).is_visible()
    assert visitor.get_by_text("Amira").count() == 0
    visitor_journey.check("Prüfcode nicht gefunden")
