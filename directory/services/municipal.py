"""Accounts of town administrations: KI staff grant an existing account the view of one town's
figures (role "municipal" plus a MunicipalAccess row) and take it back again."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.roles import STAFF_ROLES
from backend.errors import DomainError
from volunteers.models import Town
from volunteers.permissions import is_ki_staff_with_mfa

from ..models import MunicipalAccess


def can_grant_municipal_access(user) -> bool:
    return is_ki_staff_with_mfa(user)


@transaction.atomic
def municipal_access_grant(*, actor, email: str, town: Town) -> MunicipalAccess:
    """Give the account with `email` the figures of `town`: its role becomes "municipal".

    Only member accounts qualify: an unknown address, a KI account (staff, lead, admin), an
    inactive account or one that already has access are refused with a DomainError on
    "email". Raises PermissionDenied for anyone but KI staff with two-factor."""
    if not can_grant_municipal_access(actor):
        raise PermissionDenied
    email = (email or "").strip()
    # Locked so that two staff members granting at once do not both pass the checks.
    user = User.objects.select_for_update().filter(email__iexact=email).first() if email else None
    if user is None:
        raise DomainError(
            _(
                "Es gibt kein Konto mit dieser E-Mail-Adresse. Die Person muss sich zuerst "
                "auf der Plattform registrieren."
            ),
            field="email",
        )
    if user.role in STAFF_ROLES:
        raise DomainError(
            _("Ein Konto des KI-Teams kann keinen Zugang einer Kommune bekommen."),
            field="email",
        )
    if not user.is_active:
        raise DomainError(_("Dieses Konto ist deaktiviert."), field="email")
    existing = MunicipalAccess.objects.filter(user=user).select_related("town").first()
    if existing is not None:
        raise DomainError(
            _(
                "Dieses Konto hat bereits Zugang zu den Zahlen von %(town)s. Entziehen Sie "
                "den Zugang zuerst, um die Stadt oder Gemeinde zu ändern."
            )
            % {"town": existing.town.name},
            field="email",
        )
    user.role = User.Role.MUNICIPAL
    user.save(update_fields=["role"])
    return MunicipalAccess.objects.create(
        user=user, town=town, granted_at=timezone.now(), granted_by=actor
    )


@transaction.atomic
def municipal_access_revoke(*, actor, access: MunicipalAccess) -> None:
    """Take the access back: the row goes, the account is an ordinary member account again.
    Raises PermissionDenied for anyone but KI staff with two-factor."""
    if not can_grant_municipal_access(actor):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=access.user_id)
    MunicipalAccess.objects.filter(pk=access.pk).delete()
    if user.role == User.Role.MUNICIPAL:
        user.role = User.Role.MEMBER
        user.save(update_fields=["role"])
