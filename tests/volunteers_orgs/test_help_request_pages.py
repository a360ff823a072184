"""Writing, editing, publishing and closing help requests through the pages: every bad input
gets a message a coordinator understands and changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.services import user_set_totp
from tests.conftest import TOTP_SECRET
from tests.factories import OrganisationFactory, UserFactory
from tests.volunteers.factories import HelpRequestFactory
from volunteers.models import HelpRequest, HelpRequestLanguage, slot_bit

pytestmark = pytest.mark.django_db


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def form_data(town, area, **overrides) -> dict:
    return {
        "title": "Begleitung zur Ausländerbehörde",
        "description": "Eine Familie braucht Begleitung und Übersetzung.",
        "activity_area": area.pk,
        "town": town.pk,
        "place": "Rathaus",
        "address": "Westenmauer 10, 59227 Ahlen",
        "schedule": "flexible",
        "helpers_needed": "2",
        "open_until": in_days(30).isoformat(),
        "language_0": "ar",
        "level_0": "2",
        "language_1": "",
        "level_1": "1",
        "language_2": "",
        "level_2": "1",
        **overrides,
    }


def create_url(organisation) -> str:
    return reverse("volunteers:help_request_create", args=[organisation.pk])


def edit_url(help_request) -> str:
    return reverse("volunteers:help_request_edit", args=[help_request.pk])


def errors_of(response) -> dict:
    return {name: " ".join(errors) for name, errors in response.context["form"].errors.items()}


# --- Create ---------------------------------------------------------------------------------


def test_a_new_request_is_a_draft_with_all_its_fields_and_languages(
    coordinator_client, organisation, coordinator, ahlen, area
):
    response = coordinator_client.post(
        create_url(organisation),
        form_data(
            ahlen,
            area,
            schedule="weekly",
            weekly_slots=["3", "5"],  # Tuesday morning, Tuesday evening
            requires_fuehrungszeugnis="on",
            language_1="uk",
            level_1="3",
        ),
    )
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(help_request)
    assert help_request.status == HelpRequest.Status.DRAFT
    assert help_request.organisation == organisation
    assert help_request.created_by == coordinator
    assert help_request.schedule == "weekly"
    assert help_request.weekly_slots == slot_bit(1, 0) | slot_bit(1, 2)
    assert help_request.requires_fuehrungszeugnis is True
    assert help_request.helpers_needed == 2
    assert help_request.address == "Westenmauer 10, 59227 Ahlen"
    assert sorted(help_request.languages.values_list("code", "min_level")) == [
        ("ar", 2),
        ("uk", 3),
    ]
    page = coordinator_client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="3" id="id_weekly_slots_3" checked' in text
    assert 'value="4" id="id_weekly_slots_4" checked' not in text
    assert "Veröffentlichen" in text


def test_a_one_off_request_keeps_its_date_and_drops_weekly_slots(
    coordinator_client, organisation, ahlen, area
):
    starts = (timezone.localtime() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    coordinator_client.post(
        create_url(organisation),
        form_data(
            ahlen,
            area,
            schedule="once",
            starts_at=starts.strftime("%Y-%m-%dT%H:%M"),
            weekly_slots=["0"],
        ),
    )
    help_request = HelpRequest.objects.get()
    assert help_request.starts_at == starts
    assert help_request.weekly_slots == 0
    page = coordinator_client.get(edit_url(help_request)).content.decode()
    assert f'value="{starts.strftime("%Y-%m-%dT%H:%M")}"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"helpers_needed": "51"}, "helpers_needed", "zwischen 1 und 50"),
        ({"helpers_needed": "0"}, "helpers_needed", "zwischen 1 und 50"),
        ({"open_until": "2020-01-01"}, "open_until", "Vergangenheit"),
        ({"schedule": "once", "starts_at": ""}, "starts_at", "Termin"),
        ({"schedule": "once", "starts_at": "2020-01-01T10:00"}, "starts_at", "Vergangenheit"),
        ({"schedule": "weekly"}, "weekly_slots", "mindestens eine"),
        ({"language_1": "ar"}, "language_1", "schon ausgewählt"),
        ({"title": ""}, "title", "erforderlich"),
        ({"activity_area": "999999"}, "activity_area", "gültige Auswahl"),
    ],
)
def test_bad_input_is_named_at_its_field_and_nothing_is_created(
    coordinator_client, organisation, ahlen, area, overrides, field, message
):
    response = coordinator_client.post(
        create_url(organisation), form_data(ahlen, area, **overrides)
    )
    assert response.status_code == 400
    errors = errors_of(response)
    assert field in errors, errors
    assert message in errors[field]
    assert "Bitte prüfen Sie Ihre Angaben." in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_another_organisations_id_in_the_url_is_not_found(
    coordinator_client, other_coordinator, ahlen, area
):
    foreign = other_coordinator.memberships.get().organisation
    assert coordinator_client.get(create_url(foreign)).status_code == 404
    assert coordinator_client.post(create_url(foreign), form_data(ahlen, area)).status_code == 404
    assert not HelpRequest.objects.exists()


def test_an_organisation_named_in_the_body_is_ignored(
    coordinator_client, organisation, other_coordinator, ahlen, area
):
    foreign = other_coordinator.memberships.get().organisation
    coordinator_client.post(
        create_url(organisation),
        form_data(ahlen, area, organisation=foreign.pk, status="open", confirmed_count="5"),
    )
    help_request = HelpRequest.objects.get()
    assert help_request.organisation == organisation
    assert help_request.status == HelpRequest.Status.DRAFT
    assert help_request.confirmed_count == 0


def test_a_pending_organisation_is_told_why_it_cannot_post_yet(
    coordinator_client, pending_organisation, ahlen, area
):
    page = coordinator_client.get(create_url(pending_organisation))
    assert page.status_code == 200
    text = page.content.decode()
    assert "noch vom Kommunalen Integrationszentrum geprüft" in text
    assert 'name="title"' not in text
    refused = coordinator_client.post(create_url(pending_organisation), form_data(ahlen, area))
    assert refused.status_code == 403
    assert "noch vom Kommunalen Integrationszentrum geprüft" in refused.content.decode()
    assert not HelpRequest.objects.exists()


# --- Edit -----------------------------------------------------------------------------------


def test_editing_changes_the_fields_and_replaces_the_languages(
    coordinator_client, draft_request, ahlen, telgte, area
):
    HelpRequestLanguage.objects.create(help_request=draft_request, code="fa", min_level=1)
    form = coordinator_client.get(edit_url(draft_request)).context["form"]
    assert form["language_0"].value() == "fa"
    assert form["title"].value() == draft_request.title
    response = coordinator_client.post(
        edit_url(draft_request),
        form_data(telgte, area, title="Neuer Titel", helpers_needed="4", language_0="tr"),
    )
    assert response.status_code == 302
    draft_request.refresh_from_db()
    assert (draft_request.title, draft_request.town, draft_request.helpers_needed) == (
        "Neuer Titel",
        telgte,
        4,
    )
    assert list(draft_request.languages.values_list("code", "min_level")) == [("tr", 2)]


def test_bad_input_on_edit_changes_nothing(coordinator_client, open_request, ahlen, area):
    before = HelpRequest.objects.filter(pk=open_request.pk).values().get()
    for overrides in (
        {"helpers_needed": "51", "title": "Geändert"},
        {"open_until": "2020-01-01", "title": "Geändert"},
        {"schedule": "once", "starts_at": "", "title": "Geändert"},
    ):
        response = coordinator_client.post(
            edit_url(open_request), form_data(ahlen, area, **overrides)
        )
        assert response.status_code == 400
    assert HelpRequest.objects.filter(pk=open_request.pk).values().get() == before
    assert not open_request.languages.exists()


def test_fewer_helpers_than_already_confirmed_is_refused(
    coordinator_client, open_request, ahlen, area
):
    HelpRequest.objects.filter(pk=open_request.pk).update(helpers_needed=3, confirmed_count=2)
    response = coordinator_client.post(
        edit_url(open_request), form_data(ahlen, area, helpers_needed="1")
    )
    assert response.status_code == 400
    assert "schon 2 Helfende bestätigt" in errors_of(response)["helpers_needed"]
    open_request.refresh_from_db()
    assert open_request.helpers_needed == 3


def test_another_organisations_request_is_not_found_and_not_changed(
    client, other_coordinator, open_request, ahlen, area
):
    client.force_login(other_coordinator)
    assert client.get(edit_url(open_request)).status_code == 404
    response = client.post(edit_url(open_request), form_data(ahlen, area, title="Übernommen"))
    assert response.status_code == 404
    open_request.refresh_from_db()
    assert open_request.title != "Übernommen"


def test_a_foreign_request_in_the_body_is_ignored(
    coordinator_client, draft_request, other_coordinator, ahlen, area
):
    foreign = HelpRequestFactory(organisation=other_coordinator.memberships.get().organisation)
    title = foreign.title
    coordinator_client.post(
        edit_url(draft_request),
        form_data(
            ahlen, area, title="Nur meins", pk=foreign.pk, id=foreign.pk, help_request=foreign.pk
        ),
    )
    foreign.refresh_from_db()
    draft_request.refresh_from_db()
    assert foreign.title == title
    assert draft_request.title == "Nur meins"


def test_a_closed_request_is_not_editable(coordinator_client, organisation, ahlen, area):
    closed = HelpRequestFactory(organisation=organisation, closed=True, title="Vorbei")
    page = coordinator_client.get(edit_url(closed)).content.decode()
    assert "kann nicht mehr geändert werden" in page
    assert 'name="title"' not in page
    response = coordinator_client.post(edit_url(closed), form_data(ahlen, area, title="Wieder da"))
    assert response.status_code == 400
    assert "geschlossenes Hilfegesuch" in response.content.decode()
    closed.refresh_from_db()
    assert closed.title == "Vorbei"


# --- Open and close -------------------------------------------------------------------------


def publish(client, help_request):
    return client.post(
        reverse("volunteers:help_request_publish", args=[help_request.pk]), follow=True
    )


def close(client, help_request):
    return client.post(
        reverse("volunteers:help_request_close", args=[help_request.pk]), follow=True
    )


def test_publishing_opens_a_draft_and_puts_it_into_the_public_list(
    coordinator_client, client, draft_request
):
    response = publish(coordinator_client, draft_request)
    assert "ist veröffentlicht" in response.content.decode()
    draft_request.refresh_from_db()
    assert draft_request.status == HelpRequest.Status.OPEN
    assert draft_request.opened_at is not None
    public = client.get(reverse("volunteers:help_request_list")).content.decode()
    assert draft_request.title in public


def test_publishing_twice_or_after_the_end_date_is_refused_with_a_message(
    coordinator_client, draft_request
):
    HelpRequest.objects.filter(pk=draft_request.pk).update(open_until=in_days(-1))
    response = publish(coordinator_client, draft_request)
    assert "Vergangenheit" in response.content.decode()
    draft_request.refresh_from_db()
    assert draft_request.status == HelpRequest.Status.DRAFT

    HelpRequest.objects.filter(pk=draft_request.pk).update(open_until=in_days(5))
    publish(coordinator_client, draft_request)
    again = publish(coordinator_client, draft_request)
    assert "nicht möglich" in again.content.decode()


def test_closing_ends_the_request_and_a_second_close_is_refused(coordinator_client, open_request):
    assert "ist geschlossen" in close(coordinator_client, open_request).content.decode()
    open_request.refresh_from_db()
    assert open_request.status == HelpRequest.Status.CLOSED
    assert "nicht möglich" in close(coordinator_client, open_request).content.decode()


def test_others_can_neither_publish_nor_close(
    client, other_coordinator, draft_request, open_request
):
    client.force_login(other_coordinator)
    assert (
        client.post(reverse("volunteers:help_request_publish", args=[draft_request.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("volunteers:help_request_close", args=[open_request.pk])).status_code
        == 404
    )
    draft_request.refresh_from_db()
    open_request.refresh_from_db()
    assert (draft_request.status, open_request.status) == ("draft", "open")


def test_a_pending_organisations_existing_draft_cannot_be_published(
    coordinator_client, pending_organisation
):
    draft = HelpRequestFactory(organisation=pending_organisation)
    response = coordinator_client.post(reverse("volunteers:help_request_publish", args=[draft.pk]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == HelpRequest.Status.DRAFT


def test_ki_staff_with_two_factor_see_but_do_not_write_requests(client, organisation):
    staff = UserFactory(ki_staff=True)
    user_set_totp(user=staff, secret=TOTP_SECRET)
    client.force_login(staff)
    assert client.get(create_url(organisation)).status_code == 403
    assert client.get(create_url(OrganisationFactory())).status_code == 403
    assert client.post(create_url(organisation), {}).status_code == 403
