"""Editing an application with its cost plan and submitting it through the pages: every bad
input gets a message at its field or row and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.models import StatusChange
from funding.models import Application, CostLine, Pauschale
from funding.services import review
from notifications.models import Notification
from tests.funding.factories import next_year, staff_user, submitted

from .helpers import edit_data, text, url

pytestmark = pytest.mark.django_db


def errors_of(response) -> str:
    """Every error the page shows (form, rows, cost plan) as one text."""
    context = response.context
    parts = [str(e) for errors in context["form"].errors.values() for e in errors]
    for row in context["formset"].forms:
        parts += [str(e) for errors in row.errors.values() for e in errors]
    parts += [str(e) for e in context["cost_plan_errors"]]
    return " ".join(parts)


def snapshot(application: Application) -> tuple:
    application.refresh_from_db()
    lines = list(application.cost_lines.values_list("category", "description", "amount"))
    return (
        application.title,
        application.requested_amount,
        application.own_contribution,
        application.status,
        lines,
    )


# --- The happy path -------------------------------------------------------------------------


def test_from_a_new_draft_to_a_submitted_application_through_the_pages(
    coordinator_client, coordinator, organisation, year, ahlen
):
    created = coordinator_client.post(
        url("application_create"),
        {
            "organisation": organisation.pk,
            "programme_year": year.pk,
            "block": year.blocks.get(code="C").pk,
            "title": "Willkommensflyer in fünf Sprachen",
            "town": ahlen.pk,
        },
    )
    application = Application.objects.get()
    assert created["Location"] == url("application_edit", application)

    saved = coordinator_client.post(
        url("application_edit", application),
        edit_data(
            application,
            description="Flyer für Neuankommende mit allen Anlaufstellen.",
            goals="Orientierung in den ersten Wochen.",
            target_group="Neu zugewanderte Familien",
            starts_on=dt.date(next_year(), 3, 1).isoformat(),
            ends_on=dt.date(next_year(), 6, 30).isoformat(),
            requested_amount="1.150,00",
            own_contribution="100",
            lines=[
                {"category": "fees", "description": "Übersetzung", "amount": "750,50"},
                {"category": "publicity", "description": "Druck", "amount": "499.50"},
            ],
        ),
    )
    assert saved.status_code == 302, errors_of(saved)
    assert saved["Location"] == url("application_edit", application)
    application.refresh_from_db()
    assert application.requested_amount == Decimal("1150.00")
    assert list(application.cost_lines.values_list("description", "amount")) == [
        ("Übersetzung", Decimal("750.50")),
        ("Druck", Decimal("499.50")),
    ]
    edit_page = text(coordinator_client.get(url("application_edit", application)))
    assert "Der Kostenplan geht auf." in edit_page
    assert "1.250,00 €" in edit_page

    response = coordinator_client.post(url("application_submit", application), follow=True)

    assert response.redirect_chain == [(url("application_detail", application), 302)]
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    page = text(response)
    assert f"Der Antrag {application.reference} ist eingereicht" in page
    assert "prüft ihn in der Reihenfolge des Eingangs" in page  # what happens next
    notification = Notification.objects.get(kind="funding.application_submitted")
    assert notification.recipient == coordinator


def test_the_edit_page_can_save_and_submit_in_one_step(coordinator_client, draft):
    response = coordinator_client.post(
        url("application_submit", draft),
        edit_data(draft, keep_saved=True, title="Sprachcafé (neuer Titel)"),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Sprachcafé (neuer Titel)"
    assert draft.status == Application.Status.SUBMITTED


def test_a_saved_line_can_be_deleted_and_new_rows_left_empty_are_ignored(coordinator_client, draft):
    data = edit_data(
        draft,
        lines=[{"category": "material", "description": "Spiele", "amount": "1000"}],
    )

    response = coordinator_client.post(url("application_edit", draft), data)

    assert response.status_code == 302
    assert list(draft.cost_lines.values_list("description", flat=True)) == ["Spiele"]


def test_weitere_zeile_saves_and_offers_another_empty_row(coordinator_client, draft):
    data = edit_data(
        draft,
        keep_saved=True,
        lines=[{"category": "travel", "description": "Fahrten", "amount": "20"}],
        action="add_row",
        requested_amount="920",
    )

    response = coordinator_client.post(url("application_edit", draft), data)

    assert response.status_code == 302
    assert response["Location"].endswith("#neue-kostenposition")
    assert draft.cost_lines.count() == 2
    page = coordinator_client.get(response["Location"])
    formset = page.context["formset"]
    assert formset.initial_form_count() == 2
    assert len(formset.forms) == 2 + 3
    assert 'id="neue-kostenposition"' in text(page)


def test_weitere_zeile_with_a_mistake_shows_it_and_one_more_row(coordinator_client, draft):
    before = snapshot(draft)
    data = edit_data(
        draft,
        keep_saved=True,
        lines=[{"category": "travel", "description": "Fahrten", "amount": "zwanzig"}],
        action="add_row",
    )

    response = coordinator_client.post(url("application_edit", draft), data)

    assert response.status_code == 400
    assert len(response.context["formset"].forms) == 1 + 3 + 1
    assert "Bitte geben Sie einen Betrag in Euro an" in errors_of(response)
    assert snapshot(draft) == before


def test_a_pauschale_row_gets_its_amount_computed(coordinator_client, draft, year):
    pauschale = Pauschale.objects.create(
        programme_year=year,
        title="Raumausstattung",
        unit="Raum",
        amount=Decimal("1000"),
        max_units=2,
    )
    data = edit_data(
        draft,
        keep_saved=True,
        lines=[
            {
                "category": "equipment",
                "description": "Zwei Räume",
                "pauschale": pauschale.pk,
                "units": "2",
            }
        ],
        requested_amount="2900",
    )

    response = coordinator_client.post(url("application_edit", draft), data)

    assert response.status_code == 302, errors_of(response)
    line = draft.cost_lines.get(pauschale=pauschale)
    assert (line.units, line.amount) == (2, Decimal("2000.00"))


def test_a_pauschale_claimed_at_the_wrong_amount_is_named_at_its_row(
    coordinator_client, draft, year
):
    pauschale = Pauschale.objects.create(
        programme_year=year, title="Raumausstattung", unit="Raum", amount=Decimal("1000")
    )
    before = snapshot(draft)
    data = edit_data(
        draft,
        keep_saved=True,
        lines=[
            {"category": "material", "description": "Bücher", "amount": "50"},
            {
                "category": "equipment",
                "description": "Ein Raum",
                "amount": "1500",
                "pauschale": pauschale.pk,
                "units": "1",
            },
        ],
    )

    response = coordinator_client.post(url("application_edit", draft), data)

    assert response.status_code == 400
    rows = response.context["formset"].forms
    # The saved line is row 0, "Bücher" row 1, the Pauschale row 2: the service's
    # cost_lines.2 error is shown at row 2, not elsewhere.
    assert "beträgt genau 1.000,00 €" in " ".join(rows[2].non_field_errors())
    assert not rows[1].errors
    assert "Kostenposition 3: „Raumausstattung“" in text(response)
    assert snapshot(draft) == before


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-50", "Der Betrag darf nicht negativ sein."),
        ("fünfzig", "Bitte geben Sie einen Betrag in Euro an"),
        ("12,345", "höchstens zwei Nachkommastellen"),
        ("0", "Der Betrag muss größer als 0 € sein."),
    ],
)
def test_a_bad_cost_amount_is_named_at_its_row_and_nothing_is_saved(
    coordinator_client, draft, typed, message
):
    before = snapshot(draft)
    data = edit_data(
        draft,
        keep_saved=True,
        title="Geänderter Titel",
        lines=[{"category": "material", "description": "Stifte", "amount": typed}],
    )

    response = coordinator_client.post(url("application_edit", draft), data)

    assert response.status_code == 400
    row = response.context["formset"].forms[1]
    assert message in " ".join(row.errors["amount"])
    page = text(response)
    assert "Bitte prüfen Sie Ihre Angaben." in page
    assert 'href="#id_cost-1-amount"' in page  # the summary links to the field
    assert snapshot(draft) == before


@pytest.mark.parametrize("typed", ["-1", "viel", "1.2.3,4"])
def test_a_bad_requested_amount_is_named_and_nothing_is_saved(coordinator_client, draft, typed):
    before = snapshot(draft)

    response = coordinator_client.post(
        url("application_edit", draft),
        edit_data(draft, keep_saved=True, title="Anders", requested_amount=typed),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["requested_amount"]
    assert 'aria-invalid="true"' in text(response)
    assert snapshot(draft) == before


def test_an_amount_above_the_cap_is_refused_at_the_field(coordinator_client, draft):
    before = snapshot(draft)

    response = coordinator_client.post(
        url("application_edit", draft),
        edit_data(draft, keep_saved=True, requested_amount="5.000,01"),
    )

    assert response.status_code == 400
    assert "Je Antrag können höchstens 5.000,00 € beantragt werden." in " ".join(
        response.context["form"].errors["requested_amount"]
    )
    assert snapshot(draft) == before


def test_an_end_before_the_start_is_refused(coordinator_client, draft):
    before = snapshot(draft)
    response = coordinator_client.post(
        url("application_edit", draft),
        edit_data(
            draft,
            keep_saved=True,
            starts_on=dt.date(next_year(), 5, 1).isoformat(),
            ends_on=dt.date(next_year(), 4, 1).isoformat(),
        ),
    )
    assert response.status_code == 400
    assert "Das Projektende liegt vor dem Beginn." in errors_of(response)
    assert snapshot(draft) == before


# --- Submitting -----------------------------------------------------------------------------


def test_a_cost_plan_that_does_not_add_up_cannot_be_submitted(coordinator_client, draft):
    Application.objects.filter(pk=draft.pk).update(requested_amount=Decimal("800"))

    response = coordinator_client.post(url("application_submit", draft))

    assert response.status_code == 422
    page = text(response)
    assert "Der Antrag ist noch nicht eingereicht." in page
    assert "Der Kostenplan geht nicht auf: Gesamtkosten 1.000,00 €" in page
    assert "weniger als die Gesamtkosten" in page
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert not StatusChange.objects.filter(object_id=draft.pk).exists()
    assert not Notification.objects.exists()


def test_submitting_names_every_problem_at_once(coordinator_client, draft):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Application.objects.filter(pk=draft.pk).update(
        description="", goals="  ", starts_on=yesterday, requested_amount=Decimal("0")
    )
    CostLine.objects.filter(application=draft).delete()

    response = coordinator_client.post(url("application_submit", draft))

    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) >= {"description", "goals", "starts_on", "requested_amount"}
    page = text(response)
    # No retroactive funding, in words the applicant understands.
    assert "Maßnahmen, die schon begonnen haben, können nicht gefördert werden." in page
    assert "Bitte stellen Sie einen Kostenplan mit mindestens einer Position auf." in page
    assert 'href="#id_description"' in page and 'href="#kostenplan"' in page
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_a_failed_submit_from_the_edit_page_keeps_what_was_typed_as_draft(
    coordinator_client, draft
):
    response = coordinator_client.post(
        url("application_submit", draft),
        edit_data(draft, keep_saved=True, title="Neu und gespeichert", requested_amount="100"),
    )

    assert response.status_code == 422
    assert "Ihre Angaben sind als Entwurf gespeichert." in text(response)
    draft.refresh_from_db()
    assert draft.title == "Neu und gespeichert"
    assert draft.status == Application.Status.DRAFT


def test_a_start_before_today_is_refused_on_submit_with_the_reason(coordinator_client, draft):
    Application.objects.filter(pk=draft.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=3)
    )

    response = coordinator_client.post(url("application_submit", draft))

    assert response.status_code == 422
    assert "Das Projekt darf nicht vor heute beginnen" in " ".join(
        response.context["form"].errors["starts_on"]
    )


def test_a_submitted_application_cannot_be_edited_and_says_why(coordinator_client, draft):
    submitted(draft)
    before = snapshot(draft)

    shown = coordinator_client.get(url("application_edit", draft), follow=True)
    posted = coordinator_client.post(
        url("application_edit", draft), edit_data(draft, keep_saved=True, title="Später")
    )
    again = coordinator_client.post(url("application_submit", draft))

    assert shown.redirect_chain == [(url("application_detail", draft), 302)]
    assert "hat den Status „eingereicht“ und kann nicht bearbeitet werden" in text(shown)
    assert posted.status_code == 302 and again.status_code == 302
    assert snapshot(draft) == before


def test_after_a_request_for_changes_the_message_is_shown_and_resubmitting_works(
    coordinator_client, draft
):
    submitted(draft)
    review.application_request_changes(
        application=draft, message="Bitte die Zielgruppe <genauer> beschreiben.", actor=staff_user()
    )

    detail = text(coordinator_client.get(url("application_detail", draft)))
    edit = text(coordinator_client.get(url("application_edit", draft)))
    response = coordinator_client.post(
        url("application_submit", draft),
        edit_data(draft, keep_saved=True, target_group="Geflüchtete Frauen mit Kindern"),
    )

    for page in (detail, edit):
        assert "Das KI bittet um Änderungen" in page
        assert "Bitte die Zielgruppe &lt;genauer&gt; beschreiben." in page
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert draft.target_group == "Geflüchtete Frauen mit Kindern"


# --- Withdrawing ----------------------------------------------------------------------------


def test_withdrawing_needs_the_confirmation(coordinator_client, draft):
    submitted(draft)

    page = coordinator_client.get(url("application_withdraw", draft))
    unconfirmed = coordinator_client.post(url("application_withdraw", draft), {"note": "x"})
    draft.refresh_from_db()
    status_after_unconfirmed = draft.status
    confirmed = coordinator_client.post(
        url("application_withdraw", draft), {"confirm": "on", "note": "Projekt fällt aus"}
    )

    assert page.status_code == 200
    assert unconfirmed.status_code == 400
    assert "Bitte bestätigen Sie" in text(unconfirmed)
    assert status_after_unconfirmed == Application.Status.SUBMITTED
    assert confirmed.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN
    history = text(coordinator_client.get(url("application_detail", draft)))
    assert "Projekt fällt aus" in history


def test_a_decided_application_cannot_be_withdrawn(coordinator_client, draft):
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.REJECTED)

    response = coordinator_client.post(url("application_withdraw", draft), {"confirm": "on"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.REJECTED
