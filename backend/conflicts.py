"""Conflicts of interest: nobody decides about their own matter.

- Nobody confirms or rejects their own hours, or accepts their own offer of help, even as a
  coordinator of the organisation (volunteers/services/hours.py, assignments.py).
- A KI staff member who is a member of an organisation, or registered it, neither verifies nor
  rejects it, nor takes any step on its funding applications, payments or proof of use; a lead
  who signs may not be a member either (volunteers/services/staff.py, funding/services/).
  `conflict_of_interest` is that one rule.

A service refuses with ConflictOfInterest (HTTP 409, like the four-eyes rule). The refusal is
an audit row on the object (backend.models.StatusChange, to_status "refused", the rule and the
message as note). The row is written by `records_refusals` after the service's own atomic block
was rolled back, so the refusal changes nothing else and its audit row stays. Refusals are not
status changes: the applicant's history of a case leaves them out.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, NoReturn

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ConflictError

if TYPE_CHECKING:
    from volunteers.models import Organisation

# Audit vocabulary (StatusChange.to_status of a refusal).
REFUSED = "refused"

# Rule names, the first word of a refusal's audit note.
OWN_HOURS = "own_hours"
OWN_OFFER = "own_offer"
OWN_ORGANISATION = "own_organisation"


class ConflictOfInterest(ConflictError):
    """The actor would decide about their own matter (HTTP 409). Nothing was changed; the
    refusal is recorded in the audit trail."""

    default_message = gettext_lazy(
        "Interessenkonflikt: Über eigene Angelegenheiten entscheidet eine andere Person."
    )

    def __init__(self, message: str, *, subject: models.Model, actor, rule: str):
        super().__init__(message)
        self.subject = subject
        self.actor = actor
        self.rule = rule
        self.recorded = False

    def record(self) -> None:
        """Write the refusal's audit row (once)."""
        from .models import StatusChange

        if self.recorded:
            return
        StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(type(self.subject)),
            object_id=self.subject.pk,
            from_status=str(getattr(self.subject, "status", "") or "")[:32],
            to_status=REFUSED,
            actor=self.actor if getattr(self.actor, "is_authenticated", False) else None,
            note=f"{self.rule}: {self.message}"[:2000],
        )
        self.recorded = True


def refuse(subject: models.Model, *, actor, rule: str, message: str) -> NoReturn:
    """Refuse the step for a conflict of interest (inside a service wrapped in
    `records_refusals`)."""
    raise ConflictOfInterest(message, subject=subject, actor=actor, rule=rule)


def conflict_of_interest(actor, organisation: Organisation) -> str | None:
    """Why `actor` may not decide about `organisation` (verify, reject, review, propose, sign,
    pay, accept proof), as a sentence naming the rule; None when nothing stands against it.
    A member (any Membership) or the person who registered the organisation is biased."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if organisation.registered_by_id == actor.pk:
        return _(
            "Interessenkonflikt: Sie haben „%(name)s“ selbst registriert. Über diese "
            "Organisation und ihre Förderanträge entscheidet eine andere Person des KI."
        ) % {"name": organisation.name}
    if organisation.memberships.filter(user_id=actor.pk).exists():
        return _(
            "Interessenkonflikt: Sie sind Mitglied von „%(name)s“. Über diese Organisation "
            "und ihre Förderanträge entscheidet eine andere Person des KI."
        ) % {"name": organisation.name}
    return None


def refuse_if_biased(subject: models.Model, *, actor, organisation: Organisation) -> None:
    """Refuse (ConflictOfInterest) when `actor` may not decide about `organisation`."""
    reason = conflict_of_interest(actor, organisation)
    if reason is not None:
        refuse(subject, actor=actor, rule=OWN_ORGANISATION, message=reason)


_state = threading.local()


def records_refusals(service):
    """Put above a service's @transaction.atomic: a ConflictOfInterest raised inside gets its
    audit row after the service's atomic block was rolled back (by the outermost such service
    when services call each other), then is raised on."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        depth = getattr(_state, "depth", 0)
        _state.depth = depth + 1
        try:
            return service(*args, **kwargs)
        except ConflictOfInterest as exc:
            if depth == 0:
                exc.record()
            raise
        finally:
            _state.depth = depth

    return wrapper
