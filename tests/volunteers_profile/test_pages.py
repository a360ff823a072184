"""The onboarding and profile pages, as a browser without JavaScript uses them."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory, VolunteerFactory
from tests.volunteers.factories import FuehrungszeugnisRecordFactory
from volunteers.models import ActivityArea, VolunteerProfile, slot_bit
from volunteers.services.profiles import profile_complete

pytestmark = pytest.mark.django_db


def step_url(n: int) -> str:
    return reverse("volunteers:onboarding", kwargs={"step": n})


def edit_url(section: str) -> str:
    return reverse("volunteers:profile_edit", kwargs={"section": section})


def text(response) -> str:
    return response.content.decode()


def field_error(response, field_id: str) -> str:
    """The error message shown at a field (its aria-describedby error element)."""
    html = text(response)
    match = re.search(rf'id="{field_id}-error">.*?<span class="kern-body">(.*?)</span>', html, re.S)
    assert match, f"no error at {field_id}"
    return match.group(1)


# --- Steps ----------------------------------------------------------------------------------


def test_step_shows_schritt_n_von_5_as_title_and_heading(member_client, reference):
    response = member_client.get(step_url(1))
    assert response.status_code == 200
    html = text(response)
    assert re.search(r"<title>Schritt 1 von 5: Wohnort", html)
    assert re.search(r"<h1[^>]*>Schritt 1 von 5: Wohnort</h1>", html)
    assert '<option value="" selected>Bitte wählen</option>' in html
    assert html.count("<option value=") == 14  # 13 towns of the district


def test_postal_code_of_another_town_is_shown_at_the_field_and_nothing_is_saved(
    member_client, member, ahlen
):
    response = member_client.post(step_url(1), {"town": ahlen.pk, "postal_code": "48291"})
    assert response.status_code == 200
    message = field_error(response, "id_postal_code")
    assert "59227, 59229" in message and "Telgte" in message
    assert 'aria-invalid="true"' in text(response)
    assert not VolunteerProfile.objects.filter(user=member).exists()


def test_step_one_creates_the_profile_and_goes_on(member_client, member, ahlen):
    response = member_client.post(step_url(1), {"town": ahlen.pk, "postal_code": "59227"})
    assert response.status_code == 302 and response.url == step_url(2)
    profile = member.volunteer_profile
    assert (profile.town, profile.postal_code, profile.onboarding_step) == (ahlen, "59227", 2)


def test_later_steps_cannot_be_skipped_to(member_client, reference):
    response = member_client.get(step_url(4))
    assert response.status_code == 302 and response.url == step_url(1)
    assert member_client.get(step_url(6)).status_code == 404
    assert member_client.get(reverse("volunteers:onboarding_resume")).url == step_url(1)


def test_duplicate_language_is_refused_at_its_row(member_client, ready_profile):
    response = member_client.post(
        step_url(2),
        {"rows": "3", "lang_0": "ar", "level_0": "3", "lang_1": "ar", "level_1": "1"},
    )
    assert response.status_code == 200
    assert "Arabisch steht schon in Zeile 1" in field_error(response, "id_lang_1")
    assert sorted(ready_profile.languages.values_list("code", flat=True)) == ["ar", "de"]


def test_no_language_is_refused(member_client, ready_profile):
    response = member_client.post(step_url(2), {"rows": "3"})
    assert "mindestens eine Sprache" in field_error(response, "id_lang_0")
    assert ready_profile.languages.count() == 2


def test_language_without_level_is_refused_at_the_level(member_client, ready_profile):
    response = member_client.post(step_url(2), {"rows": "3", "lang_0": "uk"})
    assert "Ukrainisch" in field_error(response, "id_level_0")


def test_common_languages_are_offered_first(member_client, ready_profile):
    html = text(member_client.get(step_url(2)))
    select = html.split('id="id_lang_0"', 1)[1].split("</select>", 1)[0]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values[:6] == ["", "de", "ar", "uk", "ru", "fa"]
    assert 'value="de" selected' in select  # the saved list is shown


def test_another_language_row_without_javascript_saves_nothing(member_client, ready_profile):
    response = member_client.post(
        step_url(2),
        {"rows": "3", "lang_0": "tr", "level_0": "2", "add_row": "1"},
    )
    assert response.status_code == 200
    html = text(response)
    assert 'id="id_lang_3"' in html and 'id="id_lang_4"' not in html
    assert 'name="rows" value="4"' in html
    assert "Bitte prüfen Sie" not in html  # no errors for the rows not filled yet
    assert sorted(ready_profile.languages.values_list("code", flat=True)) == ["ar", "de"]


def test_languages_with_levels_are_saved(member_client, ready_profile):
    response = member_client.post(
        step_url(2),
        {"rows": "4", "lang_0": "uk", "level_0": "3", "lang_3": "de", "level_3": "1"},
    )
    assert response.status_code == 302
    assert sorted(ready_profile.languages.values_list("code", "level")) == [("de", 1), ("uk", 3)]


def test_activity_areas_step(member_client, ready_profile):
    response = member_client.post(step_url(3), {})
    assert "mindestens einen Bereich" in field_error(response, "id_activity_areas")
    area = ActivityArea.objects.get(slug="fahrdienste")
    response = member_client.post(step_url(3), {"activity_areas": [area.pk]})
    assert response.status_code == 302 and response.url == step_url(4)
    assert list(ready_profile.activity_areas.all()) == [area]


def test_availability_grid_is_a_table_of_labelled_checkboxes(member_client, ready_profile):
    html = text(member_client.get(step_url(4)))
    assert '<th class="kern-table__header" scope="col">vormittags</th>' in html
    assert '<th class="kern-table__header" scope="row">Mittwoch</th>' in html
    assert html.count('type="checkbox" name="availability"') == 21
    assert '<label class="kern-sr-only" for="id_availability_8">Mittwoch abends</label>' in html
    # The saved slots (Monday morning, Wednesday evening) are checked, and only they.
    checked = re.findall(r'value="(\d-\d)" id="[^"]+" checked', html)
    assert checked == ["0-0", "2-2"]


def test_availability_bits_are_set_exactly_for_the_checked_boxes(member_client, ready_profile):
    response = member_client.post(
        step_url(4), {"availability": ["1-0", "4-2", "6-1"], "travel_radius_km": "60"}
    )
    assert response.status_code == 302 and response.url == step_url(5)
    ready_profile.refresh_from_db()
    assert ready_profile.availability == slot_bit(1, 0) | slot_bit(4, 2) | slot_bit(6, 1)
    assert ready_profile.travel_radius_km == 60


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"travel_radius_km": "10"}, "id_availability", "mindestens eine Zeit"),
        ({"availability": ["0-0"], "travel_radius_km": "15"}, "id_travel_radius_km", "15"),
        ({"availability": ["9-9"], "travel_radius_km": "10"}, "id_availability", "9-9"),
    ],
)
def test_bad_availability_is_refused_at_the_field(
    member_client, ready_profile, data, field_id, message
):
    before = ready_profile.availability
    response = member_client.post(step_url(4), data)
    assert response.status_code == 200
    assert message in field_error(response, field_id)
    ready_profile.refresh_from_db()
    assert ready_profile.availability == before


def test_last_step_completes_onboarding_and_ends_on_the_dashboard(member_client, ready_profile):
    response = member_client.post(
        step_url(5), {"phone": "02382 98765", "consent_contact": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("volunteers:dashboard")
    assert "Ihre Anmeldung ist abgeschlossen" in text(response)
    assert "Anmeldung abgeschlossen" in text(member_client.get(reverse("volunteers:profile")))
    ready_profile.refresh_from_db()
    assert ready_profile.is_complete and ready_profile.phone == "02382 98765"
    # Onboarding is over: its pages lead to the profile.
    assert member_client.get(step_url(2)).url == reverse("volunteers:profile")


def test_bad_phone_is_shown_at_the_field_and_onboarding_stays_open(member_client, ready_profile):
    response = member_client.post(step_url(5), {"phone": "bitte anrufen", "consent_contact": "on"})
    assert "nur mit Ziffern" in field_error(response, "id_phone")
    ready_profile.refresh_from_db()
    assert not ready_profile.is_complete and not ready_profile.user.consents.exists()


def test_steps_can_be_revisited_before_completion(member_client, ready_profile):
    ready_profile.refresh_from_db()
    assert ready_profile.onboarding_step == 5
    response = member_client.get(step_url(1))
    assert 'value="59227"' in text(response)
    assert 'href="/ehrenamt/anmeldung/1/"' not in text(response)  # no "back" on step 1
    assert f'href="{step_url(1)}"' in text(member_client.get(step_url(2)))


# --- The profile page -----------------------------------------------------------------------


@pytest.fixture
def complete_client(member_client, ready_profile):
    profile_complete(profile=ready_profile)
    return member_client


def test_profile_shows_everything(complete_client, ready_profile):
    html = text(complete_client.get(reverse("volunteers:profile")))
    assert "Anmeldung abgeschlossen" in html
    assert "Ahlen" in html and "59227" in html
    assert "Deutsch (Muttersprache)" in html and "Arabisch (Grundkenntnisse)" in html
    assert "bis 20 km" in html
    assert "Keine Einsicht vermerkt." in html


def test_profile_edits_change_the_data(complete_client, ready_profile, telgte):
    response = complete_client.post(
        edit_url("wohnort"), {"town": telgte.pk, "postal_code": "48291"}
    )
    assert response.status_code == 302
    assert response.url == reverse("volunteers:profile") + "#wohnort"
    complete_client.post(edit_url("sprachen"), {"rows": "3", "lang_0": "fa", "level_0": "2"})
    complete_client.post(edit_url("zeit"), {"availability": ["5-1"], "travel_radius_km": "0"})
    ready_profile.refresh_from_db()
    assert (ready_profile.town, ready_profile.postal_code) == (telgte, "48291")
    assert list(ready_profile.languages.values_list("code", "level")) == [("fa", 2)]
    assert (ready_profile.availability, ready_profile.travel_radius_km) == (slot_bit(5, 1), 0)
    assert ready_profile.is_complete
    html = text(complete_client.get(reverse("volunteers:profile")))
    assert "Telgte" in html and "Persisch (Farsi) (fließend)" in html


def test_profile_edit_refuses_bad_input_like_the_step(complete_client, ready_profile, telgte):
    response = complete_client.post(
        edit_url("wohnort"), {"town": telgte.pk, "postal_code": "59227"}
    )
    assert response.status_code == 200
    assert "48291" in field_error(response, "id_postal_code")
    assert re.search(r"<h1[^>]*>Wohnort ändern</h1>", text(response))
    ready_profile.refresh_from_db()
    assert ready_profile.town.name == "Ahlen"
    assert complete_client.get(edit_url("unbekannt")).status_code == 404


@pytest.mark.parametrize(
    ("days_ago", "shown"),
    [(30, "Gültig bis"), (6 * 365, "Abgelaufen am")],
)
def test_profile_shows_the_fuehrungszeugnis_state(complete_client, member, days_ago, shown):
    issued = timezone.localdate() - dt.timedelta(days=days_ago)
    record = FuehrungszeugnisRecordFactory(
        volunteer=member, certificate_date=issued, seen_on=issued
    )
    html = text(complete_client.get(reverse("volunteers:profile")))
    assert shown in html
    assert f"{record.valid_until.day}. " in html and str(record.valid_until.year) in html


def test_incomplete_profile_says_so_and_links_the_current_step(member_client, ready_profile):
    html = text(member_client.get(reverse("volunteers:profile")))
    assert "Anmeldung noch nicht abgeschlossen" in html
    assert f'href="{step_url(5)}"' in html


def test_member_without_profile_is_sent_to_the_first_step(member_client, reference):
    assert member_client.get(reverse("volunteers:profile")).url == step_url(1)


def test_staff_accounts_have_no_volunteer_pages(client, db):
    client.force_login(UserFactory(ki_staff=True))
    for url in (step_url(1), reverse("volunteers:profile"), reverse("volunteers:consents")):
        assert client.get(url).status_code == 403


# --- Where login leads ----------------------------------------------------------------------


def login(client, user, password):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_login_of_a_new_volunteer_goes_to_onboarding(client, member, password, reference):
    response = login(client, member, password)
    assert response.status_code == 302 and response.url == step_url(1)


def test_login_continues_an_incomplete_onboarding_where_it_stopped(client, ready_profile, password):
    response = login(client, ready_profile.user, password)
    assert response.url == step_url(5)


def test_login_of_a_volunteer_with_a_complete_profile_goes_to_the_dashboard(client, password):
    response = login(client, VolunteerFactory(), password)
    assert response.url == reverse("volunteers:dashboard")


def test_login_of_a_coordinator_without_profile_goes_to_the_organisation(client, password):
    membership = MembershipFactory()
    response = login(client, membership.user, password)
    assert response.url == reverse(
        "volunteers:organisation_detail", kwargs={"pk": membership.organisation_id}
    )


def test_staff_are_never_sent_to_onboarding(rf, db):
    from allauth.account.adapter import get_adapter

    request = rf.get("/")
    request.user = UserFactory(ki_staff=True)
    assert get_adapter(request).get_login_redirect_url(request) == reverse("work_queue")
