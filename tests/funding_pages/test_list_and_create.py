"""The applicant's overview (their cases, the open calls) and starting a draft."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from funding.models import Application, Pauschale, Programme
from tests.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory
from tests.querybudget import assert_constant_queries

from .helpers import text, url

pytestmark = pytest.mark.django_db

counter = itertools.count()


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_the_users_cases_and_the_open_call_with_its_rules(
    coordinator_client, draft, year, other_coordinator
):
    foreign = ApplicationFactory(
        organisation=other_coordinator.memberships.get().organisation,
        programme_year=year,
        title="Fremdes Projekt",
    )
    block_a = year.blocks.get(code="A")
    Pauschale.objects.create(
        programme_year=year,
        block=block_a,
        title="Raumausstattung",
        unit="Raum",
        amount=Decimal("1000"),
        max_units=2,
    )

    response = coordinator_client.get(url("application_list"))

    page = text(response)
    assert response.status_code == 200
    assert draft.reference in page and draft.title in page
    assert "Flüchtlingshilfe Ahlen" in page
    assert "900,00 €" in page  # requested, German notation
    assert foreign.title not in page and foreign.reference not in page
    # The open call: period, pot left per block, cap, Pauschale with its block.
    assert year.call_opens_on.strftime("%d.%m.%Y") in page
    assert year.call_closes_on.strftime("%d.%m.%Y") in page
    assert "25.000,00 €" in page  # block A's pot, nothing committed yet
    assert "5.000,00 €" in page  # cap per application
    assert "Raumausstattung: 1.000,00 € je Raum, höchstens 2 je Antrag" in page
    assert "nur Baustein A" in page
    assert "Vorbehaltlich" not in page
    assert f"{url('application_create')}?year={year.pk}" in page


def test_a_call_opened_before_the_state_confirmed_the_pot_says_so(coordinator_client, year):
    year.subject_to_confirmation = True
    year.save(update_fields=["subject_to_confirmation"])

    page = text(coordinator_client.get(url("application_list")))

    assert "Vorbehaltlich" in page
    assert "bewilligt werden kann erst nach der Bestätigung" in page


def test_a_coordinator_of_an_unverified_organisation_is_told_why_there_is_no_button(client, year):
    pending = OrganisationFactory(unverified=True)
    user = MembershipFactory(organisation=pending).user
    client.force_login(user)

    page = text(client.get(url("application_list")))

    assert "Ihre Organisation wird noch geprüft" in page
    assert "Antrag stellen" not in page


def test_a_volunteer_sees_no_cases_and_how_organisations_apply(client, volunteer_user, draft):
    client.force_login(volunteer_user)

    page = text(client.get(url("application_list")))

    assert draft.reference not in page and draft.title not in page
    assert "Registrieren Sie zuerst Ihre Organisation" in page


def test_the_list_needs_a_login(client):
    response = client.get(url("application_list"))
    assert response.status_code == 302
    assert "/konto/" in response["Location"]


def test_the_list_makes_the_same_queries_for_5_and_50_cases(
    coordinator_client, coordinator, organisation, year, django_assert_max_num_queries
):
    programmes = []

    def make(n):
        for _ in range(n):
            number = next(counter)
            other = OrganisationFactory()
            MembershipFactory(organisation=other, user=coordinator)
            for org in (organisation, other):
                ApplicationFactory(organisation=org, programme_year=year)
            # More open calls with blocks and Pauschalen (a call per programme and year).
            if number % 10 == 0:
                programme = Programme.objects.create(
                    name=f"Programm {number}", short_name=f"P{number}", code=f"P{number}"
                )
                programmes.append(programme)
                other_year = ProgrammeYearFactory(programme=programme)
                Pauschale.objects.create(
                    programme_year=other_year,
                    block=other_year.blocks.get(code="B"),
                    title=f"Pauschale {number}",
                    amount=Decimal("500"),
                )
            Pauschale.objects.create(
                programme_year=year, title=f"Ehrenamtspauschale {number}", amount=Decimal("50")
            )

    queries = assert_constant_queries(coordinator_client, url("application_list"), make)
    assert Application.objects.count() >= 100
    with django_assert_max_num_queries(queries):
        coordinator_client.get(url("application_list"))
    assert queries <= 13  # 12, and the unread count in the header


# --- Creating a draft -----------------------------------------------------------------------


def create_data(organisation, year, ahlen, **overrides) -> dict:
    return {
        "organisation": organisation.pk,
        "programme_year": year.pk,
        "block": year.blocks.get(code="B").pk,
        "title": "Begegnungscafé am Marktplatz",
        "town": ahlen.pk,
        **overrides,
    }


def test_creating_a_draft_and_going_on_to_the_full_form(
    coordinator_client, coordinator, organisation, year, ahlen
):
    response = coordinator_client.post(
        url("application_create"), create_data(organisation, year, ahlen)
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("application_edit", application)
    assert application.status == Application.Status.DRAFT
    assert application.organisation == organisation
    assert application.block.code == "B"
    assert application.created_by == coordinator
    assert application.reference.startswith(f"KA2-{year.year}-")
    page = text(coordinator_client.get(response["Location"]))
    assert f"Der Entwurf {application.reference} ist angelegt" in page


def test_the_call_can_be_preselected_from_the_list(coordinator_client, organisation, year):
    page = text(coordinator_client.get(f"{url('application_create')}?year={year.pk}"))
    assert f'name="programme_year" value="{year.pk}"' in page
    # The only verified organisation is chosen already.
    assert f'<option value="{organisation.pk}" selected>Flüchtlingshilfe Ahlen</option>' in page


def test_a_block_of_another_call_is_refused_and_nothing_is_created(
    coordinator_client, organisation, year, ahlen
):
    programme = Programme.objects.create(name="2.000 × 1.000 €", short_name="2000", code="ZT")
    other_year = ProgrammeYearFactory(programme=programme)

    response = coordinator_client.post(
        url("application_create"),
        create_data(organisation, year, ahlen, block=other_year.blocks.get(code="A").pk),
    )

    assert response.status_code == 400
    assert "Dieser Baustein gehört nicht zum gewählten Förderaufruf." in text(response)
    assert not Application.objects.exists()


def test_an_organisation_the_user_does_not_coordinate_cannot_be_chosen(
    coordinator_client, other_coordinator, year, ahlen
):
    foreign = other_coordinator.memberships.get().organisation

    response = coordinator_client.post(url("application_create"), create_data(foreign, year, ahlen))

    assert response.status_code == 400
    assert not Application.objects.exists()


def test_an_unverified_organisation_gets_an_explanation_and_cannot_create(client, year, ahlen):
    pending = OrganisationFactory(unverified=True)
    user = MembershipFactory(organisation=pending).user
    client.force_login(user)

    page = text(client.get(url("application_create")))
    refused = client.post(url("application_create"), create_data(pending, year, ahlen))

    assert "wird noch vom Kommunalen Integrationszentrum geprüft" in page
    assert '<form class="form"' not in page
    assert refused.status_code == 403
    assert not Application.objects.exists()


def test_without_an_open_call_there_is_no_form(coordinator_client, year):
    year.call_closes_on = timezone.localdate() - dt.timedelta(days=1)
    year.call_opens_on = year.call_closes_on - dt.timedelta(days=30)
    year.save(update_fields=["call_opens_on", "call_closes_on"])

    response = coordinator_client.get(url("application_create"))

    assert response.status_code == 200
    assert "Zurzeit ist kein Förderaufruf geöffnet" in text(response)
