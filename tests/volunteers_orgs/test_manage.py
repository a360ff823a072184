"""The management page of a help request: finding volunteers, inviting them, answering offers,
seeing contact details of confirmed helpers only, confirming hours."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory, VolunteerFactory
from tests.volunteers.conftest import contactable_volunteer
from tests.volunteers.factories import (
    AssignmentFactory,
    FuehrungszeugnisRecordFactory,
    HelpRequestFactory,
    HoursEntryFactory,
)
from volunteers.models import Assignment, Consent, HelpRequest, HoursEntry, VolunteerLanguage
from volunteers.services.consents import consent_give, consent_withdraw

pytestmark = pytest.mark.django_db


def manage_url(help_request, **query) -> str:
    url = reverse("volunteers:help_request_manage", args=[help_request.pk])
    if query:
        url += "?" + urlencode(query)
    return url


def found(client, help_request, **query) -> list[str]:
    """Full names of the users the search shows (the page itself shows first names)."""
    response = client.get(manage_url(help_request, **query))
    assert response.status_code == 200
    return sorted(profile.user.full_name for profile in response.context["page"])


def speaks(volunteer, code: str, level: int = 3) -> None:
    VolunteerLanguage.objects.create(profile=volunteer.volunteer_profile, code=code, level=level)


def does(volunteer, area) -> None:
    volunteer.volunteer_profile.activity_areas.add(area)


# --- Search ---------------------------------------------------------------------------------


def test_search_filters_by_town_language_and_activity(
    coordinator_client, open_request, ahlen, telgte, area, other_area
):
    anna = contactable_volunteer(full_name="Anna A", profile__town=ahlen)
    speaks(anna, "ar")
    does(anna, area)
    tom = contactable_volunteer(full_name="Tom T", profile__town=telgte)
    speaks(tom, "ar", 1)
    does(tom, other_area)
    uli = contactable_volunteer(full_name="Uli U", profile__town=ahlen)
    speaks(uli, "uk")
    does(uli, other_area)

    every = {"town": "", "language": "", "activity": ""}
    assert found(coordinator_client, open_request, **every) == ["Anna A", "Tom T", "Uli U"]
    assert found(coordinator_client, open_request, **{**every, "town": "ahlen"}) == [
        "Anna A",
        "Uli U",
    ]
    assert found(coordinator_client, open_request, **{**every, "language": "ar"}) == [
        "Anna A",
        "Tom T",
    ]
    assert found(coordinator_client, open_request, **{**every, "activity": other_area.slug}) == [
        "Tom T",
        "Uli U",
    ]
    assert found(
        coordinator_client, open_request, town="telgte", language="ar", activity=other_area.slug
    ) == ["Tom T"]
    assert found(coordinator_client, open_request, **{**every, "town": "nirgendwo"}) == [
        "Anna A",
        "Tom T",
        "Uli U",
    ], "an unknown filter value is ignored, not an error"


def test_before_the_first_search_the_requests_town_activity_and_language_are_preset(
    coordinator_client, open_request, ahlen, telgte, area
):
    open_request.languages.create(code="ar", min_level=1)
    match = contactable_volunteer(full_name="Passt Genau", profile__town=ahlen)
    speaks(match, "ar")
    does(match, area)
    elsewhere = contactable_volunteer(full_name="Anderswo Wohnt", profile__town=telgte)
    speaks(elsewhere, "ar")
    does(elsewhere, area)
    response = coordinator_client.get(manage_url(open_request))
    assert response.context["form"]["town"].value() == "ahlen"
    assert [p.user.full_name for p in response.context["page"]] == ["Passt Genau"]


def test_search_leaves_out_whom_a_coordinator_may_not_contact(
    coordinator_client, open_request, ahlen
):
    contactable_volunteer(full_name="Darf Gefragt")
    contactable_volunteer(full_name="Noch Unfertig", profile__onboarding_completed_at=None)
    UserFactory(full_name="Ohne Profil")
    VolunteerFactory(full_name="Ohne Einwilligung")
    withdrawn = contactable_volunteer(full_name="Hat Widerrufen")
    consent_withdraw(user=withdrawn, kind=Consent.Kind.CONTACT)
    contactable_volunteer(full_name="Konto Inaktiv", is_active=False)
    contactable_volunteer(full_name="Adresse Unbestaetigt", verified=False)
    other_consent_only = VolunteerFactory(full_name="Nur Newsletter")
    consent_give(user=other_consent_only, kind=Consent.Kind.DIGEST)
    assert found(coordinator_client, open_request, town="", language="", activity="") == [
        "Darf Gefragt"
    ]


def test_a_request_needing_a_fuehrungszeugnis_finds_only_volunteers_with_a_valid_one(
    coordinator_client, organisation, area
):
    request = HelpRequestFactory(
        organisation=organisation, activity_area=area, open=True, requires_fuehrungszeugnis=True
    )
    valid = contactable_volunteer(full_name="Mit Gueltigem")
    FuehrungszeugnisRecordFactory(volunteer=valid)
    old = contactable_volunteer(full_name="Mit Altem")
    FuehrungszeugnisRecordFactory(
        volunteer=old, certificate_date=timezone.localdate() - dt.timedelta(days=5 * 366)
    )
    contactable_volunteer(full_name="Ohne Zeugnis")
    assert found(coordinator_client, request, town="", language="", activity="") == [
        "Mit Gueltigem"
    ]


def test_search_results_show_first_name_town_languages_and_areas_but_no_contact_data(
    coordinator_client, open_request, ahlen, area
):
    person = contactable_volunteer(
        full_name="Samira Beispielname", email="samira@example.org", profile__town=ahlen
    )
    person.volunteer_profile.phone = "02382 123456"
    person.volunteer_profile.save(update_fields=["phone"])
    consent_give(user=person, kind=Consent.Kind.PHONE)
    speaks(person, "ar")
    does(person, area)
    page = coordinator_client.get(manage_url(open_request, town="", language="", activity=""))
    text = page.content.decode()
    assert "Samira" in text
    assert "Beispielname" not in text
    assert "samira@example.org" not in text
    assert "123456" not in text
    assert "Arabisch (Muttersprache)" in text
    assert "Sprachförderung" in text
    assert "Ahlen" in text


def test_search_is_paginated_by_twenty(coordinator_client, open_request):
    for n in range(23):
        contactable_volunteer(full_name=f"Person {n:02d}")
    first = coordinator_client.get(manage_url(open_request, town="", language="", activity=""))
    assert len(first.context["page"].object_list) == 20
    second = coordinator_client.get(
        manage_url(open_request, town="", language="", activity="", page=2)
    )
    assert [p.user.full_name for p in second.context["page"]] == [
        "Person 20",
        "Person 21",
        "Person 22",
    ]


# --- Inviting -------------------------------------------------------------------------------


def invite(client, help_request, volunteer, **extra):
    return client.post(
        reverse("volunteers:help_request_invite", args=[help_request.pk]),
        {"volunteer": volunteer.pk, **extra},
    )


def test_inviting_from_the_search_creates_the_invitation_and_keeps_the_search(
    coordinator_client, open_request, helper, coordinator
):
    response = invite(coordinator_client, open_request, helper, town="ahlen", page="1", evil="x")
    assert response.status_code == 302
    assert response["Location"] == manage_url(open_request, town="ahlen", page="1") + "#suche"
    assignment = Assignment.objects.get()
    assert (assignment.volunteer, assignment.status, assignment.invited_by) == (
        helper,
        "invited",
        coordinator,
    )
    assert Notification.objects.filter(kind="volunteers.invitation", recipient=helper).exists()
    page = coordinator_client.get(response["Location"])
    text = page.content.decode()
    assert "Die Einladung an Hanna ist verschickt." in text
    row = next(p for p in page.context["page"] if p.user_id == helper.pk)
    assert row.assignment_status == "invited"


def test_inviting_twice_or_someone_not_findable_is_refused_with_a_message(
    coordinator_client, open_request, helper
):
    invite(coordinator_client, open_request, helper)
    again = coordinator_client.get(
        invite(coordinator_client, open_request, helper)["Location"]
    ).content.decode()
    assert "schon eine Anfrage oder Zusage" in again
    no_consent = VolunteerFactory()
    refused = coordinator_client.get(
        invite(coordinator_client, open_request, no_consent)["Location"]
    ).content.decode()
    assert "kann nicht eingeladen werden" in refused
    for bad in ("", "abc", "-1", "999999"):
        coordinator_client.post(
            reverse("volunteers:help_request_invite", args=[open_request.pk]), {"volunteer": bad}
        )
    assert Assignment.objects.count() == 1


def test_a_draft_offers_no_invitation_and_refuses_one(coordinator_client, draft_request, helper):
    page = coordinator_client.get(manage_url(draft_request, town="", language="", activity=""))
    assert 'name="volunteer"' not in page.content.decode()
    follow = coordinator_client.get(invite(coordinator_client, draft_request, helper)["Location"])
    assert "nicht mehr offen" in follow.content.decode()
    assert not Assignment.objects.exists()


def test_coordinators_of_another_organisation_get_404_everywhere_on_the_management_pages(
    client, other_coordinator, open_request, helper
):
    offered = AssignmentFactory(help_request=open_request, offered=True)
    entry = HoursEntryFactory(
        assignment=AssignmentFactory(help_request=open_request, confirmed=True)
    )
    client.force_login(other_coordinator)
    assert client.get(manage_url(open_request)).status_code == 404
    assert invite(client, open_request, helper).status_code == 404
    for action in ("accept", "decline", "withdraw"):
        url = reverse(
            f"volunteers:help_request_assignment_{action}", args=[open_request.pk, offered.pk]
        )
        assert client.post(url).status_code == 404
    for action in ("confirm", "reject"):
        url = reverse(f"volunteers:help_request_hours_{action}", args=[open_request.pk, entry.pk])
        assert client.post(url).status_code == 404
    offered.refresh_from_db()
    entry.refresh_from_db()
    assert (offered.status, entry.status) == ("offered", "submitted")
    assert not Assignment.objects.filter(volunteer=helper).exists()


# --- Helpers and their contact details ------------------------------------------------------


def test_contact_details_are_shown_for_confirmed_helpers_only(coordinator_client, open_request):
    def person(name, email, phone="", phone_consent=False):
        volunteer = contactable_volunteer(full_name=name, email=email)
        if phone:
            volunteer.volunteer_profile.phone = phone
            volunteer.volunteer_profile.save(update_fields=["phone"])
        if phone_consent:
            consent_give(user=volunteer, kind=Consent.Kind.PHONE)
        return volunteer

    HelpRequest.objects.filter(pk=open_request.pk).update(helpers_needed=5)
    confirmed = person("Conny Bestätigt", "conny@example.org", "0111 1111", phone_consent=True)
    confirmed_no_phone = person("Bernd Ohnetel", "bernd@example.org", "0222 2222")
    invited = person("Ines Eingeladen", "ines@example.org", "0333 3333", phone_consent=True)
    offered = person("Otto Angeboten", "otto@example.org", "0444 4444", phone_consent=True)
    gone = person("Wanda Weg", "wanda@example.org", "0555 5555", phone_consent=True)
    AssignmentFactory(help_request=open_request, volunteer=confirmed, confirmed=True)
    AssignmentFactory(help_request=open_request, volunteer=confirmed_no_phone, confirmed=True)
    AssignmentFactory(help_request=open_request, volunteer=invited, invited=True)
    AssignmentFactory(help_request=open_request, volunteer=offered, offered=True)
    AssignmentFactory(help_request=open_request, volunteer=gone, withdrawn=True)

    text = coordinator_client.get(manage_url(open_request)).content.decode()
    assert "conny@example.org" in text and "0111 1111" in text
    assert "Conny Bestätigt" in text
    assert "bernd@example.org" in text and "0222 2222" not in text
    for hidden in ("ines@", "0333", "otto@", "0444", "wanda@", "0555", "Eingeladen<", "Angeboten<"):
        assert hidden not in text, hidden
    assert "Ines" in text and "Otto" in text


def test_accepting_and_declining_offers_and_withdrawing(coordinator_client, open_request):
    first = AssignmentFactory(help_request=open_request, offered=True)
    second = AssignmentFactory(help_request=open_request, offered=True)
    invited = AssignmentFactory(help_request=open_request, invited=True)

    def act(action, assignment):
        url = reverse(
            f"volunteers:help_request_assignment_{action}", args=[open_request.pk, assignment.pk]
        )
        response = coordinator_client.post(url)
        assert response.status_code == 302
        assert response["Location"] == manage_url(open_request) + "#helfende"
        assignment.refresh_from_db()
        return coordinator_client.get(response["Location"]).content.decode()

    assert "Angebot angenommen" in act("accept", first)
    assert first.status == "confirmed"
    assert "Angebot abgelehnt" in act("decline", second)
    assert second.status == "declined"
    assert "Einladung ist zurückgezogen" in act("withdraw", invited)
    assert invited.status == "withdrawn"
    open_request.refresh_from_db()
    assert (open_request.confirmed_count, open_request.status) == (1, "filled")
    assert "Einsatz ist beendet" in act("withdraw", first)
    open_request.refresh_from_db()
    assert (open_request.confirmed_count, open_request.status) == (0, "open")


def test_a_coordinator_cannot_accept_an_invitation_in_the_volunteers_place(
    coordinator_client, open_request
):
    invited = AssignmentFactory(help_request=open_request, invited=True)
    url = reverse("volunteers:help_request_assignment_accept", args=[open_request.pk, invited.pk])
    assert coordinator_client.post(url).status_code == 403
    invited.refresh_from_db()
    assert invited.status == "invited"


def test_an_assignment_of_another_request_in_the_url_is_not_found(
    coordinator_client, organisation, open_request
):
    other_request = HelpRequestFactory(organisation=organisation, open=True)
    foreign = AssignmentFactory(help_request=other_request, offered=True)
    url = reverse("volunteers:help_request_assignment_accept", args=[open_request.pk, foreign.pk])
    assert coordinator_client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "offered"


# --- Hours ----------------------------------------------------------------------------------


def test_hours_are_confirmed_or_rejected_on_the_page(coordinator_client, open_request):
    assignment = AssignmentFactory(help_request=open_request, confirmed=True)
    to_confirm = HoursEntryFactory(assignment=assignment, hours=Decimal("2.5"))
    to_reject = HoursEntryFactory(
        assignment=assignment, date=timezone.localdate() - dt.timedelta(days=2)
    )
    page = coordinator_client.get(manage_url(open_request)).content.decode()
    assert "2,50" in page or "2.50" in page

    def review(action, entry):
        url = reverse(f"volunteers:help_request_hours_{action}", args=[open_request.pk, entry.pk])
        response = coordinator_client.post(url)
        assert response["Location"] == manage_url(open_request) + "#stunden"
        entry.refresh_from_db()
        return coordinator_client.get(response["Location"]).content.decode()

    assert "Stunden bestätigt" in review("confirm", to_confirm)
    assert to_confirm.status == HoursEntry.Status.CONFIRMED
    assert Notification.objects.filter(kind="volunteers.hours_confirmed").count() == 1
    assert "Stunden abgelehnt" in review("reject", to_reject)
    assert to_reject.status == HoursEntry.Status.REJECTED
    # Reviewed once is reviewed for good.
    assert "nicht möglich" in review("reject", to_confirm)
    assert to_confirm.status == HoursEntry.Status.CONFIRMED


def test_hours_of_another_request_in_the_url_are_not_found(
    coordinator_client, organisation, open_request
):
    other = HelpRequestFactory(organisation=organisation, open=True)
    entry = HoursEntryFactory(assignment=AssignmentFactory(help_request=other, confirmed=True))
    url = reverse("volunteers:help_request_hours_confirm", args=[open_request.pk, entry.pk])
    assert coordinator_client.post(url).status_code == 404
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.SUBMITTED


def test_a_second_coordinator_of_the_organisation_manages_too(client, organisation, open_request):
    colleague = MembershipFactory(organisation=organisation).user
    client.force_login(colleague)
    assert client.get(manage_url(open_request)).status_code == 200
