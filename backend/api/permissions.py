"""DRF permission classes. They call the predicates in backend/accounts/roles.py."""

from rest_framework.permissions import BasePermission

from backend.accounts.roles import has_mfa, is_ki_staff


class IsKIStaff(BasePermission):
    """KI staff with two-factor authentication set up (the same rule as the staff pages)."""

    message = "Nur für das KI-Team mit Zwei-Faktor-Anmeldung."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and is_ki_staff(user) and has_mfa(user))
