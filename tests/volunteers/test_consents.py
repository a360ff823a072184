"""The consent ledger: given, withdrawn, given again, each to a versioned text."""

import hashlib
import re

import pytest
from django.utils import translation

from tests.factories import VolunteerFactory
from volunteers.models import Consent
from volunteers.selectors import consent_is_active
from volunteers.services.consents import (
    CONSENT_TEXTS,
    consent_give,
    consent_text_version,
    consent_withdraw,
)

pytestmark = pytest.mark.django_db

CONTACT = Consent.Kind.CONTACT


def ledger(user, kind=CONTACT) -> list[Consent]:
    return list(Consent.objects.filter(user=user, kind=kind).order_by("given_at", "id"))


def test_giving_a_consent_makes_it_active(volunteer):
    assert consent_is_active(user=volunteer, kind=CONTACT) is False
    consent = consent_give(user=volunteer, kind=CONTACT)
    assert consent_is_active(user=volunteer, kind=CONTACT) is True
    assert consent.withdrawn_at is None
    assert consent.text_version == consent_text_version(CONTACT)


def test_giving_again_to_the_same_text_changes_nothing(volunteer):
    first = consent_give(user=volunteer, kind=CONTACT)
    again = consent_give(user=volunteer, kind=CONTACT)
    assert again.pk == first.pk
    assert again.given_at == first.given_at
    assert ledger(volunteer) == [first]


def test_withdrawing_takes_effect_at_once_and_only_for_that_consent(volunteer):
    consent_give(user=volunteer, kind=CONTACT)
    consent_give(user=volunteer, kind=Consent.Kind.DIGEST)

    assert consent_withdraw(user=volunteer, kind=CONTACT) is True

    [withdrawn] = ledger(volunteer)
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawn_at >= withdrawn.given_at
    assert consent_is_active(user=volunteer, kind=CONTACT) is False
    assert consent_is_active(user=volunteer, kind=Consent.Kind.DIGEST) is True
    # Nothing left to withdraw.
    assert consent_withdraw(user=volunteer, kind=CONTACT) is False


def test_giving_after_withdrawal_adds_a_row_and_keeps_the_history(volunteer):
    first = consent_give(user=volunteer, kind=CONTACT)
    consent_withdraw(user=volunteer, kind=CONTACT)
    second = consent_give(user=volunteer, kind=CONTACT)

    old, new = ledger(volunteer)
    assert (old.pk, new.pk) == (first.pk, second.pk)
    assert old.withdrawn_at is not None
    assert new.withdrawn_at is None
    assert new.given_at >= old.withdrawn_at
    assert consent_is_active(user=volunteer, kind=CONTACT) is True


def test_a_changed_text_must_be_agreed_to_again(volunteer):
    """A consent given to an earlier wording is replaced, not silently carried over."""
    earlier = Consent.objects.create(user=volunteer, kind=CONTACT, text_version="0" * 64)
    current = consent_give(user=volunteer, kind=CONTACT)

    earlier.refresh_from_db()
    assert earlier.withdrawn_at is not None
    assert current.pk != earlier.pk
    assert current.text_version == consent_text_version(CONTACT)
    assert [c.withdrawn_at is None for c in ledger(volunteer)] == [False, True]


@pytest.mark.parametrize("kind", Consent.Kind.values)
def test_text_version_is_the_sha256_of_the_german_text(kind):
    with translation.override("de"):
        german = str(CONSENT_TEXTS[kind])
    version = consent_text_version(kind)
    assert re.fullmatch(r"[0-9a-f]{64}", version)
    assert version == hashlib.sha256(german.encode()).hexdigest()


def test_consent_given_on_the_english_page_is_to_the_german_version(volunteer):
    """The German wording is binding; whoever reads the English page agrees to that version."""
    other = VolunteerFactory(language="de")
    with translation.override("en"):
        in_english = consent_give(user=volunteer, kind=CONTACT)
    with translation.override("de"):
        in_german = consent_give(user=other, kind=CONTACT)
        german = str(CONSENT_TEXTS[CONTACT])
    assert in_english.text_version == in_german.text_version
    assert in_english.text_version == hashlib.sha256(german.encode()).hexdigest()
