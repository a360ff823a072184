"""Where each person lands after logging in: where their work is.

- A member account that is still onboarding as a volunteer continues its onboarding (whose
  first step also asks the name, if the account has none).
- KI staff, the KI lead and administrators: the work queue ("Aufgaben").
- A town administration's account: the figures of its town.
- A coordinator: their organisation, or the list when they coordinate several.
- A volunteer: the dashboard ("Mein Ehrenamt").
- Whoever has no name yet is first asked for it on the account overview, which then sends them
  on to that place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from .roles import is_ki_staff, is_municipal, is_volunteer

if TYPE_CHECKING:
    from .models import User


def workplace_url(user: User) -> str:
    """The page where the account's work is (see the module docstring); the home page for an
    account with no role yet. At most three queries."""
    if is_ki_staff(user):
        return reverse("work_queue")
    if is_municipal(user):
        return reverse("directory:municipal_figures")
    # Coordination before volunteering: others wait for a coordinator's answers.
    organisations = list(user.memberships.values_list("organisation_id", flat=True)[:2])
    if len(organisations) == 1:
        return reverse("volunteers:organisation_detail", kwargs={"pk": organisations[0]})
    if organisations:
        return reverse("volunteers:organisation_list")
    if is_volunteer(user):
        return reverse("volunteers:dashboard")
    return reverse("home")


def landing_url(user: User) -> str:
    """Where login leads `user`."""
    from volunteers.services.profiles import profile_onboarding_url

    onboarding = profile_onboarding_url(user)
    if onboarding:
        return onboarding
    target = workplace_url(user)
    if user.needs_name:
        return f"{reverse('account_overview')}?{urlencode({'next': target})}"
    return target
