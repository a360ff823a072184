"""KI staff see volunteers: search by town, language (with a minimum level) and activity,
20 per page; one volunteer's page; and every opening of that page is in the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from backend.accounts.models import User
from backend.models import StatusChange
from tests.volunteers.factories import FuehrungszeugnisRecordFactory
from volunteers.models import Consent, LanguageLevel
from volunteers.selectors_staff import volunteer_search_for_staff
from volunteers.services.consents import consent_give

from .conftest import make_volunteer

pytestmark = pytest.mark.django_db

LIST = reverse("volunteers:staff_volunteer_list")
BASIC, FLUENT, NATIVE = LanguageLevel.BASIC, LanguageLevel.FLUENT, LanguageLevel.NATIVE


def detail_url(volunteer) -> str:
    return reverse("volunteers:staff_volunteer_detail", args=[volunteer.pk])


def names(response) -> list[str]:
    return [profile.user.full_name for profile in response.context["page"]]


def access_rows(volunteer):
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=volunteer.pk
    )


@pytest.fixture
def people(ahlen, telgte, language_support, accompanying):
    """Who lives where and speaks what (level in brackets):
    Amal    Ahlen   Arabisch (Muttersprache), Deutsch (fließend)   Sprachförderung
    Bernd   Ahlen   Arabisch (Grundkenntnisse), Deutsch (Muttersprache)   Begleitung
    Chrystyna  Telgte  Ukrainisch (fließend)   Begleitung, Sprachförderung
    Dieter  Ahlen   –   – (onboarding not finished)
    Erika   Ahlen   Arabisch (Muttersprache) – account deactivated
    """
    return {
        "amal": make_volunteer(
            "Amal", town=ahlen, languages={"ar": NATIVE, "de": FLUENT}, areas=[language_support]
        ),
        "bernd": make_volunteer(
            "Bernd", town=ahlen, languages={"ar": BASIC, "de": NATIVE}, areas=[accompanying]
        ),
        "chrystyna": make_volunteer(
            "Chrystyna",
            town=telgte,
            languages={"uk": FLUENT},
            areas=[accompanying, language_support],
        ),
        "dieter": make_volunteer("Dieter", town=ahlen, complete=False),
        "erika": make_volunteer("Erika", town=ahlen, languages={"ar": NATIVE}, is_active=False),
    }


# --- Search ---------------------------------------------------------------------------------


def test_without_filters_every_active_volunteer_is_listed_by_name(staff_client, people):
    assert names(staff_client.get(LIST)) == ["Amal", "Bernd", "Chrystyna", "Dieter"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"town": "ahlen"}, ["Amal", "Bernd", "Dieter"]),
        ({"town": "telgte"}, ["Chrystyna"]),
        ({"language": "ar"}, ["Amal", "Bernd"]),
        ({"language": "ar", "min_level": "1"}, ["Amal", "Bernd"]),
        ({"language": "ar", "min_level": "2"}, ["Amal"]),
        ({"language": "ar", "min_level": "3"}, ["Amal"]),
        ({"language": "uk", "min_level": "3"}, []),
        ({"language": "uk", "min_level": "2"}, ["Chrystyna"]),
        ({"activity": "begleitung"}, ["Bernd", "Chrystyna"]),
        ({"activity": "sprachfoerderung", "town": "ahlen"}, ["Amal"]),
        ({"language": "de", "activity": "begleitung", "town": "ahlen"}, ["Bernd"]),
        ({"q": "chrys"}, ["Chrystyna"]),
        ({"min_level": "3"}, ["Amal", "Bernd", "Chrystyna", "Dieter"]),
    ],
    ids=lambda value: (
        "&".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else ""
    ),
)
def test_the_filters(staff_client, people, query, expected):
    assert names(staff_client.get(LIST, query)) == expected


def test_the_minimum_level_applies_to_the_chosen_language_not_to_any_language(staff, people):
    """Bernd speaks Arabic at a basic level and German natively: he is not a native Arabic
    speaker, even though he has one language at native level."""
    found = volunteer_search_for_staff(language="ar", min_level=NATIVE)
    assert [p.user.full_name for p in found] == ["Amal"]


def test_a_volunteer_in_several_matching_areas_is_listed_once(staff_client, people):
    response = staff_client.get(LIST, {"town": "telgte"})
    assert names(response) == ["Chrystyna"]
    assert response.context["page"].paginator.count == 1


def test_an_unknown_filter_value_is_a_form_error_not_a_crash(staff_client, people):
    response = staff_client.get(LIST, {"town": "atlantis"})
    assert response.status_code == 200
    assert "town" in response.context["form"].errors


def test_the_list_shows_town_languages_areas_onboarding_and_fuehrungszeugnis(staff_client, people):
    FuehrungszeugnisRecordFactory(volunteer=people["amal"])
    html = staff_client.get(LIST).content.decode()
    amal_row = html[html.index(">Amal<") :]
    amal_row = amal_row[: amal_row.index("</tr>")]
    for text in ("Ahlen", "Arabisch (Muttersprache)", "Deutsch (fließend)", "Sprachförderung"):
        assert text in amal_row
    assert "vollständig" in amal_row and "gültig bis" in amal_row
    dieter_row = html[html.index(">Dieter<") :]
    dieter_row = dieter_row[: dieter_row.index("</tr>")]
    assert "unvollständig" in dieter_row and "nicht eingetragen" in dieter_row


def test_the_list_has_20_per_page_and_keeps_the_filters_in_the_page_links(
    staff_client, ahlen, telgte
):
    for n in range(25):
        make_volunteer(f"Person {n:02d}", town=ahlen, languages={"fa": FLUENT})
    make_volunteer("Anderswo", town=telgte, languages={"fa": FLUENT})

    first = staff_client.get(LIST, {"town": "ahlen", "language": "fa"})
    assert len(first.context["page"]) == 20
    assert first.context["page"].paginator.count == 25
    html = first.content.decode()
    assert "town=ahlen&amp;language=fa" in html
    assert "page=2" in html
    second = staff_client.get(LIST, {"town": "ahlen", "language": "fa", "page": "2"})
    assert names(second) == [f"Person {n:02d}" for n in range(20, 25)]


# --- One volunteer --------------------------------------------------------------------------


def test_the_volunteer_page_shows_the_profile(staff_client, people):
    amal = people["amal"]
    profile = amal.volunteer_profile
    profile.phone = "02382 123456"
    profile.postal_code = "59227"
    profile.save()
    consent_give(user=amal, kind=Consent.Kind.CONTACT)

    response = staff_client.get(detail_url(amal))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Amal",
        amal.email,
        "02382 123456",
        "59227 Ahlen",
        "Arabisch (Muttersprache)",
        "Sprachförderung",
        "eingewilligt",
        "Einsicht eintragen",
    ):
        assert text in html, text


# --- Audit of access to personal data -------------------------------------------------------


def test_each_opening_of_a_volunteer_page_is_logged_with_who_and_when(
    staff_client, staff, other_staff, client, people
):
    amal = people["amal"]
    staff_client.get(detail_url(amal))
    staff_client.get(detail_url(amal))

    rows = list(access_rows(amal).order_by("pk"))
    assert len(rows) == 2
    for row in rows:
        assert (row.from_status, row.to_status, row.actor) == ("viewed", "viewed", staff)
        assert row.note == "volunteers:staff_volunteer_detail"
        assert row.at is not None
    assert not access_rows(people["bernd"]).exists()


def test_a_refused_recording_shows_the_page_again_and_is_logged_too(staff_client, people):
    amal = people["amal"]
    staff_client.post(
        reverse("volunteers:staff_fuehrungszeugnis_record", args=[amal.pk]),
        {"certificate_date": "2099-01-01", "seen_on": "2099-01-02"},
    )
    assert access_rows(amal).filter(to_status="viewed").count() == 1


def test_refused_visitors_leave_no_access_row(client, people, staff_without_mfa):
    amal = people["amal"]
    client.get(detail_url(amal))  # anonymous
    client.force_login(people["bernd"])
    assert client.get(detail_url(amal)).status_code == 403
    client.force_login(staff_without_mfa)
    assert client.get(detail_url(amal)).status_code == 302
    assert not access_rows(amal).exists()
