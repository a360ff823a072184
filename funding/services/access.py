"""Audit of KI staff downloading a case's files (GDPR): annexes, receipts and the decision
letter carry personal data of the applying organisation's people, so every download by KI
staff writes one row, like staff views of a volunteer's data (volunteers.services.staff).
Downloads by the organisation's own coordinators are their own data and are not logged.

The row is a StatusChange "viewed" -> "viewed" on the file (Attachment or DecisionLetter,
never on the Application, whose history the applicant reads); its note names the page or
endpoint, the case and the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType

from backend.models import StatusChange
from volunteers.services.staff import VIEWED

from ..models import Attachment, DecisionLetter
from ..permissions import is_applicant, is_funding_staff

if TYPE_CHECKING:
    from backend.accounts.models import User


def file_download_log(
    *, file: Attachment | DecisionLetter, filename: str, actor: User, purpose: str
) -> StatusChange | None:
    """One audit row for a KI staff member's download of `file` (call it once the file is
    about to be served); None, and nothing written, for anybody else. `purpose` is the URL
    name of the page or endpoint."""
    application = file.application
    if not is_funding_staff(actor) or is_applicant(actor, application):
        return None
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(file)),
        object_id=file.pk,
        from_status=VIEWED,
        to_status=VIEWED,
        actor=actor,
        note=f"{purpose}; application={application.pk}; file={filename}"[:2000],
    )
