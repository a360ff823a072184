"""The directory's rules: who may keep offers and contact persons, what bad input gets, what
the public sees (verified, not hidden, confirmed within eight months, consent given, funding
signed and agreed to), and the reminder six months after the last confirmation."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from backend.errors import DomainError
from directory.models import HIDE_AFTER, REMIND_AFTER, ContactPerson, Offer
from directory.selectors import (
    contact_persons_public,
    funded_projects_public,
    offers_public,
)
from directory.services.contacts import (
    contact_person_create,
    contact_person_for_token,
    contact_person_remove,
    removal_url,
)
from directory.services.offers import offer_confirm, offer_create, offer_hide, offer_update
from directory.services.reminders import offer_reminders_send
from notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, UserFactory
from tests.funding.conftest import fast_letters  # noqa: F401  (the fixture, re-used here)
from tests.funding.factories import ApplicationFactory, approved, proposed, staff_user

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "title": "Sprachcafé am Marktplatz",
        "kind": Offer.Kind.SPRACHCAFE,
        "description": "Deutsch sprechen bei Kaffee und Kuchen.",
        "place": "Marktplatz 1",
        "weekday": Offer.Weekday.TUESDAY,
        "starts_at": dt.time(16, 0),
        "ends_at": dt.time(18, 0),
        "target_group": "Alle, die Deutsch üben möchten",
        "free_of_charge": True,
        "contact_email": "cafe@example.org",
        "languages": ["ar", "de"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def coordinator():
    organisation = OrganisationFactory()
    return MembershipFactory(organisation=organisation).user


def _org(user):
    return user.memberships.get().organisation


def test_a_coordinator_publishes_an_offer_that_the_public_finds_by_language(coordinator):
    organisation = _org(coordinator)
    offer = offer_create(
        actor=coordinator, organisation=organisation, town=organisation.town, data=_data()
    )
    assert list(offers_public(language="ar")) == [offer]
    assert list(offers_public(language="uk")) == []
    assert list(offers_public(town=organisation.town, kind=Offer.Kind.SPRACHCAFE)) == [offer]
    assert list(offers_public(query="Marktplatz Kuchen")) == [offer]
    assert sorted(offer.languages.values_list("code", flat=True)) == ["ar", "de"]


def test_bad_input_gets_every_problem_at_once_and_saves_nothing(coordinator):
    organisation = _org(coordinator)
    with pytest.raises(DomainError) as caught:
        offer_create(
            actor=coordinator,
            organisation=organisation,
            town=None,  # a town outside the district is no Town row
            data=_data(
                title=" ",
                kind="disco",
                weekday=None,
                dates="",
                starts_at=dt.time(18),
                ends_at=dt.time(17),
                languages=["xx"],
                contact_email="",
            ),
        )
    assert set(caught.value.errors) == {
        "town",
        "title",
        "kind",
        "dates",
        "ends_at",
        "languages",
        "contact_email",
    }
    assert not Offer.objects.exists()


def test_only_coordinators_of_a_verified_organisation_and_staff_keep_offers(coordinator):
    organisation = _org(coordinator)
    stranger = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        offer_create(
            actor=stranger, organisation=organisation, town=organisation.town, data=_data()
        )
    unverified = OrganisationFactory(unverified=True)
    member = MembershipFactory(organisation=unverified).user
    with pytest.raises(PermissionDenied):
        offer_create(actor=member, organisation=unverified, town=unverified.town, data=_data())
    offer = offer_create(
        actor=staff_user(), organisation=organisation, town=organisation.town, data=_data()
    )
    with pytest.raises(PermissionDenied):
        offer_update(actor=stranger, offer=offer, town=offer.town, data=_data(title="Gekapert"))
    offer.refresh_from_db()
    assert offer.title == "Sprachcafé am Marktplatz"


def test_hidden_expired_and_unverified_offers_are_not_public(coordinator):
    organisation = _org(coordinator)
    town = organisation.town
    hidden = offer_create(actor=coordinator, organisation=organisation, town=town, data=_data())
    with pytest.raises(DomainError):
        offer_hide(actor=staff_user(), offer=hidden, reason="  ")
    offer_hide(actor=staff_user(), offer=hidden, reason="Findet nicht mehr statt")
    old = offer_create(actor=coordinator, organisation=organisation, town=town, data=_data())
    Offer.objects.filter(pk=old.pk).update(
        confirmed_at=timezone.now() - HIDE_AFTER - timedelta(days=1)
    )
    fresh = offer_create(actor=coordinator, organisation=organisation, town=town, data=_data())
    assert list(offers_public()) == [fresh]

    offer_confirm(actor=coordinator, offer=old)
    assert set(offers_public()) == {fresh, old}
    organisation.verified_at = None
    organisation.save()
    assert list(offers_public()) == []


def test_a_contact_person_needs_consent_gets_an_email_and_removes_themselves(coordinator):
    organisation = _org(coordinator)
    data = {"name": "Amal Haddad", "function": "Beratung", "email": "amal@example.org"}
    with pytest.raises(DomainError) as caught:
        contact_person_create(actor=coordinator, organisation=organisation, data=data)
    assert "consent" in caught.value.errors
    assert not ContactPerson.objects.exists()

    person = contact_person_create(
        actor=coordinator, organisation=organisation, data={**data, "consent": True}
    )
    assert list(contact_persons_public(organisation=organisation)) == [person]
    organisation.verified_at = None  # e.g. verification withdrawn: its contacts go too
    organisation.save()
    assert list(contact_persons_public(organisation=organisation)) == []
    assert list(contact_persons_public()) == []
    organisation.verified_at = timezone.now()
    organisation.save()
    mail = Notification.objects.get(kind="directory.contact_published")
    assert mail.to_email == "amal@example.org"
    link = mail.context["remove_url"]

    token = link.rstrip("/").rsplit("/", 1)[1]
    assert contact_person_for_token(token + "x") is None
    assert contact_person_for_token(token) == person
    contact_person_remove(person=person)
    assert not ContactPerson.objects.exists()
    assert contact_person_for_token(token) is None  # a used link finds nothing


def test_town_administration_contacts_are_kept_by_staff_only(coordinator):
    town = TownFactory()
    data = {"name": "B. Krüger", "function": "Integration und Flucht", "email": "k@example.org"}
    with pytest.raises(PermissionDenied):
        contact_person_create(actor=coordinator, town=town, data={**data, "consent": True})
    person = contact_person_create(actor=staff_user(), town=town, data={**data, "consent": True})
    assert list(contact_persons_public(town=town)) == [person]
    assert person.consent_text_version and person.consent_recorded_by is not None
    assert removal_url(person).startswith("http")


def test_funded_projects_appear_only_signed_and_with_consent(fast_letters):  # noqa: F811
    town = TownFactory()
    agreed = approved(ApplicationFactory(town=town, publication_consent=True))
    approved(ApplicationFactory(town=town, publication_consent=False))
    proposed(ApplicationFactory(town=town, publication_consent=True))  # not signed yet
    assert list(funded_projects_public(town=town)) == [agreed]


def test_six_months_without_confirmation_reminds_each_coordinator_once(coordinator):
    organisation = _org(coordinator)
    second = MembershipFactory(organisation=organisation).user
    offer = offer_create(
        actor=coordinator, organisation=organisation, town=organisation.town, data=_data()
    )
    assert offer_reminders_send() == 0
    Offer.objects.filter(pk=offer.pk).update(
        confirmed_at=timezone.now() - REMIND_AFTER - timedelta(days=1)
    )
    assert offer_reminders_send() == 2
    assert offer_reminders_send() == 0
    recipients = set(
        Notification.objects.filter(kind="directory.offer_unconfirmed").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {coordinator.pk, second.pk}
    # Confirmed again, then stale again: a new period gets its own reminder.
    offer_confirm(actor=coordinator, offer=offer)
    Offer.objects.filter(pk=offer.pk).update(
        confirmed_at=timezone.now() - REMIND_AFTER - timedelta(days=2)
    )
    assert offer_reminders_send() == 2
    UserFactory()  # unrelated accounts get nothing
    assert Notification.objects.filter(kind="directory.offer_unconfirmed").count() == 4
