"""Offers: kept by the organisation's coordinators, hidden by KI staff when needed, confirmed
regularly so that the directory stays current (models.REMIND_AFTER / HIDE_AFTER)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import DomainError
from volunteers.languages import LANGUAGE_NAMES
from volunteers.models import Organisation, Town

from ..models import Offer, OfferLanguage
from ..permissions import can_hide_offer, can_manage_offers_of

FIELDS = (
    "title",
    "kind",
    "description",
    "place",
    "weekday",
    "starts_at",
    "ends_at",
    "dates",
    "target_group",
    "free_of_charge",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _check(data: dict[str, Any], town: Town | None) -> None:
    """Every problem at once, by field."""
    errors: dict[str, list[str]] = {}
    if town is None:
        errors["town"] = [_("Bitte wählen Sie einen Ort im Kreis.")]
    if not str(data.get("title") or "").strip():
        errors["title"] = [_("Bitte geben Sie einen Titel an.")]
    if data.get("kind") not in Offer.Kind.values:
        errors["kind"] = [_("Bitte wählen Sie eine Art des Angebots.")]
    if not str(data.get("description") or "").strip():
        errors["description"] = [_("Bitte beschreiben Sie das Angebot.")]
    if not str(data.get("place") or "").strip():
        errors["place"] = [_("Bitte geben Sie an, wo das Angebot stattfindet.")]
    weekday = data.get("weekday")
    if weekday is None and not str(data.get("dates") or "").strip():
        errors["dates"] = [_("Bitte geben Sie einen Wochentag oder die Termine an.")]
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("Das Ende muss nach dem Beginn liegen.")]
    unknown = [code for code in data.get("languages", []) if code not in LANGUAGE_NAMES]
    if unknown:
        errors["languages"] = [_("Unbekannte Sprache: %(codes)s") % {"codes": ", ".join(unknown)}]
    if not (data.get("contact_email") or data.get("contact_phone")):
        errors["contact_email"] = [_("Bitte geben Sie eine E-Mail-Adresse oder Telefonnummer an.")]
    if errors:
        raise DomainError(_("Bitte prüfen Sie die markierten Angaben."), errors=errors)


def _languages_set(offer: Offer, codes: list[str]) -> None:
    OfferLanguage.objects.filter(offer=offer).exclude(code__in=codes).delete()
    existing = set(OfferLanguage.objects.filter(offer=offer).values_list("code", flat=True))
    OfferLanguage.objects.bulk_create(
        [
            OfferLanguage(offer=offer, code=code)
            for code in dict.fromkeys(codes)
            if code not in existing
        ]
    )


@transaction.atomic
def offer_create(
    *, actor, organisation: Organisation, town: Town | None, data: dict[str, Any]
) -> Offer:
    """A new offer, confirmed as of now. `data` holds FIELDS and "languages" (codes)."""
    if not can_manage_offers_of(actor, organisation):
        raise PermissionDenied
    _check(data, town)
    offer = Offer.objects.create(
        organisation=organisation,
        town=town,
        **{name: data.get(name) for name in FIELDS if name in data},
    )
    _languages_set(offer, list(data.get("languages", [])))
    return offer


@transaction.atomic
def offer_update(*, actor, offer: Offer, town: Town | None, data: dict[str, Any]) -> Offer:
    """Change an offer; saving it counts as confirming it is current."""
    locked = Offer.objects.select_for_update().select_related("organisation").get(pk=offer.pk)
    if not can_manage_offers_of(actor, locked.organisation):
        raise PermissionDenied
    _check(data, town)
    now = timezone.now()
    for name in FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    locked.town = town
    locked.updated_at = now
    locked.confirmed_at = now
    locked.save()
    _languages_set(locked, list(data.get("languages", [])))
    return locked


def offer_confirm(*, actor, offer: Offer) -> None:
    """The organisation confirms the offer is still current (one click from the reminder)."""
    if not can_manage_offers_of(actor, offer.organisation):
        raise PermissionDenied
    Offer.objects.filter(pk=offer.pk).update(confirmed_at=timezone.now())


@transaction.atomic
def offer_delete(*, actor, offer: Offer) -> None:
    if not can_manage_offers_of(actor, offer.organisation):
        raise PermissionDenied
    Offer.objects.filter(pk=offer.pk).delete()


def offer_hide(*, actor, offer: Offer, reason: str) -> None:
    """KI staff take an offer out of the public directory (wrong, offensive, closed)."""
    if not can_hide_offer(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise DomainError(
            _("Bitte geben Sie einen Grund an; die Organisation sieht ihn."),
            errors={"reason": [_("Bitte geben Sie einen Grund an.")]},
        )
    Offer.objects.filter(pk=offer.pk).update(hidden_at=timezone.now(), hidden_reason=reason[:300])


def offer_unhide(*, actor, offer: Offer) -> None:
    if not can_hide_offer(actor):
        raise PermissionDenied
    Offer.objects.filter(pk=offer.pk).update(hidden_at=None, hidden_reason="")
