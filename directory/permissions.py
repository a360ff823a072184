"""Who may do what in the directory. Predicates `can_<verb>_<entity>` and access functions
`<entity>_get_for_<action>` (Http404 for what the user may not see, PermissionDenied for what
they may see but not change)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from backend.accounts.roles import is_ki_staff
from volunteers.models import Organisation, Town
from volunteers.permissions import is_ki_staff_with_mfa, is_member_of

from .models import ContactPerson, Offer


def can_manage_offers_of(user, organisation: Organisation) -> bool:
    """Coordinators of a verified organisation, and KI staff (two-factor set up)."""
    if is_ki_staff_with_mfa(user):
        return True
    return organisation.is_verified and is_member_of(user, organisation)


def can_hide_offer(user) -> bool:
    return is_ki_staff_with_mfa(user)


def can_manage_town_contacts(user) -> bool:
    """Contact persons of town administrations are kept by the KI."""
    return is_ki_staff_with_mfa(user)


def can_see_town_figures(user, town: Town) -> bool:
    """KI staff see every town; a municipal account sees its own town only."""
    if is_ki_staff_with_mfa(user):
        return True
    access = getattr(user, "municipal_access", None) if user.is_authenticated else None
    return access is not None and access.town_id == town.pk


def offer_get_for_edit(user, pk: int) -> Offer:
    offer = Offer.objects.select_related("organisation", "town").filter(pk=pk).first()
    if offer is None:
        raise Http404
    if not can_manage_offers_of(user, offer.organisation):
        if is_ki_staff(user) or not is_member_of(user, offer.organisation):
            raise Http404
        raise PermissionDenied  # a coordinator of an organisation not (yet) verified
    return offer


def contact_person_get_for_edit(user, pk: int) -> ContactPerson:
    person = ContactPerson.objects.select_related("organisation", "town").filter(pk=pk).first()
    if person is None:
        raise Http404
    if person.organisation is not None:
        allowed = can_manage_offers_of(user, person.organisation)
    else:
        allowed = can_manage_town_contacts(user)
    if not allowed:
        raise Http404
    return person
