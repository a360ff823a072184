"""The figures pages and exports: a town administration sees its own town only (another town
in the URL or a parameter: 404), nobody sees a name or an email, KI staff see every town side
by side with charts and can export the table as CSV and XLSX."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import UserFactory, VolunteerFactory
from tests.querybudget import count_queries

from .conftest import FUNDING_YEAR, THIS_YEAR, municipal_user

pytestmark = pytest.mark.django_db

OWN = reverse("directory:municipal_figures")
OWN_EXPORT = reverse("directory:municipal_figures_export")
OVERVIEW = reverse("directory:staff_figures")


def export_url(fmt: str) -> str:
    return reverse("directory:staff_figures_export", kwargs={"fmt": fmt})


def assert_no_person(content: str, district) -> None:
    for text in [*district.names, *district.emails]:
        assert text not in content, f"{text!r} must not appear"


# --- Town administrations ---------------------------------------------------------------------


def test_municipal_account_sees_its_own_towns_figures(ahlen_client, district):
    response = ahlen_client.get(OWN, {"year": THIS_YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zahlen für Ahlen" in page
    figures = response.context["figures"]
    assert (figures.name, figures.volunteers, figures.trainings_attended) == ("Ahlen", 5, 1)
    assert "weniger als 3" in page  # Ukrainian, Persian, Sprachförderung
    assert "Telgte" not in page
    assert_no_person(page, district)


def test_own_town_in_the_url_is_the_same_page(ahlen_client, district):
    url = reverse("directory:municipal_town_figures", kwargs={"town": "ahlen"})
    response = ahlen_client.get(url)
    assert response.status_code == 200
    assert response.context["figures"].name == "Ahlen"


@pytest.mark.parametrize(
    "url",
    [
        reverse("directory:municipal_town_figures", kwargs={"town": "telgte"}),
        reverse("directory:municipal_town_figures", kwargs={"town": "gibt-es-nicht"}),
        OWN + "?town=telgte",
        OWN + "?ort=telgte",
        OWN_EXPORT + "?town=telgte",
        OWN_EXPORT + "?ort=beelen",
    ],
)
def test_another_town_in_the_url_or_a_parameter_is_404(ahlen_client, district, url):
    """The same answer as for a town that does not exist: no oracle, no figures."""
    response = ahlen_client.get(url)
    assert response.status_code == 404
    assert b"Telgte" not in response.content


def test_municipal_account_is_kept_out_of_the_staff_pages(ahlen_client, district):
    telgte = reverse("directory:staff_town_figures", kwargs={"town": "telgte"})
    for url in (OVERVIEW, telgte, export_url("csv"), export_url("xlsx")):
        assert ahlen_client.get(url).status_code == 403, url


def test_municipal_account_without_a_town_gets_a_clear_message(client, district):
    client.force_login(municipal_user())
    response = client.get(OWN)
    assert response.status_code == 200
    assert "Ihr Zugang ist noch nicht eingerichtet" in response.content.decode()
    assert "figures" not in response.context
    assert client.get(OWN_EXPORT).status_code == 404
    url = reverse("directory:municipal_town_figures", kwargs={"town": "ahlen"})
    assert client.get(url).status_code == 404


def test_other_accounts_may_not_open_the_municipal_page(client, district, staff_with_mfa):
    response = client.get(OWN)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    for user in (VolunteerFactory(), UserFactory(), staff_with_mfa):
        client.force_login(user)
        assert client.get(OWN).status_code == 403
        assert client.get(OWN_EXPORT).status_code == 403


def test_a_deactivated_municipal_account_sees_nothing(client, district):
    client.force_login(municipal_user(district.ahlen, is_active=False))
    assert client.get(OWN).status_code in (302, 403)


def test_municipal_csv_export_has_the_figures_and_no_person(ahlen_client, district):
    response = ahlen_client.get(OWN_EXPORT, {"year": str(FUNDING_YEAR)})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="zahlen-ahlen-{FUNDING_YEAR}.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = dict(line.split(";", 1) for line in text.strip().split("\r\n"))
    assert lines["Stadt/Gemeinde"] == "Ahlen"
    assert lines["Jahr"] == str(FUNDING_YEAR)
    assert lines["Ehrenamtliche (Wohnort)"] == "5"
    assert lines["KOMM-AN-Anträge eingereicht"] == "3"
    assert lines["bewilligt"] == "1"
    assert lines["Bewilligte Mittel (EUR)"] == "800,00"
    assert lines["Sprache: Arabisch"] == "3"
    assert lines["Sprache: Ukrainisch"] == "weniger als 3"
    assert lines["Tätigkeitsbereich: Sprachförderung"] == "weniger als 3"
    assert_no_person(text, district)


def test_municipal_year_filter(ahlen_client, district):
    this_year = ahlen_client.get(OWN).context["figures"]  # default: this year
    every_year = ahlen_client.get(OWN, {"year": "alle"}).context["figures"]
    assert (this_year.requests_published, every_year.requests_published) == (2, 3)
    # An unknown year falls back to this year rather than failing.
    assert ahlen_client.get(OWN, {"year": "1999"}).context["year"] == THIS_YEAR


# --- KI staff ---------------------------------------------------------------------------------


def test_staff_see_every_town_side_by_side_with_charts(staff_client, district):
    response = staff_client.get(OVERVIEW, {"year": "alle"})
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Ahlen", "Beelen", "Telgte", "Kreis gesamt"):
        assert name in page
    # One chart per measure; none of volunteers, whose small counts only the table hides.
    assert page.count('role="img"') == 3
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert_no_person(page, district)
    rows = {row.name: row for row in response.context["overview"].rows}
    assert rows["Ahlen"].money_committed == 800


def test_staff_open_one_town(staff_client, district):
    url = reverse("directory:staff_town_figures", kwargs={"town": "telgte"})
    response = staff_client.get(url, {"year": THIS_YEAR})
    assert response.status_code == 200
    assert response.context["figures"].volunteers == 1
    assert_no_person(response.content.decode(), district)
    missing = reverse("directory:staff_town_figures", kwargs={"town": "gibt-es-nicht"})
    assert staff_client.get(missing).status_code == 404


def test_staff_csv_export(staff_client, district):
    response = staff_client.get(export_url("csv"), {"year": str(FUNDING_YEAR)})
    assert response.status_code == 200
    assert f'filename="zahlen-nach-orten-{FUNDING_YEAR}.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = [line.split(";") for line in text.strip().split("\r\n")]
    header, rows = lines[0], {line[0]: line for line in lines[1:]}
    assert header[:2] == ["Stadt/Gemeinde", "Ehrenamtliche (Wohnort)"]
    assert list(rows) == ["Ahlen", "Beelen", "Telgte", "Kreis gesamt"]
    ahlen = dict(zip(header, rows["Ahlen"], strict=True))
    assert ahlen["KOMM-AN-Anträge eingereicht"] == "3"
    assert ahlen["abgelehnt"] == "1"
    assert ahlen["Bewilligte Mittel (EUR)"] == "800,00"
    assert dict(zip(header, rows["Kreis gesamt"], strict=True))["Ehrenamtliche (Wohnort)"] == "6"
    assert_no_person(text, district)


def test_staff_xlsx_export(staff_client, district):
    response = staff_client.get(export_url("xlsx"), {"year": "alle"})
    assert response.status_code == 200
    assert 'filename="zahlen-nach-orten-alle-jahre.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Orte", "Sprachen", "Tätigkeitsbereiche"]
    towns = list(workbook["Orte"].iter_rows(values_only=True))
    header = towns[0]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in towns[1:]}
    assert list(rows) == ["Ahlen", "Beelen", "Telgte", "Kreis gesamt"]
    # Telgte has 1 volunteer: Ahlen's 5 would give it away (6 - 5), so it is not shown.
    assert rows["Ahlen"]["Ehrenamtliche (Wohnort)"] == "nicht ausgewiesen"
    assert rows["Telgte"]["Ehrenamtliche (Wohnort)"] == "weniger als 3"
    assert rows["Ahlen"]["Bestätigte Stunden"] == 5.0
    assert rows["Ahlen"]["Bewilligte Mittel (EUR)"] == 800.0
    assert rows["Ahlen"]["Hilfegesuche veröffentlicht"] == 3
    languages = {
        (town, language): count
        for town, language, count in workbook["Sprachen"].iter_rows(min_row=2, values_only=True)
    }
    assert languages[("Ahlen", "Arabisch")] == 3
    assert languages[("Ahlen", "Ukrainisch")] == "weniger als 3"
    assert languages[("Telgte", "Persisch (Farsi)")] == "weniger als 3"
    assert not any(town == "Kreis gesamt" for town, _language in languages)
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]
    assert_no_person("\n".join(cells), district)


def test_unknown_export_format_is_404(staff_client, district):
    assert staff_client.get(export_url("pdf")).status_code == 404


def test_staff_pages_keep_their_query_count_with_more_towns(staff_client, district):
    from tests.factories import TownFactory

    few, _ = count_queries(staff_client, OVERVIEW)
    for index in range(10):
        TownFactory(name=f"Ort {index}", slug=f"ort-{index}", postal_codes=[f"4800{index}"])
    many, _ = count_queries(staff_client, OVERVIEW)
    assert many <= few
    csv_few, _ = count_queries(staff_client, export_url("csv"))
    assert csv_few <= few
