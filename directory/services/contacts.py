"""Contact persons: published only with the person's consent, removed by them at any time with
the signed link they get by email (no account needed)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.errors import DomainError
from notifications.services import notify
from volunteers.models import Organisation, Town

from ..models import ContactPerson
from ..permissions import can_manage_offers_of, can_manage_town_contacts

CONSENT_TEXT = gettext_lazy(
    "Die Person ist einverstanden, dass Name, Funktion, Telefonnummer und E-Mail-Adresse im "
    "öffentlichen Verzeichnis der Plattform erscheinen. Sie erhält eine E-Mail mit einem Link, "
    "mit dem sie den Eintrag jederzeit selbst entfernen kann."
)
_SALT = "directory.contact-remove"


def consent_text_version() -> str:
    with translation.override("de"):
        return hashlib.sha256(str(CONSENT_TEXT).encode()).hexdigest()


def _check(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not str(data.get("name") or "").strip():
        errors["name"] = [_("Bitte geben Sie den Namen an.")]
    if not str(data.get("function") or "").strip():
        errors["function"] = [_("Bitte geben Sie die Funktion an.")]
    if not str(data.get("email") or "").strip():
        errors["email"] = [_("Bitte geben Sie eine E-Mail-Adresse an.")]
    if not data.get("consent"):
        errors["consent"] = [
            _(
                "Ohne die Einwilligung der Person wird sie nicht veröffentlicht. Bitte holen Sie "
                "sie zuerst ein."
            )
        ]
    if errors:
        raise DomainError(_("Bitte prüfen Sie die markierten Angaben."), errors=errors)


@transaction.atomic
def contact_person_create(
    *,
    actor,
    data: dict[str, Any],
    organisation: Organisation | None = None,
    town: Town | None = None,
) -> ContactPerson:
    """Publish a contact person of an organisation (its coordinators, KI staff) or of a town
    administration (KI staff). `data`: name, function, phone, email, consent (bool)."""
    if (organisation is None) == (town is None):
        raise ValueError("A contact person belongs to an organisation or a town.")
    if organisation is not None and not can_manage_offers_of(actor, organisation):
        raise PermissionDenied
    if town is not None and not can_manage_town_contacts(actor):
        raise PermissionDenied
    _check(data)
    person = ContactPerson.objects.create(
        organisation=organisation,
        town=town,
        name=data["name"].strip(),
        function=data["function"].strip(),
        phone=str(data.get("phone") or "").strip(),
        email=data["email"].strip(),
        consent_at=timezone.now(),
        consent_text_version=consent_text_version(),
        consent_recorded_by=actor,
    )
    notify(
        kind="directory.contact_published",
        to_email=person.email,
        dedupe_key=f"directory.contact_published:{person.pk}",
        # The address was typed by someone else and is not verified: no text a user chose
        # (not the name or function they typed; an organisation only once the KI verified it).
        context={
            "of": (organisation.name if organisation.is_verified else "")
            if organisation
            else _("Stadt-/Gemeindeverwaltung %(town)s") % {"town": town.name},
            "remove_url": removal_url(person),
        },
    )
    return person


def removal_url(person: ContactPerson) -> str:
    token = signing.dumps({"p": person.pk, "e": person.email}, salt=_SALT)
    return settings.SITE_URL + reverse("directory:contact_remove", args=[token])


def contact_person_for_token(token: str) -> ContactPerson | None:
    try:
        data = signing.loads(token, salt=_SALT)
        return ContactPerson.objects.get(pk=data["p"], email=data["e"])
    except (signing.BadSignature, KeyError, TypeError, ContactPerson.DoesNotExist):
        return None


def contact_person_remove(*, person: ContactPerson) -> None:
    """The person withdraws the consent: the entry is deleted at once."""
    ContactPerson.objects.filter(pk=person.pk).delete()


def contact_person_delete(*, actor, person: ContactPerson) -> None:
    if person.organisation is not None:
        allowed = can_manage_offers_of(actor, person.organisation)
    else:
        allowed = can_manage_town_contacts(actor)
    if not allowed:
        raise PermissionDenied
    ContactPerson.objects.filter(pk=person.pk).delete()
