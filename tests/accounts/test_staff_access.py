"""KI staff pages require a staff role and two-factor authentication."""

import pytest
from django.urls import reverse

from tests.conftest import totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUTBOX = reverse("notifications:outbox")


def test_anonymous_is_sent_to_login(client):
    response = client.get(OUTBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_volunteer_is_refused(client, volunteer):
    client.force_login(volunteer)
    assert client.get(OUTBOX).status_code == 403


def test_staff_without_mfa_is_sent_to_mfa_setup(client, staff_without_mfa):
    client.force_login(staff_without_mfa)
    response = client.get(OUTBOX)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_staff_login_asks_for_totp_and_then_opens_staff_page(client, staff_with_mfa, password):
    response = client.post(
        reverse("account_login"), {"login": staff_with_mfa.email, "password": password}
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200  # wrong code: form error, still not logged in
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(OUTBOX).status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_site_requires_mfa(client):
    admin = UserFactory(admin=True)
    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 302  # not allowed in yet
    from backend.accounts.services import user_set_totp
    from tests.conftest import TOTP_SECRET

    user_set_totp(user=admin, secret=TOTP_SECRET)
    assert client.get(reverse("admin:index")).status_code == 200
