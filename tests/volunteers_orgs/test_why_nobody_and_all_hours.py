"""The management page when nobody fits (it says which condition left nobody), confirming all
listed hours at once (each through the one confirmation, nothing refused silently), and the
invite question above the suggestions it applies to."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory
from tests.volunteers.conftest import contactable_volunteer
from tests.volunteers.factories import AssignmentFactory, HelpRequestFactory, HoursEntryFactory
from volunteers.models import HoursEntry, VolunteerLanguage
from volunteers.services.hours import hours_confirm
from volunteers.services.reference import town_distances_refresh

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def manage(client, help_request, **query):
    url = reverse("volunteers:help_request_manage", args=[help_request.pk])
    return client.get(url, query)


# --- Why nobody -------------------------------------------------------------------------------


def test_no_suggestion_names_the_condition_that_left_nobody(
    coordinator_client, organisation, area, ahlen
):
    town_distances_refresh()
    request = HelpRequestFactory(
        organisation=organisation,
        town=ahlen,
        activity_area=area,
        open=True,
        requires_fuehrungszeugnis=True,
    )
    for name in ("Anna A", "Berta B", "Carl C"):
        contactable_volunteer(full_name=name, profile__town=ahlen)
    page = text_of(manage(coordinator_client, request))
    assert "Zurzeit passt niemand, der noch angefragt werden darf." in page
    assert (
        "Führungszeugnis erforderlich: 0 von 3 Personen in Reichweite haben ein gültiges." in page
    )
    assert "(Hier bleibt niemand übrig.)" in page
    assert "In Reichweite von Ahlen: 3 von 3 ansprechbaren Personen" in page
    # The steps after the one that left nobody would all read "0 von 0": not shown.
    assert "Höchstens 3 Anfragen in sieben Tagen" not in page


def test_when_somebody_is_suggested_there_is_no_funnel(
    coordinator_client, organisation, area, ahlen
):
    town_distances_refresh()
    request = HelpRequestFactory(
        organisation=organisation, town=ahlen, activity_area=area, open=True
    )
    contactable_volunteer(full_name="Anna A", profile__town=ahlen)
    response = manage(coordinator_client, request)
    assert response.context["suggestions"]
    assert response.context["funnel"] is None
    assert 'id="funnel-suggestions-title"' not in response.content.decode()


def test_an_empty_search_names_the_filter_that_left_nobody(
    coordinator_client, open_request, ahlen, telgte
):
    for name in ("Anna A", "Berta B"):
        person = contactable_volunteer(full_name=name, profile__town=ahlen)
        VolunteerLanguage.objects.create(profile=person.volunteer_profile, code="uk", level=3)
    contactable_volunteer(full_name="Tom T", profile__town=telgte)
    page = text_of(
        manage(coordinator_client, open_request, town="ahlen", language="ar", activity="")
    )
    assert "0 Personen gefunden" in page
    assert "Wohnort „Ahlen“: 2 von 3 ansprechbaren Personen wohnen dort." in page
    assert "Sprache „Arabisch“: 0 von 2 übrigen Personen sprechen sie." in page


def test_a_search_with_results_shows_no_funnel(coordinator_client, open_request, ahlen):
    contactable_volunteer(full_name="Anna A", profile__town=ahlen)
    response = manage(coordinator_client, open_request, town="ahlen", language="", activity="")
    assert response.context["search_funnel"] is None


# --- The invite question above its list -------------------------------------------------------


def test_the_invite_question_comes_before_the_people_it_applies_to(
    coordinator_client, organisation, area, ahlen
):
    town_distances_refresh()
    request = HelpRequestFactory(
        organisation=organisation, town=ahlen, activity_area=area, open=True
    )
    contactable_volunteer(full_name="Anna A", profile__town=ahlen)
    html = manage(coordinator_client, request).content.decode()
    form = html[html.index('id="vorschlaege"') :]
    message, button, first_person = (
        form.index('name="message"'),
        form.index("Ausgewählte einladen"),
        form.index('name="volunteers"'),
    )
    assert message < button < first_person


# --- Confirming all listed hours --------------------------------------------------------------


@pytest.fixture
def helpers(open_request):
    return [
        AssignmentFactory(
            help_request=open_request,
            volunteer=contactable_volunteer(full_name=name),
            confirmed=True,
        )
        for name in ("Anna Arabisch", "Boris Bauer")
    ]


def yesterday(days=1):
    return timezone.localdate() - dt.timedelta(days=days)


def test_all_listed_hours_are_confirmed_and_the_page_says_how_many(
    coordinator_client, coordinator, open_request, helpers
):
    entries = [
        HoursEntryFactory(assignment=helpers[0], date=yesterday(1)),
        HoursEntryFactory(assignment=helpers[0], date=yesterday(2)),
        HoursEntryFactory(assignment=helpers[1], date=yesterday(1)),
    ]
    page = manage(coordinator_client, open_request)
    assert "3 Einträge warten auf Ihre Bestätigung." in text_of(page)
    listed = re.findall(r'name="entries" value="(\d+)"', page.content.decode())
    assert sorted(map(int, listed)) == sorted(e.pk for e in entries)

    response = coordinator_client.post(
        reverse("volunteers:help_request_hours_confirm_all", args=[open_request.pk]),
        {"entries": listed},
        follow=True,
    )
    assert "3 Einträge bestätigt." in text_of(response)
    assert set(HoursEntry.objects.values_list("status", flat=True)) == {"confirmed"}
    assert set(HoursEntry.objects.values_list("reviewed_by", flat=True)) == {coordinator.pk}
    # Each through the one confirmation: every volunteer is told about each entry.
    assert Notification.objects.filter(kind="volunteers.hours_confirmed").count() == 3


def test_hours_answered_meanwhile_or_logged_since_are_named_not_confirmed_silently(
    coordinator_client, organisation, open_request, helpers
):
    listed = [
        HoursEntryFactory(assignment=helpers[0], date=yesterday(1)),
        HoursEntryFactory(assignment=helpers[1], date=yesterday(3), hours=Decimal("4.00")),
    ]
    colleague = MembershipFactory(organisation=organisation, user=UserFactory()).user
    hours_confirm(entry=listed[1], actor=colleague)  # while the page was open
    logged_since = HoursEntryFactory(assignment=helpers[0], date=yesterday(4))
    of_another_request = HoursEntryFactory(
        assignment=AssignmentFactory(
            help_request=HelpRequestFactory(organisation=organisation, open=True), confirmed=True
        )
    )

    response = coordinator_client.post(
        reverse("volunteers:help_request_hours_confirm_all", args=[open_request.pk]),
        {"entries": [listed[0].pk, listed[1].pk, of_another_request.pk]},
        follow=True,
    )
    page = text_of(response)
    assert "1 Eintrag bestätigt." in page
    date = yesterday(3).strftime("%d.%m.%Y")
    assert (
        f"Nicht bestätigt: Boris Bauer, {date}, 4,00 Stunden – Diese Stunden wurden "
        "inzwischen schon bestätigt." in page
    )
    assert "1 aufgeführter Eintrag gehört nicht (mehr) zu diesem Hilfegesuch" in page
    for entry, status in (
        (listed[0], "confirmed"),
        (logged_since, "submitted"),
        (of_another_request, "submitted"),
    ):
        entry.refresh_from_db()
        assert entry.status == status


def test_confirm_all_appears_only_with_more_than_one_entry_waiting(
    coordinator_client, open_request, helpers
):
    HoursEntryFactory(assignment=helpers[0])
    assert "Alle bestätigen" not in text_of(manage(coordinator_client, open_request))
    HoursEntryFactory(assignment=helpers[1])
    assert "Alle bestätigen" in text_of(manage(coordinator_client, open_request))


def test_confirm_all_without_entries_says_so(coordinator_client, open_request):
    response = coordinator_client.post(
        reverse("volunteers:help_request_hours_confirm_all", args=[open_request.pk]),
        follow=True,
    )
    assert "Es waren keine offenen Stunden aufgeführt." in text_of(response)


def test_another_organisations_coordinator_cannot_confirm_all(
    client, other_coordinator, open_request, helpers
):
    entry = HoursEntryFactory(assignment=helpers[0])
    client.force_login(other_coordinator)
    response = client.post(
        reverse("volunteers:help_request_hours_confirm_all", args=[open_request.pk]),
        {"entries": [entry.pk]},
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.SUBMITTED
