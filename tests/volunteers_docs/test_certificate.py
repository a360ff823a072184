"""The Ehrenamtsnachweis: a real PDF with what the volunteer did, stored once and served again
while nothing it says has changed, re-rendered when it has."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from backend.accounts.services import user_set_name
from tests.factories import VolunteerFactory
from tests.pdf import pdf_words
from tests.volunteers.factories import AssignmentFactory, HoursEntryFactory
from tests.volunteers_api.helpers import client_for
from volunteers.models import VolunteerCertificate
from volunteers.services import certificates, training_certificates
from volunteers.services.certificates import (
    CODE_ALPHABET,
    certificate_code_new,
    certificate_fingerprint,
    certificate_for,
    certificate_values,
)
from volunteers.services.hours import hours_confirm, hours_log

pytestmark = pytest.mark.django_db

CODE = re.compile(rf"^EN-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
URL = reverse("volunteers:ehrenamtsnachweis")


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def render_count(monkeypatch):
    """How often the service rendered a PDF (the real renderer still runs)."""
    calls = []
    real = certificates.render_pdf

    def counting(template, context):
        calls.append(template)
        return real(template, context)

    monkeypatch.setattr(certificates, "render_pdf", counting)
    return calls


def test_codes_are_readable_and_avoid_ambiguous_characters():
    codes = {certificate_code_new() for _ in range(200)}
    assert len(codes) == 200
    assert all(CODE.match(code) for code in codes)
    assert not set("".join(codes)) & set("01ILO")


def test_the_pdf_shows_name_activities_hours_and_code(assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True, hours=Decimal("2.50"))
    HoursEntryFactory(
        assignment=assignment,
        confirmed=True,
        hours=Decimal("10.00"),
        date=dt.date(timezone.localdate().year - 1, 11, 3),
    )
    HoursEntryFactory(assignment=assignment, submitted=True, hours=Decimal("7.00"))

    certificate = certificate_for(volunteer=helper)

    pdf = bytes(certificate.pdf)
    assert pdf.startswith(b"%PDF-")
    assert CODE.match(certificate.code)
    text = pdf_words(pdf)
    assert "Ehrenamtsnachweis" in text
    assert "Hanna Helferin" in text
    assert "Flüchtlingshilfe Ahlen" in text
    assert "Begleitung zum Ausländeramt" in text
    assert certificate.code in text
    # Per year and in total; the submitted 7 hours are not confirmed and do not count.
    assert "2,50" in text and "10,00" in text and "12,50" in text
    assert "7,00" not in text and "19,50" not in text
    assert "Kommunales Integrationszentrum Kreis Warendorf" in text


def test_html_in_names_is_printed_as_text(open_request):
    volunteer = VolunteerFactory(full_name='<b>Zoe</b> & "Co" <script>x()</script>')
    open_request.organisation.name = "<i>Verein</i> & Freunde"
    open_request.organisation.save(update_fields=["name"])
    assignment = AssignmentFactory(help_request=open_request, volunteer=volunteer, confirmed=True)
    HoursEntryFactory(assignment=assignment, confirmed=True)

    text = pdf_words(bytes(certificate_for(volunteer=volunteer).pdf))

    assert '<b>Zoe</b> & "Co" <script>x()</script>' in text
    assert "<i>Verein</i> & Freunde" in text


def test_unchanged_data_is_served_from_storage(assignment, helper, render_count):
    HoursEntryFactory(assignment=assignment, confirmed=True)

    first = certificate_for(volunteer=helper)
    again = certificate_for(volunteer=helper)

    assert render_count == ["pdf/ehrenamtsnachweis.html"]
    assert again.pk == first.pk
    assert (again.code, again.sha256) == (first.code, first.sha256)
    assert bytes(again.pdf) == bytes(first.pdf)
    assert VolunteerCertificate.objects.count() == 1


def test_new_confirmed_hours_render_a_new_certificate(assignment, helper, coordinator):
    HoursEntryFactory(assignment=assignment, confirmed=True, date=days_ago(9))
    first = certificate_for(volunteer=helper)
    entry = hours_log(assignment=assignment, actor=helper, date=days_ago(2), hours=3)

    # Submitted hours are not on the certificate: nothing changed.
    assert certificate_for(volunteer=helper).pk == first.pk

    hours_confirm(entry=entry, actor=coordinator)
    second = certificate_for(volunteer=helper)

    assert second.pk != first.pk
    assert second.code != first.code
    assert second.sha256 != first.sha256
    assert second.data_fingerprint != first.data_fingerprint
    # The old certificate stays, so its code can still be checked.
    assert set(VolunteerCertificate.objects.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert certificate_for(volunteer=helper).pk == second.pk


def test_the_fingerprint_covers_what_the_certificate_says(assignment, helper):
    before = certificate_fingerprint(certificate_values(volunteer=helper))
    assert before == certificate_fingerprint(certificate_values(volunteer=helper))

    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    ended = certificate_fingerprint(certificate_values(volunteer=helper))
    assert ended != before

    user_set_name(user=helper, first_name="Hanna", last_name="Helferin-Neu")
    assert certificate_fingerprint(certificate_values(volunteer=helper)) != ended


def test_the_sha256_is_that_of_the_stored_bytes(assignment, helper):
    from backend.documents import sha256_hex

    HoursEntryFactory(assignment=assignment, confirmed=True)
    certificate = certificate_for(volunteer=helper)
    certificate.refresh_from_db()
    assert certificate.sha256 == sha256_hex(bytes(certificate.pdf))


def test_ehrenamtskarte_thresholds_are_shown(assignment, helper, settings):
    settings.EHRENAMTSKARTE_HOURS_PER_YEAR = 20
    settings.EHRENAMTSKARTE_HOURS_PER_WEEK = 4
    settings.EHRENAMTSKARTE_YEARS = 2
    # The window is rolling: 52 weeks back from today, and the 52 weeks before those.
    for days in (400, 401):
        HoursEntryFactory(assignment=assignment, confirmed=True, hours=12, date=days_ago(days))

    not_yet = pdf_words(bytes(certificate_for(volunteer=helper).pdf))
    assert "noch nicht erfüllt" in not_yet
    assert "Letzte 52 Wochen: 0,00 h" in not_yet
    assert "Woche 53 bis 104 davor: 24,00 h" in not_yet

    for days in (10, 11):
        HoursEntryFactory(assignment=assignment, confirmed=True, hours=12, date=days_ago(days))
    text = pdf_words(bytes(certificate_for(volunteer=helper).pdf))
    assert "Ehrenamtskarte NRW sind nach den bestätigten Stunden erfüllt" in text
    assert "20 Stunden in jedem Jahr" in text
    assert "Letzte 52 Wochen: 24,00 h" in text


def test_the_certificate_is_not_re_rendered_just_because_a_day_passed(assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True, date=days_ago(30))
    today = timezone.localdate()
    first = certificate_for(volunteer=helper, today=today)
    assert certificate_for(volunteer=helper, today=today + dt.timedelta(days=1)).pk == first.pk


def test_trainings_have_their_place_on_the_certificate(assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True)
    values = certificate_values(volunteer=helper)
    assert values["trainings"] == []
    text = pdf_words(bytes(certificate_for(volunteer=helper).pdf))
    assert "Besuchte Fortbildungen" in text
    assert "Bisher sind keine Fortbildungen erfasst." in text


# --- The download ---------------------------------------------------------------------------


def test_download_is_an_uncached_pdf_attachment_named_after_the_code(client, assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True)
    client.force_login(helper)

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    certificate = VolunteerCertificate.objects.get(volunteer=helper)
    assert response["Content-Disposition"] == (
        f'attachment; filename="Ehrenamtsnachweis-{certificate.code}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content == bytes(certificate.pdf)
    assert client.get(URL).content == response.content
    assert VolunteerCertificate.objects.count() == 1


def test_each_account_downloads_only_its_own_certificate(client, assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True)
    other = VolunteerFactory(full_name="Otto Anders")
    elsewhere = AssignmentFactory(volunteer=other, confirmed=True)
    HoursEntryFactory(assignment=elsewhere, confirmed=True)
    client.force_login(other)

    text = pdf_words(client.get(URL).content)

    assert "Otto Anders" in text
    assert "Hanna Helferin" not in text
    assert "Flüchtlingshilfe Ahlen" not in text
    assert not VolunteerCertificate.objects.filter(volunteer=helper).exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Refusals: no name, no confirmed hours ----------------------------------------------------

API = reverse("v1:me-ehrenamtsnachweis")


def test_an_account_without_a_name_gets_no_certificate_and_is_told_where_to_enter_it(
    client, open_request
):
    nameless = VolunteerFactory(nameless=True, email="neu1@example.org")
    assignment = AssignmentFactory(help_request=open_request, volunteer=nameless, confirmed=True)
    HoursEntryFactory(assignment=assignment, confirmed=True)
    client.force_login(nameless)

    response = client.get(URL)

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Ihr Konto hat noch keinen" in page
    assert "unter „Mein Konto“" in page
    assert "Ehrenamtsnachweis herunterladen (PDF)" not in page
    assert not VolunteerCertificate.objects.exists()
    # The documents page says the same before anyone clicks.
    page = client.get(reverse("volunteers:my_data")).content.decode()
    assert "Noch kein Ehrenamtsnachweis möglich" in page
    assert URL not in page

    user_set_name(user=nameless, first_name="Nora", last_name="Neu")
    text = pdf_words(client.get(URL).content)
    assert "Nora Neu" in text
    assert "neu1@example.org" not in text


def test_no_certificate_for_zero_confirmed_hours_and_it_says_so(client, assignment, helper):
    HoursEntryFactory(assignment=assignment, submitted=True, hours=Decimal("4"))  # not confirmed
    client.force_login(helper)

    response = client.get(URL)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Sie haben noch keine bestätigten Stunden" in page
    assert "Ihr Konto hat noch keinen" not in page
    assert not VolunteerCertificate.objects.exists()


def test_the_api_refuses_with_the_same_reasons_all_at_once(open_request):
    nameless = VolunteerFactory(nameless=True)
    AssignmentFactory(help_request=open_request, volunteer=nameless, confirmed=True)

    response = client_for(nameless).get(API)

    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "conflict"
    assert set(body["errors"]) == {"name", "hours"}
    assert "unter „Mein Konto“" in body["errors"]["name"][0]
    assert "keine bestätigten Stunden" in body["errors"]["hours"][0]
    assert not VolunteerCertificate.objects.exists()


def test_the_api_serves_the_same_pdf_as_the_page(client, assignment, helper):
    HoursEntryFactory(assignment=assignment, confirmed=True)
    client.force_login(helper)

    api = client_for(helper).get(API)

    assert api.status_code == 200
    assert api["Content-Type"] == "application/pdf"
    assert api.content == client.get(URL).content


def test_the_certificate_carries_code_qr_code_and_check_address(assignment, helper, settings):
    HoursEntryFactory(assignment=assignment, confirmed=True, hours=Decimal("2.00"))
    made = []
    real_make = segno.make

    def make(content, **kwargs):
        made.append(content)
        return real_make(content, **kwargs)

    with mock.patch.object(training_certificates.segno, "make", make):
        certificate = certificate_for(volunteer=helper)

    check = settings.SITE_URL + f"/bescheinigung/pruefen/{certificate.code}/"
    assert made == [check]  # the QR code encodes the public check page of this code
    text = pdf_words(bytes(certificate.pdf))
    assert f"Prüfcode: {certificate.code}" in text
    assert check in text.replace(" ", "")  # the address is printed too (it may wrap)
    # What the check page shows is kept as printed.
    assert (certificate.holder_name, certificate.total_hours) == ("Hanna Helferin", Decimal("2"))
