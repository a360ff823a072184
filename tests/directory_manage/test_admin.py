"""The directory in the Django admin: look up and delete, never add or change (entries are
written through the services: check, consent, role)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backend.accounts.services import user_set_totp
from directory.services.municipal import municipal_access_grant
from tests.conftest import TOTP_SECRET
from tests.factories import UserFactory

from .conftest import make_contact, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(admin=True)
    user_set_totp(user=admin, secret=TOTP_SECRET)
    client.force_login(admin)
    return client


def test_the_admin_lists_and_shows_the_directory(admin_client, organisation, ahlen, staff_with_mfa):
    offer = make_offer(organisation, title="Sprachcafé <b>", languages=("ar", "de"))
    person = make_contact(town=ahlen)
    access = municipal_access_grant(actor=staff_with_mfa, email=UserFactory().email, town=ahlen)
    for model, obj in (("offer", offer), ("contactperson", person), ("municipalaccess", access)):
        changelist = admin_client.get(reverse(f"admin:directory_{model}_changelist"))
        assert changelist.status_code == 200, model
        change = admin_client.get(reverse(f"admin:directory_{model}_change", args=[obj.pk]))
        assert change.status_code == 200, model
        assert admin_client.get(reverse(f"admin:directory_{model}_add")).status_code == 403
    page = admin_client.get(reverse("admin:directory_offer_change", args=[offer.pk]))
    assert "Arabisch" in page.content.decode()
    assert "Sprachcafé <b>" not in page.content.decode()


def test_offers_and_contacts_can_be_deleted_but_accesses_not(
    admin_client, organisation, ahlen, staff_with_mfa
):
    access = municipal_access_grant(actor=staff_with_mfa, email=UserFactory().email, town=ahlen)
    url = reverse("admin:directory_municipalaccess_delete", args=[access.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert type(access).objects.filter(pk=access.pk).exists()  # the role stays consistent
    offer = make_offer(organisation)
    person = make_contact(organisation=organisation)
    for model, obj in (("offer", offer), ("contactperson", person)):
        url = reverse(f"admin:directory_{model}_delete", args=[obj.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
        assert not type(obj).objects.filter(pk=obj.pk).exists()
