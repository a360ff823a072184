"""directory.services.municipal: granting and revoking a town administration's access."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from backend.accounts.models import User
from backend.accounts.roles import is_municipal
from backend.errors import DomainError
from directory.models import MunicipalAccess
from directory.permissions import can_see_town_figures
from directory.services.municipal import municipal_access_grant, municipal_access_revoke
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_grant_makes_a_member_account_municipal_for_one_town(staff_with_mfa, ahlen, telgte):
    person = UserFactory(email="Integration@Ahlen.example")
    access = municipal_access_grant(
        actor=staff_with_mfa, email=" integration@ahlen.example ", town=ahlen
    )
    person.refresh_from_db()
    assert person.role == User.Role.MUNICIPAL and is_municipal(person)
    assert (access.user, access.town, access.granted_by) == (person, ahlen, staff_with_mfa)
    assert can_see_town_figures(person, ahlen)
    assert not can_see_town_figures(person, telgte)


@pytest.mark.parametrize("traits", [{"ki_staff": True}, {"ki_lead": True}, {"admin": True}])
def test_staff_accounts_are_refused(staff_with_mfa, ahlen, traits):
    colleague = UserFactory(**traits)
    role = colleague.role
    with pytest.raises(DomainError) as caught:
        municipal_access_grant(actor=staff_with_mfa, email=colleague.email, town=ahlen)
    assert caught.value.field == "email"
    colleague.refresh_from_db()
    assert colleague.role == role
    assert not MunicipalAccess.objects.exists()


def test_unknown_inactive_and_already_granted_accounts_are_refused(staff_with_mfa, ahlen, telgte):
    with pytest.raises(DomainError, match="kein Konto"):
        municipal_access_grant(actor=staff_with_mfa, email="niemand@example.org", town=ahlen)
    with pytest.raises(DomainError, match="kein Konto"):
        municipal_access_grant(actor=staff_with_mfa, email="", town=ahlen)
    inactive = UserFactory(is_active=False)
    with pytest.raises(DomainError, match="deaktiviert"):
        municipal_access_grant(actor=staff_with_mfa, email=inactive.email, town=ahlen)
    person = UserFactory()
    municipal_access_grant(actor=staff_with_mfa, email=person.email, town=ahlen)
    with pytest.raises(DomainError, match="bereits Zugang"):
        municipal_access_grant(actor=staff_with_mfa, email=person.email, town=telgte)
    assert MunicipalAccess.objects.get().town == ahlen


def test_only_staff_with_two_factor_grant_and_revoke(staff_with_mfa, staff_without_mfa, ahlen):
    person = UserFactory()
    coordinator = MembershipFactory().user
    for actor in (coordinator, staff_without_mfa):
        with pytest.raises(PermissionDenied):
            municipal_access_grant(actor=actor, email=person.email, town=ahlen)
    access = municipal_access_grant(actor=staff_with_mfa, email=person.email, town=ahlen)
    for actor in (coordinator, staff_without_mfa):
        with pytest.raises(PermissionDenied):
            municipal_access_revoke(actor=actor, access=access)
    assert MunicipalAccess.objects.filter(pk=access.pk).exists()


def test_revoke_makes_the_account_an_ordinary_member_again(staff_with_mfa, ahlen):
    person = UserFactory()
    access = municipal_access_grant(actor=staff_with_mfa, email=person.email, town=ahlen)
    municipal_access_revoke(actor=staff_with_mfa, access=access)
    person.refresh_from_db()
    assert person.role == User.Role.MEMBER
    assert not is_municipal(person)
    assert not can_see_town_figures(person, ahlen)
    assert not MunicipalAccess.objects.exists()
