"""Assignments: a volunteer offers help or a coordinator invites; the other side answers.

Confirmed assignments never exceed helpers_needed: the help request row is locked before its
confirmed_count is checked and raised, and a CHECK constraint (confirmed_count <= helpers_needed)
backs that up. The request becomes "filled" when full and "open" again when someone withdraws.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.conflicts import OWN_OFFER, records_refusals, refuse
from backend.errors import (
    CapacityExceeded,
    ConflictError,
    DomainError,
    InvalidTransition,
    ValidationFailed,
)
from backend.status import transition
from notifications.services import notify
from volunteers.matching.filters import BUDGET_WINDOW, completed_qualifications
from volunteers.models import Assignment, Consent, HelpRequest
from volunteers.permissions import (
    can_answer_assignment,
    can_manage_help_request,
    can_withdraw_assignment,
)
from volunteers.selectors import consent_is_active

from .help_requests import _refresh_fill_state

ANSWER_SALT = "volunteers.assignment-answer"
MAX_INVITATIONS_AT_ONCE = 20
ANSWERS = ("accept", "decline")


def _check_eligible(help_request: HelpRequest, volunteer) -> None:
    profile = getattr(volunteer, "volunteer_profile", None)
    if profile is None or not profile.is_complete:
        raise ValidationFailed(_("Das Ehrenamtsprofil ist noch nicht vollständig."))
    if help_request.required_qualification_id is not None and not (
        completed_qualifications(volunteer.pk)
        .filter(registration__training__qualification=help_request.required_qualification_id)
        .exists()
    ):
        raise ValidationFailed(
            _("Für dieses Hilfegesuch ist die Schulung „%(name)s“ nötig.")
            % {"name": help_request.required_qualification.name}
        )
    if help_request.requires_fuehrungszeugnis:
        record = getattr(volunteer, "fuehrungszeugnis", None)
        if record is None or not record.is_valid():
            raise ValidationFailed(
                _("Für dieses Hilfegesuch ist ein gültiges Führungszeugnis nötig.")
            )


def _locked_open_request(help_request: HelpRequest) -> HelpRequest:
    locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if locked.status != HelpRequest.Status.OPEN:
        raise ConflictError(_("Dieses Hilfegesuch ist nicht mehr offen."))
    return locked


def _create(help_request: HelpRequest, volunteer, **fields) -> Assignment:
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                help_request=help_request, volunteer=volunteer, **fields
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("Für dieses Hilfegesuch gibt es schon eine Anfrage oder Zusage.")
        ) from exc


def request_url(help_request: HelpRequest) -> str:
    return settings.SITE_URL + reverse("volunteers:help_request_detail", args=[help_request.pk])


def answer_token(assignment: Assignment, answer: str) -> str:
    """A signed, expiring token for answering an invitation from the email without login."""
    return signing.dumps(
        {"a": assignment.pk, "v": assignment.volunteer_id, "x": answer}, salt=ANSWER_SALT
    )


def answer_url(assignment: Assignment, answer: str) -> str:
    return settings.SITE_URL + reverse(
        "volunteers:assignment_answer_link", args=[answer_token(assignment, answer)]
    )


def assignment_from_token(token: str) -> tuple[Assignment, str]:
    """Raises ValidationFailed for a broken or expired link (with a message saying which)."""
    try:
        data = signing.loads(
            token, salt=ANSWER_SALT, max_age=settings.ASSIGNMENT_LINK_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired as exc:
        raise ValidationFailed(
            _("Dieser Link ist abgelaufen. Bitte antworten Sie auf der Plattform.")
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationFailed(_("Dieser Link ist ungültig.")) from exc
    assignment = Assignment.objects.filter(pk=data["a"], volunteer_id=data["v"]).first()
    if assignment is None or data["x"] not in ANSWERS:
        raise ValidationFailed(_("Dieser Link ist ungültig."))
    return assignment, data["x"]


@transaction.atomic
def assignment_offer(*, help_request: HelpRequest, volunteer, message: str = "") -> Assignment:
    """The volunteer offers help on an open request; coordinators are told."""
    locked = _locked_open_request(help_request)
    _check_eligible(locked, volunteer)
    assignment = _create(
        locked, volunteer, status=Assignment.Status.OFFERED, is_offer=True, message=message
    )
    for membership in locked.organisation.memberships.select_related("user"):
        notify(
            kind="volunteers.offer_received",
            recipient=membership.user,
            context={
                "request_title": locked.title,
                "request_url": request_url(locked),
                "volunteer_name": volunteer.get_short_name(),
            },
            dedupe_key=f"offer-received:{assignment.pk}:{membership.user_id}",
        )
    return assignment


def _check_invitation_budget(volunteer) -> None:
    """Nobody gets more than MATCHING_WEEKLY_INVITATIONS invitations in seven days, from all
    organisations together. Their own offers of help do not count, and invitations still
    count when the inviting account was deleted since. The volunteer's account row is locked
    first, so two invitations at the same moment are counted one after the other (the request
    row is already locked: request, then account, is the order everywhere)."""
    type(volunteer).objects.select_for_update().filter(pk=volunteer.pk).first()
    since = timezone.now() - BUDGET_WINDOW
    received = Assignment.objects.filter(
        volunteer=volunteer, is_offer=False, created_at__gte=since
    ).count()
    if received >= settings.MATCHING_WEEKLY_INVITATIONS:
        raise CapacityExceeded(
            _(
                "%(name)s hat in den letzten sieben Tagen schon %(n)d Anfragen bekommen. "
                "Damit niemand überhäuft wird, ist eine weitere erst später möglich."
            )
            % {"name": volunteer.get_short_name(), "n": received}
        )


@transaction.atomic
def assignment_invite(
    *, help_request: HelpRequest, volunteer, actor, message: str = ""
) -> Assignment:
    """A coordinator invites a volunteer, who must have consented to be contacted and have
    invitations left this week. Raises PermissionDenied, ConflictError (not open, already
    asked), CapacityExceeded (weekly budget used up), ValidationFailed."""
    if not can_manage_help_request(actor, help_request):
        raise PermissionDenied
    locked = _locked_open_request(help_request)
    _check_eligible(locked, volunteer)
    if not consent_is_active(user=volunteer, kind=Consent.Kind.CONTACT):
        raise ValidationFailed(_("Diese Person möchte derzeit nicht angefragt werden."))
    _check_invitation_budget(volunteer)
    assignment = _create(
        locked, volunteer, status=Assignment.Status.INVITED, invited_by=actor, message=message
    )
    notify(
        kind="volunteers.invitation",
        recipient=volunteer,
        context={
            "request_title": locked.title,
            "organisation": locked.organisation.name,
            "town": locked.town.name,
            # The mask, not words: the email puts it into words in its recipient's language.
            "weekly_slots": locked.weekly_slots
            if locked.schedule == HelpRequest.Schedule.WEEKLY
            else 0,
            "message": message,
            "accept_url": answer_url(assignment, "accept"),
            "link_days": settings.ASSIGNMENT_LINK_MAX_AGE_SECONDS // 86400,
            "decline_url": answer_url(assignment, "decline"),
        },
        dedupe_key=f"invitation:{assignment.pk}",
        required_consent=Consent.Kind.CONTACT,
    )
    return assignment


@dataclass
class Invitations:
    """What inviting several volunteers at once did: who was invited, who not and why."""

    invited: list[Assignment] = field(default_factory=list)
    refused: list[tuple[object, str]] = field(default_factory=list)  # (volunteer, message)


def assignments_invite_many(
    *, help_request: HelpRequest, volunteers: list, actor, message: str = ""
) -> Invitations:
    """Invite several volunteers to the request, each on its own: one who cannot be invited
    (budget used up, asked already, consent withdrawn) does not stop the others. Each
    invitation is its own transaction (a savepoint inside the caller's). Raises
    PermissionDenied before inviting anyone, ValidationFailed for more than
    MAX_INVITATIONS_AT_ONCE."""
    if not can_manage_help_request(actor, help_request):
        raise PermissionDenied
    if len(volunteers) > MAX_INVITATIONS_AT_ONCE:
        raise ValidationFailed(
            _("Höchstens %(n)d Einladungen auf einmal.") % {"n": MAX_INVITATIONS_AT_ONCE},
            field="volunteers",
        )
    result = Invitations()
    for volunteer in volunteers:
        try:
            result.invited.append(
                assignment_invite(
                    help_request=help_request, volunteer=volunteer, actor=actor, message=message
                )
            )
        except DomainError as exc:
            result.refused.append((volunteer, exc.message))
    return result


@records_refusals
@transaction.atomic
def assignment_accept(*, assignment: Assignment, actor, via_link: bool = False) -> Assignment:
    """Confirm an invitation (the volunteer) or an offer (a coordinator).

    Locks the help request row first; raises CapacityExceeded when it is full, ConflictError
    when the assignment was already answered, PermissionDenied for the wrong side,
    ConflictOfInterest when a coordinator would accept their own offer (audit row, nothing
    else changes)."""
    if not via_link and not can_answer_assignment(actor, assignment):
        raise PermissionDenied
    if assignment.status == Assignment.Status.OFFERED and assignment.volunteer_id == actor.pk:
        refuse(
            assignment,
            actor=actor,
            rule=OWN_OFFER,
            message=_(
                "Interessenkonflikt: Ihr eigenes Hilfsangebot nimmt eine andere Person der "
                "Koordination an, nicht Sie selbst."
            ),
        )
    help_request = HelpRequest.objects.select_for_update().get(pk=assignment.help_request_id)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status not in (Assignment.Status.INVITED, Assignment.Status.OFFERED):
        raise ConflictError(_("Diese Anfrage wurde bereits beantwortet."))
    if help_request.status in (HelpRequest.Status.CLOSED, HelpRequest.Status.EXPIRED):
        raise ConflictError(_("Dieses Hilfegesuch ist nicht mehr offen."))
    if help_request.status != HelpRequest.Status.OPEN:
        raise CapacityExceeded(_("Dieses Hilfegesuch ist schon vollständig besetzt."))
    if help_request.confirmed_count >= help_request.helpers_needed:
        raise CapacityExceeded(_("Dieses Hilfegesuch ist schon vollständig besetzt."))
    now = timezone.now()
    transition(
        assignment, to=Assignment.Status.CONFIRMED, actor=actor, responded_at=now, confirmed_at=now
    )
    HelpRequest.objects.filter(pk=help_request.pk).update(confirmed_count=F("confirmed_count") + 1)
    help_request.refresh_from_db(fields=["confirmed_count"])
    _refresh_fill_state(help_request, actor=actor)
    notify(
        kind="volunteers.assignment_confirmed",
        recipient=assignment.volunteer,
        context={"request_title": help_request.title, "request_url": request_url(help_request)},
        dedupe_key=f"assignment-confirmed:{assignment.pk}",
    )
    return assignment


MAX_REASON_LENGTH = 500


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            _("Der Grund darf höchstens %(n)d Zeichen lang sein (jetzt: %(length)d).")
            % {"n": MAX_REASON_LENGTH, "length": len(reason)},
            field="reason",
        )
    return reason


@transaction.atomic
def assignment_decline(
    *, assignment: Assignment, actor, via_link: bool = False, reason: str = ""
) -> Assignment:
    """Decline an invitation (the volunteer) or an offer (a coordinator), with an optional
    reason the other side sees. Raises PermissionDenied, ConflictError (answered already),
    ValidationFailed (reason longer than MAX_REASON_LENGTH)."""
    if not via_link and not can_answer_assignment(actor, assignment):
        raise PermissionDenied
    reason = _clean_reason(reason)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status not in (Assignment.Status.INVITED, Assignment.Status.OFFERED):
        raise ConflictError(_("Diese Anfrage wurde bereits beantwortet."))
    now = timezone.now()
    transition(
        assignment,
        to=Assignment.Status.DECLINED,
        actor=actor,
        responded_at=now,
        ended_at=now,
        decline_reason=reason,
    )
    return assignment


# An invitation nobody answered within this many days expires (and so does one whose request
# closed or expired first): the volunteer no longer sees it as open, the coordinator no
# longer counts it as pending.
INVITATION_EXPIRY_DAYS = 14


def invitations_expire(*, now: dt.datetime | None = None) -> int:
    """Periodic: unanswered invitations whose request ended, or that are older than
    INVITATION_EXPIRY_DAYS, become expired. Each is changed by a conditional update, so a
    second run (or an answer in the meantime) expires none twice. Returns how many."""
    now = now or timezone.now()
    overdue = Assignment.objects.filter(status=Assignment.Status.INVITED).filter(
        Q(
            help_request__status__in=[HelpRequest.Status.CLOSED, HelpRequest.Status.EXPIRED],
        )
        | Q(created_at__lt=now - dt.timedelta(days=INVITATION_EXPIRY_DAYS))
    )
    expired = 0
    for assignment in list(overdue.only("pk", "status")):
        try:
            transition(assignment, to=Assignment.Status.EXPIRED, note="not answered", ended_at=now)
        except InvalidTransition:
            continue  # answered in the meantime
        expired += 1
    return expired


@transaction.atomic
def assignment_offer_withdraw(*, assignment: Assignment, actor) -> Assignment:
    """The volunteer takes back an offer of help the coordinators have not answered yet.

    Only the volunteer who offered; only while the offer waits (the row is locked, so an
    acceptance at the same moment wins or loses as a whole). Raises PermissionDenied,
    ConflictError (already accepted or declined: an accepted one is ended with
    assignment_withdraw, which the volunteer then does knowingly)."""
    if not (actor.is_authenticated and actor.pk == assignment.volunteer_id):
        raise PermissionDenied
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != Assignment.Status.OFFERED:
        raise ConflictError(
            _("Die Initiative hat Ihr Angebot schon beantwortet.")
            if assignment.status in (Assignment.Status.CONFIRMED, Assignment.Status.DECLINED)
            else _("Dieses Angebot ist nicht mehr offen.")
        )
    transition(assignment, to=Assignment.Status.WITHDRAWN, actor=actor, ended_at=timezone.now())
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, actor, note: str = "") -> Assignment:
    """Either side ends an assignment. A confirmed one frees its place: the request reopens."""
    if not can_withdraw_assignment(actor, assignment):
        raise PermissionDenied
    help_request = HelpRequest.objects.select_for_update().get(pk=assignment.help_request_id)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    was_confirmed = assignment.status == Assignment.Status.CONFIRMED
    transition(
        assignment, to=Assignment.Status.WITHDRAWN, actor=actor, note=note, ended_at=timezone.now()
    )
    if was_confirmed:
        HelpRequest.objects.filter(pk=help_request.pk).update(
            confirmed_count=F("confirmed_count") - 1
        )
        help_request.refresh_from_db(fields=["confirmed_count"])
        _refresh_fill_state(help_request, actor=actor)
    return assignment


def assignment_answer_by_link(*, token: str, reason: str = "") -> Assignment:
    """Answer an invitation from the email link (no login); a decline may give a reason.
    One use: a second click finds the assignment already answered and raises ConflictError."""
    assignment, answer = assignment_from_token(token)
    if assignment.status != Assignment.Status.INVITED:
        raise ConflictError(_("Diese Anfrage wurde bereits beantwortet."))
    if answer == "accept":
        return assignment_accept(assignment=assignment, actor=assignment.volunteer, via_link=True)
    return assignment_decline(
        assignment=assignment, actor=assignment.volunteer, via_link=True, reason=reason
    )
