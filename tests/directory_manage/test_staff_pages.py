"""The KI staff pages of the directory: all offers (filter, hide, show again, edit), the
town administrations' contact persons and the municipal accounts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from directory.models import ContactPerson, MunicipalAccess, Offer
from tests.factories import OrganisationFactory, UserFactory, VolunteerFactory

from .conftest import make_contact, make_offer, offer_form

pytestmark = pytest.mark.django_db

STAFF_URLS = [
    ("directory:staff_offer_list", "get"),
    ("directory:staff_contact_list", "get"),
    ("directory:staff_municipal_list", "get"),
]


@pytest.mark.parametrize(("name", "method"), STAFF_URLS)
def test_staff_pages_need_staff_with_two_factor(client, name, method, staff_without_mfa):
    url = reverse(name)
    assert reverse("account_login") in client.get(url)["Location"]
    client.force_login(VolunteerFactory())
    assert client.get(url).status_code == 403
    client.force_login(staff_without_mfa)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- Offers ---------------------------------------------------------------------------------


def test_the_list_filters_by_town_kind_and_state(staff_client, ahlen, telgte):
    org_a = OrganisationFactory(town=ahlen)
    org_t = OrganisationFactory(town=telgte)
    make_offer(org_a, title="Café Ahlen")
    make_offer(org_a, title="Beratung Ahlen", kind=Offer.Kind.BERATUNG, age_days=200)
    make_offer(org_t, title="Café Telgte", age_days=300)
    make_offer(org_t, title="Versteckt", hidden_at=timezone.now(), hidden_reason="doppelt")
    url = reverse("directory:staff_offer_list")

    def titles(**params):
        response = staff_client.get(url, params)
        assert response.status_code == 200
        return sorted(offer.title for offer in response.context["page"])

    assert titles() == ["Beratung Ahlen", "Café Ahlen", "Café Telgte", "Versteckt"]
    assert titles(town="telgte") == ["Café Telgte", "Versteckt"]
    assert titles(kind="beratung") == ["Beratung Ahlen"]
    assert titles(state="public") == ["Café Ahlen"]
    assert titles(state="stale") == ["Beratung Ahlen"]
    assert titles(state="expired") == ["Café Telgte"]
    assert titles(state="hidden") == ["Versteckt"]
    assert titles(state="nonsense") == titles()  # an unknown filter shows everything


def test_the_list_reads_in_a_fixed_number_of_queries(
    staff_client, ahlen, django_assert_max_num_queries
):
    for i in range(20):
        make_offer(OrganisationFactory(town=ahlen), title=f"Angebot {i}", languages=("ar", "de"))
    with django_assert_max_num_queries(14):
        response = staff_client.get(reverse("directory:staff_offer_list"))
    assert len(response.context["page"]) == 20


def test_text_is_escaped_on_the_staff_list(staff_client, ahlen):
    make_offer(OrganisationFactory(town=ahlen), title="<script>alert(1)</script>")
    html = staff_client.get(reverse("directory:staff_offer_list")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_hiding_needs_a_reason_which_the_organisation_then_sees(
    staff_client, coordinator, organisation
):
    offer = make_offer(organisation)
    url = reverse("directory:staff_offer_hide", args=[offer.pk])
    response = staff_client.post(url, {"reason": "  "}, follow=True)
    assert "Bitte geben Sie einen Grund an" in response.content.decode()
    offer.refresh_from_db()
    assert offer.hidden_at is None

    staff_client.post(url, {"reason": "Findet seit Mai nicht mehr statt"})
    offer.refresh_from_db()
    assert offer.hidden_at is not None
    assert offer.hidden_reason == "Findet seit Mai nicht mehr statt"

    own = Client()
    own.force_login(coordinator)
    page = own.get(reverse("directory:organisation_directory", args=[organisation.pk]))
    assert "Findet seit Mai nicht mehr statt" in page.content.decode()


def test_show_again(staff_client, organisation):
    offer = make_offer(organisation, hidden_at=timezone.now(), hidden_reason="Test")
    response = staff_client.post(
        reverse("directory:staff_offer_unhide", args=[offer.pk]),
        {"next": reverse("directory:staff_offer_list") + "?state=hidden"},
    )
    assert response["Location"] == reverse("directory:staff_offer_list") + "?state=hidden"
    offer.refresh_from_db()
    assert (offer.hidden_at, offer.hidden_reason) == (None, "")


def test_hide_and_show_are_refused_to_coordinators(coordinator_client, organisation):
    offer = make_offer(organisation)
    hide = reverse("directory:staff_offer_hide", args=[offer.pk])
    assert coordinator_client.post(hide, {"reason": "x"}).status_code == 403
    unhide = reverse("directory:staff_offer_unhide", args=[offer.pk])
    assert coordinator_client.post(unhide).status_code == 403
    offer.refresh_from_db()
    assert offer.hidden_at is None


def test_staff_edit_any_offer_and_return_to_their_list(staff_client, organisation):
    offer = make_offer(organisation)
    back = reverse("directory:staff_offer_list") + "?kind=sprachcafe"
    url = reverse("directory:offer_edit", args=[offer.pk]) + "?next=" + back
    page = staff_client.get(url)
    assert page.status_code == 200
    response = staff_client.post(
        url, {**offer_form(organisation.town, title="Korrigiert"), "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
    offer.refresh_from_db()
    assert offer.title == "Korrigiert"


# --- Contact persons of the town administrations --------------------------------------------


def _town_contact(town, **overrides) -> dict:
    data = {
        "town": str(town.pk),
        "name": "Petra Amt",
        "function": "Integrationsbeauftragte",
        "email": "integration@ahlen.example",
        "phone": "",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_add_and_remove_a_town_contact(staff_client, ahlen):
    url = reverse("directory:staff_contact_list")
    response = staff_client.post(url, _town_contact(ahlen))
    assert response.status_code == 302
    person = ContactPerson.objects.get()
    assert (person.town, person.organisation) == (ahlen, None)
    page = staff_client.get(url)
    assert "Petra Amt" in page.content.decode()
    delete = reverse("directory:staff_contact_delete", args=[person.pk])
    assert staff_client.post(delete).status_code == 302
    assert not ContactPerson.objects.exists()


def test_a_town_contact_needs_consent_and_a_district_town(staff_client, ahlen):
    url = reverse("directory:staff_contact_list")
    response = staff_client.post(url, _town_contact(ahlen, consent=None))
    assert response.status_code == 400
    assert response.context["form"].errors["consent"][0].startswith("Ohne die Einwilligung")
    response = staff_client.post(url, {**_town_contact(ahlen), "town": "424242"})
    assert response.status_code == 400
    assert response.context["form"].errors["town"] == ["Bitte wählen Sie einen Ort im Kreis."]
    assert not ContactPerson.objects.exists()


def test_the_town_contact_page_removes_town_contacts_only(staff_client, organisation):
    person = make_contact(organisation=organisation)
    delete = reverse("directory:staff_contact_delete", args=[person.pk])
    assert staff_client.post(delete).status_code == 404
    assert ContactPerson.objects.filter(pk=person.pk).exists()


def test_coordinators_cannot_add_town_contacts(coordinator_client, ahlen):
    url = reverse("directory:staff_contact_list")
    assert coordinator_client.post(url, _town_contact(ahlen)).status_code == 403
    assert not ContactPerson.objects.exists()


# --- Municipal accounts ---------------------------------------------------------------------


def test_staff_grant_and_revoke_a_municipal_account(staff_client, staff_with_mfa, telgte):
    person = UserFactory(email="amt@telgte.example")
    url = reverse("directory:staff_municipal_list")
    response = staff_client.post(url, {"email": "AMT@telgte.example", "town": telgte.pk})
    assert response.status_code == 302
    access = MunicipalAccess.objects.get()
    person.refresh_from_db()
    assert person.role == User.Role.MUNICIPAL
    assert (access.user, access.town, access.granted_by) == (person, telgte, staff_with_mfa)
    assert "amt@telgte.example" in staff_client.get(url).content.decode()

    revoke = reverse("directory:staff_municipal_revoke", args=[access.pk])
    assert staff_client.post(revoke).status_code == 302
    person.refresh_from_db()
    assert person.role == User.Role.MEMBER
    assert not MunicipalAccess.objects.exists()


def test_unknown_addresses_and_staff_accounts_are_refused_clearly(staff_client, telgte):
    url = reverse("directory:staff_municipal_list")
    response = staff_client.post(url, {"email": "niemand@example.org", "town": telgte.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["email"][0].startswith("Es gibt kein Konto")
    colleague = UserFactory(ki_staff=True)
    response = staff_client.post(url, {"email": colleague.email, "town": telgte.pk})
    assert response.status_code == 400
    assert "KI-Teams" in response.context["form"].errors["email"][0]
    colleague.refresh_from_db()
    assert colleague.role == User.Role.KI_STAFF
    assert not MunicipalAccess.objects.exists()


def test_revoke_needs_post_and_staff(client, coordinator, staff_with_mfa, telgte):
    from directory.services.municipal import municipal_access_grant

    person = UserFactory()
    access = municipal_access_grant(actor=staff_with_mfa, email=person.email, town=telgte)
    revoke = reverse("directory:staff_municipal_revoke", args=[access.pk])
    client.force_login(coordinator)
    assert client.post(revoke).status_code == 403
    client.force_login(staff_with_mfa)
    assert client.get(revoke).status_code == 405
    assert MunicipalAccess.objects.filter(pk=access.pk).exists()
