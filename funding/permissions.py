"""Who may do what with funding cases. Predicates `can_<verb>_<entity>` and access functions
`application_get_for_<action>` (Http404 for what the user may not see, PermissionDenied for
what they may see but not do). Pages, API, tasks and services all go through these.

- Coordinators of the applying organisation see their organisation's cases (never the internal
  notes or the checklist) and act as the applicant.
- KI staff with two-factor authentication see every case and review it; only a KI lead signs a
  decision, and never one they proposed themselves (four eyes).
- Everyone else sees nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from backend.accounts.roles import has_mfa, is_ki_lead, is_ki_staff
from volunteers.models import Organisation

from .models import Application, Attachment, Payment


def is_funding_staff(user) -> bool:
    """KI staff work on funding cases only with two-factor authentication."""
    return is_ki_staff(user) and has_mfa(user)


def is_applicant(user, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    return application.organisation.memberships.filter(user=user).exists()


def can_apply_for(user, organisation: Organisation) -> bool:
    if not organisation.is_verified:
        return False
    if not user.is_authenticated:
        return False
    return organisation.memberships.filter(user=user).exists()


def can_view_application(user, application: Application) -> bool:
    if is_funding_staff(user):
        return True
    return is_applicant(user, application)


def can_edit_application(user, application: Application) -> bool:
    if not application.is_editable:
        return False
    return is_applicant(user, application)


def can_review_application(user, application: Application) -> bool:
    return is_funding_staff(user)


def can_sign_application(user, application: Application) -> bool:
    """A KI lead with two-factor authentication who did not propose the decision."""
    if application.status != Application.Status.PROPOSED:
        return False
    if not (is_ki_lead(user) and has_mfa(user)):
        return False
    return application.proposed_by_id != user.pk


def can_request_payment(user, application: Application) -> bool:
    if application.status != Application.Status.APPROVED:
        return False
    return is_applicant(user, application)


def can_submit_proof(user, application: Application) -> bool:
    if application.status != Application.Status.APPROVED:
        return False
    return is_applicant(user, application)


def can_view_attachment(user, attachment: Attachment) -> bool:
    return can_view_application(user, attachment.application)


def application_get_for_view(*, user, application_id: int) -> Application:
    application = (
        Application.objects.select_related(
            "organisation", "programme_year__programme", "block", "town"
        )
        .filter(pk=application_id)
        .first()
    )
    if application is None or not can_view_application(user, application):
        raise Http404
    return application


def application_get_for_edit(*, user, application_id: int) -> Application:
    application = application_get_for_view(user=user, application_id=application_id)
    if not is_applicant(user, application):
        raise PermissionDenied
    return application


def application_get_for_review(*, user, application_id: int) -> Application:
    application = application_get_for_view(user=user, application_id=application_id)
    if not can_review_application(user, application):
        raise PermissionDenied
    return application


def attachment_get_for_download(*, user, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("application__organisation")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or not can_view_attachment(user, attachment):
        raise Http404
    return attachment


def payment_get_for_staff(*, user, payment_id: int) -> Payment:
    payment = Payment.objects.select_related("application").filter(pk=payment_id).first()
    if payment is None or not can_view_application(user, payment.application):
        raise Http404
    if not is_funding_staff(user):
        raise PermissionDenied
    return payment
