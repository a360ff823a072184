"""Who is what. Every page, endpoint and task asks these predicates, never the fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.utils import is_mfa_enabled

if TYPE_CHECKING:
    from .models import User

STAFF_ROLES = frozenset({"ki_staff", "ki_lead", "admin"})


def is_ki_staff(user: User) -> bool:
    """KI staff, KI lead and administrators do KI work."""
    return bool(user.is_authenticated and user.is_active and user.role in STAFF_ROLES)


def is_ki_lead(user: User) -> bool:
    """KI lead (budget holder); administrators are not leads by default."""
    return bool(user.is_authenticated and user.is_active and user.role == "ki_lead")


def has_mfa(user: User) -> bool:
    return bool(user.is_authenticated and is_mfa_enabled(user))


def is_coordinator(user: User) -> bool:
    """Member of at least one organisation."""
    if not user.is_authenticated:
        return False
    return user.memberships.exists()


def is_volunteer(user: User) -> bool:
    """A member account with a volunteer profile."""
    if not (user.is_authenticated and user.role == "member"):
        return False
    return hasattr(user, "volunteer_profile")


def roles_of(user: User) -> list[str]:
    """The role names shown in the navigation, in a fixed order."""
    if not user.is_authenticated:
        return []
    roles = []
    if is_volunteer(user):
        roles.append("volunteer")
    if is_coordinator(user):
        roles.append("coordinator")
    if is_ki_staff(user):
        roles.append("ki_staff")
    if is_ki_lead(user):
        roles.append("ki_lead")
    if user.role == "admin":
        roles.append("admin")
    if is_municipal(user):
        roles.append("municipal")
    return roles


def is_municipal(user: User) -> bool:
    """An account of a town administration (its town: directory.models.MunicipalAccess)."""
    return bool(user.is_authenticated and user.is_active and user.role == "municipal")


def ki_leads():
    """The active KI lead accounts (who sign funding decisions), as a queryset."""
    from .models import User

    return User.objects.filter(is_active=True, role="ki_lead")
