"""The overview per town: open and filled requests, volunteers with complete profiles and
confirmed hours in a year, each number checked against data built for it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory, HoursEntryFactory
from volunteers.models import AnonymousHours, VolunteerProfile
from volunteers.selectors_staff import town_overview

from .conftest import make_volunteer

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("volunteers:staff_overview")


@pytest.fixture
def data(ahlen, telgte, beckum):
    """Ahlen: 2 open, 1 filled, 1 draft, 1 closed, 1 expired request; 2 complete volunteers,
    1 incomplete, 1 complete but deactivated; confirmed hours this year 2.5 + 1.5 (plus 3
    submitted, 4 rejected, 6 last year) and 10 anonymous hours this year.
    Telgte: 1 filled request, 1 complete volunteer, 2 confirmed hours this year (worked by a
    volunteer who lives in Ahlen: hours count where the help took place).
    Beckum: nothing."""
    this_year = timezone.localdate().year
    org_ahlen = OrganisationFactory(name="Flüchtlingshilfe Ahlen", town=ahlen)
    org_telgte = OrganisationFactory(name="Begegnungscafé Telgte", town=telgte)
    open_a = HelpRequestFactory(organisation=org_ahlen, open=True)
    HelpRequestFactory(organisation=org_ahlen, open=True)
    HelpRequestFactory(organisation=org_ahlen, filled=True)
    HelpRequestFactory(organisation=org_ahlen, draft=True)
    HelpRequestFactory(organisation=org_ahlen, closed=True)
    HelpRequestFactory(organisation=org_ahlen, expired=True)
    filled_t = HelpRequestFactory(organisation=org_telgte, filled=True)

    worker = make_volunteer("Amal", town=ahlen)
    make_volunteer("Bernd", town=ahlen)
    make_volunteer("Dieter", town=ahlen, complete=False)
    make_volunteer("Erika", town=ahlen, is_active=False)
    make_volunteer("Chrystyna", town=telgte)

    in_ahlen = AssignmentFactory(help_request=open_a, volunteer=worker, confirmed=True)
    in_telgte = AssignmentFactory(help_request=filled_t, volunteer=worker, confirmed=True)
    jan_2 = dt.date(this_year, 1, 2)
    HoursEntryFactory(assignment=in_ahlen, hours=Decimal("2.5"), confirmed=True, date=jan_2)
    HoursEntryFactory(assignment=in_ahlen, hours=Decimal("1.5"), confirmed=True, date=jan_2)
    HoursEntryFactory(assignment=in_ahlen, hours=Decimal("3"), submitted=True, date=jan_2)
    HoursEntryFactory(assignment=in_ahlen, hours=Decimal("4"), rejected=True, date=jan_2)
    HoursEntryFactory(
        assignment=in_ahlen,
        hours=Decimal("6"),
        confirmed=True,
        date=dt.date(this_year - 1, 12, 31),
    )
    HoursEntryFactory(assignment=in_telgte, hours=Decimal("2"), confirmed=True, date=jan_2)
    AnonymousHours.objects.create(town=ahlen, year=this_year, hours=Decimal("10"))
    AnonymousHours.objects.create(town=ahlen, year=this_year - 1, hours=Decimal("100"))
    return {"year": this_year}


def figures(overview, name):
    [row] = [r for r in overview["rows"] if r.name == name]
    return (
        row.open_requests,
        row.filled_requests,
        row.complete_volunteers,
        row.confirmed_hours,
    )


def test_the_numbers_per_town_match_the_data(data):
    overview = town_overview()
    assert overview["year"] == data["year"]
    assert [r.name for r in overview["rows"]] == ["Ahlen", "Beckum", "Telgte"]
    assert figures(overview, "Ahlen") == (2, 1, 2, Decimal("14.0"))
    assert figures(overview, "Telgte") == (0, 1, 1, Decimal("2"))
    assert figures(overview, "Beckum") == (0, 0, 0, 0)
    total = overview["total"]
    assert (total.open_requests, total.filled_requests, total.complete_volunteers) == (2, 2, 3)
    assert total.confirmed_hours == Decimal("16")
    assert overview["unknown"] is None


def test_an_earlier_year_counts_that_years_hours_only(data):
    overview = town_overview(year=data["year"] - 1)
    assert figures(overview, "Ahlen")[3] == Decimal("106")
    assert figures(overview, "Telgte")[3] == 0


def test_data_without_a_town_gets_its_own_row_and_counts_in_the_total(data):
    make_volunteer("Ohne Ort")
    VolunteerProfile.objects.filter(user__full_name="Ohne Ort").update(town=None)
    overview = town_overview()
    assert overview["unknown"].complete_volunteers == 1
    assert overview["total"].complete_volunteers == 4


def row_cells(response, heading: str) -> list[str]:
    """The data cells of the table row whose header cell is `heading`."""
    html = " ".join(response.content.decode().split())
    row = html[html.index(f">{heading}<") :]
    row = row[: row.index("</tr>")]
    return [cell.split(">", 1)[1].split("<", 1)[0].strip() for cell in row.split("<td")[1:]]


def test_the_page_shows_one_table_with_the_numbers(staff_client, data):
    response = staff_client.get(OVERVIEW)
    assert response.status_code == 200
    assert row_cells(response, "Ahlen") == ["2", "1", "2", "14"]
    assert row_cells(response, "Telgte") == ["0", "1", "1", "2"]
    assert row_cells(response, "Kreis gesamt") == ["2", "2", "3", "16"]
    assert response.content.decode().count("<table") == 1


def test_the_page_offers_earlier_years(staff_client, data):
    response = staff_client.get(OVERVIEW, {"year": str(data["year"] - 1)})
    assert response.context["overview"]["year"] == data["year"] - 1
    assert row_cells(response, "Ahlen")[3] == "106"


def test_a_year_outside_the_offered_ones_is_a_form_error(staff_client, data):
    response = staff_client.get(OVERVIEW, {"year": "1999"})
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert response.context["overview"]["year"] == data["year"]
