"""Who may do what in the volunteers app. Predicates `can_<verb>_<entity>` (one condition per
line) and access functions `<entity>_get_for_<action>` that raise Http404 for what the user may
not see and PermissionDenied for what they may see but not do."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from backend.accounts.roles import has_mfa, is_ki_staff

from .models import Assignment, HelpRequest, HoursEntry, Organisation

PUBLIC_REQUEST_STATUSES = {HelpRequest.Status.OPEN, HelpRequest.Status.FILLED}


def is_ki_staff_with_mfa(user) -> bool:
    """KI staff see non-public data only with two-factor authentication set up."""
    return is_ki_staff(user) and has_mfa(user)


def is_member_of(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return organisation.memberships.filter(user=user).exists()


def can_manage_organisation(user, organisation: Organisation) -> bool:
    return is_member_of(user, organisation)


def can_post_help_request(user, organisation: Organisation) -> bool:
    if not organisation.is_verified:
        return False
    return is_member_of(user, organisation)


def can_view_help_request(user, help_request: HelpRequest) -> bool:
    if help_request.status in PUBLIC_REQUEST_STATUSES:
        return True
    if is_ki_staff_with_mfa(user):
        return True
    if is_member_of(user, help_request.organisation):
        return True
    return user.is_authenticated and help_request.assignments.filter(volunteer=user).exists()


def can_manage_help_request(user, help_request: HelpRequest) -> bool:
    return is_member_of(user, help_request.organisation)


def can_answer_assignment(user, assignment: Assignment) -> bool:
    """The side that did not start it answers: the volunteer an invitation, a coordinator an
    offer."""
    if assignment.status == Assignment.Status.INVITED:
        return user.is_authenticated and user.pk == assignment.volunteer_id
    if assignment.status == Assignment.Status.OFFERED:
        return is_member_of(user, assignment.help_request.organisation)
    return False


def can_withdraw_assignment(user, assignment: Assignment) -> bool:
    if user.is_authenticated and user.pk == assignment.volunteer_id:
        return True
    return is_member_of(user, assignment.help_request.organisation)


def can_view_assignment(user, assignment: Assignment) -> bool:
    return can_withdraw_assignment(user, assignment) or is_ki_staff_with_mfa(user)


def can_review_hours(user, entry: HoursEntry) -> bool:
    return is_member_of(user, entry.assignment.help_request.organisation)


def help_request_get_for_view(*, user, request_id: int) -> HelpRequest:
    help_request = (
        HelpRequest.objects.select_related("organisation", "town", "activity_area")
        .filter(pk=request_id)
        .first()
    )
    if help_request is None or not can_view_help_request(user, help_request):
        raise Http404
    return help_request


def help_request_get_for_manage(*, user, request_id: int) -> HelpRequest:
    help_request = help_request_get_for_view(user=user, request_id=request_id)
    if not can_manage_help_request(user, help_request):
        raise PermissionDenied
    return help_request


def assignment_get_for_view(*, user, assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("help_request__organisation", "volunteer")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or not can_view_assignment(user, assignment):
        raise Http404
    return assignment
