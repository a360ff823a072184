"""Organisations: registration (waits for KI verification) and coordinators inviting further
coordinators by email.

An invitation is answered through a signed, expiring link; accepting it needs an account whose
verified email address is the invited one, so a forwarded link is of no use to anyone else.
At most one invitation per organisation and address is open at a time (a partial unique
constraint backs that up).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.errors import ConflictError, ValidationFailed
from notifications.services import notify
from volunteers.models import CoordinatorInvitation, Membership, Organisation, Town
from volunteers.permissions import can_manage_organisation

INVITATION_SALT = "volunteers.coordinator-invitation"
# How long an invitation link works. A setting (COORDINATOR_INVITATION_MAX_AGE_SECONDS) may
# replace the default once base.py defines one.
INVITATION_MAX_AGE_DAYS = 14
STAFF_ROLES_TO_TELL = ("ki_staff", "ki_lead")


def _invitation_max_age() -> int:
    return getattr(
        settings, "COORDINATOR_INVITATION_MAX_AGE_SECONDS", INVITATION_MAX_AGE_DAYS * 86400
    )


@transaction.atomic
def organisation_register(
    *,
    actor,
    name: str,
    kind: str,
    town: Town,
    contact_email: str,
    contact_phone: str = "",
    address: str = "",
    description: str = "",
) -> Organisation:
    """A new organisation, pending until KI staff verify it; the registrant becomes its first
    coordinator and every active KI staff member and lead is emailed.

    Raises PermissionDenied (no account), ConflictError (same name in the same town)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    name = " ".join(name.split())
    if kind not in Organisation.Kind.values:
        raise ValidationFailed(_("Bitte eine Art der Organisation wählen."), field="kind")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name,
                kind=kind,
                town=town,
                address=address.strip(),
                contact_email=contact_email.strip().lower(),
                contact_phone=" ".join(contact_phone.split()),
                description=description.strip(),
                registered_by=actor,
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("Eine Organisation mit diesem Namen gibt es in %(town)s schon.")
            % {"town": town.name},
            field="name",
        ) from exc
    Membership.objects.create(organisation=organisation, user=actor)
    _tell_staff_about(organisation, registered_by=actor)
    return organisation


MAX_PHONE_LENGTH = 40


@transaction.atomic
def organisation_update_contact(
    *, organisation: Organisation, actor, contact_email: str, contact_phone: str = ""
) -> Organisation:
    """A coordinator changes the organisation's contact email and phone (what confirmed
    helpers see). Raises PermissionDenied (not a coordinator of it), ValidationFailed (every
    problem at once)."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    email = contact_email.strip().lower()
    phone = " ".join(contact_phone.split())
    problems: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except DjangoValidationError:
        problems["contact_email"] = [_("Bitte geben Sie eine gültige E-Mail-Adresse an.")]
    if len(phone) > MAX_PHONE_LENGTH:
        problems["contact_phone"] = [
            _("Die Telefonnummer darf höchstens %(n)d Zeichen lang sein.") % {"n": MAX_PHONE_LENGTH}
        ]
    if problems:
        field, [message] = next(iter(problems.items()))
        raise ValidationFailed(message, field=field, errors=problems if len(problems) > 1 else None)
    organisation.contact_email, organisation.contact_phone = email, phone
    organisation.save(update_fields=["contact_email", "contact_phone"])
    return organisation


def _review_url() -> str:
    """The staff page that lists organisations to verify (built in another module; without
    it the email points to the site)."""
    try:
        return settings.SITE_URL + reverse("volunteers:staff_organisation_list")
    except NoReverseMatch:
        return ""


def _tell_staff_about(organisation: Organisation, *, registered_by) -> None:
    from backend.accounts.models import User

    review_url = _review_url()
    staff = User.objects.filter(is_active=True, role__in=STAFF_ROLES_TO_TELL).order_by("pk")
    for person in staff:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            kind_label = str(organisation.get_kind_display())
        notify(
            kind="volunteers.organisation_registered",
            recipient=person,
            context={
                "organisation": organisation.name,
                "kind": kind_label,
                "town": organisation.town.name,
                "contact_email": organisation.contact_email,
                "registered_by": registered_by.get_full_name(),
                "review_url": review_url,
            },
            dedupe_key=f"organisation-registered:{organisation.pk}:{person.pk}",
        )


def invitation_token(invitation: CoordinatorInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def invitation_url(invitation: CoordinatorInvitation) -> str:
    return settings.SITE_URL + reverse(
        "volunteers:coordinator_invitation_accept", args=[invitation_token(invitation)]
    )


@transaction.atomic
def coordinator_invite(*, organisation: Organisation, email: str, actor) -> CoordinatorInvitation:
    """Invite someone by email to coordinate the organisation with the actor.

    Raises PermissionDenied (the actor is no coordinator of it), ConflictError (the address
    already coordinates it, or an invitation to it is still open)."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ConflictError(
            _("%(email)s koordiniert diese Organisation schon.") % {"email": email},
            field="email",
        )
    try:
        with transaction.atomic():
            invitation = CoordinatorInvitation.objects.create(
                organisation=organisation, email=email, invited_by=actor
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("An %(email)s ist schon eine Einladung unterwegs.") % {"email": email},
            field="email",
        ) from exc
    from backend.accounts.models import User

    existing = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    notify(
        kind="volunteers.coordinator_invitation",
        to_email=email,
        language=existing or settings.LANGUAGE_CODE,
        # The address is not verified: no text another user chose (not the inviter's name,
        # the organisation's name only once the KI has verified it).
        context={
            "organisation": organisation.name if organisation.is_verified else "",
            "accept_url": invitation_url(invitation),
            "signup_url": settings.SITE_URL + reverse("account_signup"),
            "days": _invitation_max_age() // 86400,
        },
        dedupe_key=f"coordinator-invitation:{invitation.pk}",
    )
    return invitation


def coordinator_invitation_from_token(token: str) -> CoordinatorInvitation:
    """The invitation a link stands for. Raises ValidationFailed for a broken or expired link."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=_invitation_max_age())
    except signing.SignatureExpired as exc:
        raise ValidationFailed(
            _("Dieser Einladungslink ist abgelaufen. Bitte lassen Sie sich erneut einladen.")
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationFailed(_("Dieser Einladungslink ist ungültig.")) from exc
    invitation = (
        CoordinatorInvitation.objects.select_related("organisation__town", "invited_by")
        .filter(pk=data.get("i"), email=data.get("e"))
        .first()
    )
    if invitation is None:
        raise ValidationFailed(_("Dieser Einladungslink ist ungültig."))
    return invitation


def invitation_is_for(invitation: CoordinatorInvitation, user) -> bool:
    """Whether the account holds the invited address as a verified email address."""
    from allauth.account.models import EmailAddress

    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


@transaction.atomic
def coordinator_invitation_accept(*, invitation: CoordinatorInvitation, actor) -> Membership:
    """The invited person becomes a coordinator. One use only.

    Raises PermissionDenied (the account's verified address is not the invited one; checked
    first, so another account learns nothing about the invitation), ConflictError (already
    used)."""
    if not invitation_is_for(invitation, actor):
        raise PermissionDenied
    locked = CoordinatorInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ConflictError(_("Diese Einladung wurde bereits angenommen."))
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    invitation.accepted_at = locked.accepted_at
    membership, _created = Membership.objects.get_or_create(
        organisation_id=locked.organisation_id, user=actor
    )
    return membership
