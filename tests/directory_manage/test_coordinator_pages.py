"""The coordinator's pages: an organisation's offers and contact persons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import ContactPerson, Offer
from directory.services.contacts import CONSENT_TEXT, consent_text_version
from notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory, VolunteerFactory

from .conftest import make_contact, make_offer, offer_form

pytestmark = pytest.mark.django_db


def _page(organisation) -> str:
    return reverse("directory:organisation_directory", args=[organisation.pk])


# --- The organisation's page ----------------------------------------------------------------


def test_the_page_shows_each_offer_with_its_state(coordinator_client, organisation):
    make_offer(organisation, title="Frisch bestätigt")
    make_offer(organisation, title="Sechs Monate alt", age_days=190)
    make_offer(organisation, title="Acht Monate alt", age_days=250)
    make_offer(
        organisation,
        title="Ausgeblendet",
        hidden_at=timezone.now(),
        hidden_reason="Findet nicht mehr statt",
    )
    make_contact(organisation=organisation, name="Maria Beispiel")
    response = coordinator_client.get(_page(organisation))
    assert response.status_code == 200
    rows = {offer.title: offer.state for offer in response.context["offers"]}
    assert rows == {
        "Frisch bestätigt": "public",
        "Sechs Monate alt": "stale",
        "Acht Monate alt": "expired",
        "Ausgeblendet": "hidden",
    }
    html = response.content.decode()
    assert "Bestätigung fällig" in html
    assert "nicht mehr angezeigt" in html
    assert "Findet nicht mehr statt" in html
    assert "Maria Beispiel" in html


def test_text_from_the_organisation_is_escaped_on_the_page(coordinator_client, organisation):
    make_offer(organisation, title="<script>alert(1)</script>", place="<b>Hof</b>")
    make_contact(organisation=organisation, name="<img src=x onerror=alert(1)>")
    html = coordinator_client.get(_page(organisation)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Hof</b>" not in html
    assert "<img src=x" not in html


def test_only_its_coordinators_and_staff_see_the_page(
    client, organisation, staff_with_mfa, staff_without_mfa
):
    url = _page(organisation)
    assert client.get(url).status_code == 302  # anonymous: to the login
    assert reverse("account_login") in client.get(url)["Location"]
    foreign = MembershipFactory(organisation=OrganisationFactory()).user
    client.force_login(foreign)
    assert client.get(url).status_code == 404
    client.force_login(VolunteerFactory())
    assert client.get(url).status_code == 404
    client.force_login(staff_without_mfa)
    assert client.get(url).status_code == 404
    client.force_login(staff_with_mfa)
    assert client.get(url).status_code == 200
    assert client.get(reverse("directory:organisation_directory", args=[999999])).status_code == 404


def test_a_coordinator_of_an_unverified_organisation_gets_403(client):
    pending = OrganisationFactory(unverified=True)
    member = MembershipFactory(organisation=pending).user
    client.force_login(member)
    assert client.get(_page(pending)).status_code == 403
    url = reverse("directory:offer_create", args=[pending.pk])
    assert client.post(url, offer_form(pending.town)).status_code == 403
    assert not Offer.objects.exists()
    offer = make_offer(pending)
    assert client.get(reverse("directory:offer_edit", args=[offer.pk])).status_code == 403


def test_the_page_reads_offers_in_a_fixed_number_of_queries(
    coordinator_client, organisation, django_assert_max_num_queries
):
    for i in range(15):
        make_offer(organisation, title=f"Angebot {i}", languages=("de", "ar"))
        make_contact(organisation=organisation, name=f"Person {i}", email=f"p{i}@example.org")
    with django_assert_max_num_queries(13):
        response = coordinator_client.get(_page(organisation))
    assert len(response.context["offers"]) == 15


# --- Create and edit ------------------------------------------------------------------------


def test_a_coordinator_creates_an_offer(coordinator_client, organisation, telgte):
    url = reverse("directory:offer_create", args=[organisation.pk])
    form_page = coordinator_client.get(url)
    assert form_page.status_code == 200
    assert form_page.context["form"]["town"].value() == organisation.town_id
    response = coordinator_client.post(url, offer_form(telgte))
    assert response.status_code == 302
    assert response["Location"] == _page(organisation)
    offer = Offer.objects.get()
    assert (offer.title, offer.town, offer.weekday) == ("Fahrradwerkstatt", telgte, 3)
    assert (offer.starts_at, offer.ends_at) == (dt.time(15), dt.time(17, 30))
    assert sorted(offer.languages.values_list("code", flat=True)) == ["ar", "uk"]
    assert offer.free_of_charge and offer.organisation == organisation


def test_missing_fields_are_named_and_nothing_is_saved(coordinator_client, organisation):
    url = reverse("directory:offer_create", args=[organisation.pk])
    response = coordinator_client.post(
        url, offer_form(organisation.town, title="", description="", kind="")
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "description", "kind"}
    assert not Offer.objects.exists()


def test_the_services_rules_show_at_their_fields(coordinator_client, organisation):
    """Neither weekday nor dates, no contact, end before start: every message whole."""
    url = reverse("directory:offer_create", args=[organisation.pk])
    response = coordinator_client.post(
        url,
        offer_form(
            organisation.town,
            weekday="",
            dates="",
            starts_at="18:00",
            ends_at="17:00",
            contact_email="",
            contact_phone="",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["ends_at"] == ["Das Ende muss nach dem Beginn liegen."]
    assert errors["dates"] == ["Bitte geben Sie einen Wochentag oder die Termine an."]
    assert errors["contact_email"] == ["Bitte geben Sie eine E-Mail-Adresse oder Telefonnummer an."]
    assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()
    assert not Offer.objects.exists()


def test_a_forged_town_is_a_clear_field_error(coordinator_client, organisation):
    url = reverse("directory:offer_create", args=[organisation.pk])
    response = coordinator_client.post(url, {**offer_form(organisation.town), "town": "999999"})
    assert response.status_code == 400
    assert response.context["form"].errors["town"] == ["Bitte wählen Sie einen Ort im Kreis."]
    response = coordinator_client.post(url, {**offer_form(organisation.town), "town": "Münster"})
    assert response.context["form"].errors["town"] == ["Bitte wählen Sie einen Ort im Kreis."]
    assert not Offer.objects.exists()


def test_a_forged_language_is_refused(coordinator_client, organisation):
    url = reverse("directory:offer_create", args=[organisation.pk])
    response = coordinator_client.post(url, offer_form(organisation.town, languages=["xx"]))
    assert response.status_code == 400
    assert "languages" in response.context["form"].errors
    assert not Offer.objects.exists()


def test_editing_an_offer_saves_it_and_confirms_it(coordinator_client, organisation):
    offer = make_offer(organisation, age_days=200, languages=("de",))
    url = reverse("directory:offer_edit", args=[offer.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["starts_at"].value() == "16:00"
    assert form["languages"].value() == ["de"]
    response = coordinator_client.post(
        url, offer_form(organisation.town, title="Sprachcafé (neu)", languages=["fa"])
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Sprachcafé (neu)"
    assert list(offer.languages.values_list("code", flat=True)) == ["fa"]
    assert offer.confirmed_at > timezone.now() - dt.timedelta(minutes=1)


def test_a_foreign_coordinator_cannot_open_or_change_an_offer(client, organisation):
    offer = make_offer(organisation)
    client.force_login(MembershipFactory(organisation=OrganisationFactory()).user)
    for name in ("offer_edit", "offer_delete"):
        assert client.get(reverse(f"directory:{name}", args=[offer.pk])).status_code == 404
    assert client.post(reverse("directory:offer_confirm", args=[offer.pk])).status_code == 404
    assert client.post(reverse("directory:offer_delete", args=[offer.pk])).status_code == 404
    assert (
        client.post(
            reverse("directory:offer_edit", args=[offer.pk]), offer_form(organisation.town)
        ).status_code
        == 404
    )
    offer.refresh_from_db()
    assert offer.title == "Sprachcafé"


# --- Confirm and delete ---------------------------------------------------------------------


def test_one_click_confirms_a_stale_offer(coordinator_client, organisation):
    offer = make_offer(organisation, age_days=250)
    response = coordinator_client.post(reverse("directory:offer_confirm", args=[offer.pk]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert not offer.is_stale
    page = coordinator_client.get(_page(organisation))
    assert [o.state for o in page.context["offers"]] == ["public"]


def test_confirm_goes_back_to_a_page_of_the_site_only(coordinator_client, organisation):
    offer = make_offer(organisation)
    url = reverse("directory:offer_confirm", args=[offer.pk])
    response = coordinator_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == _page(organisation)
    response = coordinator_client.post(url, {"next": "/organisation/"})
    assert response["Location"] == "/organisation/"


def test_confirm_needs_post(coordinator_client, organisation):
    offer = make_offer(organisation)
    response = coordinator_client.get(reverse("directory:offer_confirm", args=[offer.pk]))
    assert response.status_code == 405


def test_deleting_asks_first(coordinator_client, organisation):
    offer = make_offer(organisation)
    url = reverse("directory:offer_delete", args=[offer.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert "Ja, Angebot löschen" in page.content.decode()
    assert Offer.objects.filter(pk=offer.pk).exists()
    response = coordinator_client.post(url)
    assert response.status_code == 302
    assert not Offer.objects.filter(pk=offer.pk).exists()


# --- Contact persons ------------------------------------------------------------------------


def _contact(**overrides) -> dict:
    data = {
        "name": "Aylin Demir",
        "function": "Koordination Sprachcafé",
        "email": "aylin@example.org",
        "phone": "02382 123",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_consent_box_carries_the_consent_text(coordinator_client, organisation):
    url = reverse("directory:contact_person_create", args=[organisation.pk])
    html = coordinator_client.get(url).content.decode()
    assert str(CONSENT_TEXT) in html


def test_a_contact_person_is_published_with_consent_and_gets_the_link(
    coordinator_client, coordinator, organisation
):
    url = reverse("directory:contact_person_create", args=[organisation.pk])
    response = coordinator_client.post(url, _contact())
    assert response.status_code == 302
    person = ContactPerson.objects.get()
    assert (person.organisation, person.town) == (organisation, None)
    assert person.consent_text_version == consent_text_version()
    assert person.consent_recorded_by == coordinator
    assert Notification.objects.filter(
        kind="directory.contact_published", to_email="aylin@example.org"
    ).exists()


def test_without_consent_nothing_is_saved_and_the_page_says_why(coordinator_client, organisation):
    url = reverse("directory:contact_person_create", args=[organisation.pk])
    response = coordinator_client.post(url, _contact(consent=None))
    assert response.status_code == 400
    errors = response.context["form"].errors["consent"]
    assert len(errors) == 1 and errors[0].startswith("Ohne die Einwilligung")
    assert "Ohne die Einwilligung der Person" in response.content.decode()
    assert not ContactPerson.objects.exists()
    assert not Notification.objects.filter(kind="directory.contact_published").exists()


def test_missing_name_and_bad_email_are_named(coordinator_client, organisation):
    url = reverse("directory:contact_person_create", args=[organisation.pk])
    response = coordinator_client.post(url, _contact(name="", email="kein-at"))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "email"}
    assert not ContactPerson.objects.exists()


def test_a_coordinator_removes_a_contact_person_of_the_organisation_only(
    coordinator_client, organisation
):
    own = make_contact(organisation=organisation)
    other_org = OrganisationFactory()
    foreign = make_contact(organisation=other_org, email="f@example.org")
    delete = "directory:contact_person_delete"
    response = coordinator_client.post(reverse(delete, args=[organisation.pk, foreign.pk]))
    assert response.status_code == 404
    response = coordinator_client.post(reverse(delete, args=[other_org.pk, foreign.pk]))
    assert response.status_code == 404
    assert (
        coordinator_client.get(reverse(delete, args=[organisation.pk, own.pk])).status_code == 405
    )
    response = coordinator_client.post(reverse(delete, args=[organisation.pk, own.pk]))
    assert response.status_code == 302
    assert list(ContactPerson.objects.all()) == [foreign]
