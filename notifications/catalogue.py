"""Every kind of notification the platform sends, in one place.

A kind is the path of its email templates (templates/email/<kind with dots as slashes>/) and
says who gets it, whether the recipient may switch it off, what it shows in the in-app list and
which context value links to the thing concerned. notify() refuses a kind that is not listed
here, and a test checks that every listed kind has its three templates.

Optional kinds are switched off per person on the preferences page or by the one-click link in
the email. Two of them are governed by a consent of the volunteer ledger instead of a
preference (the invitation to a help request and the weekly digest): switching them off
withdraws that consent, because the consent is what allows the email in the first place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .values import as_text, unpack


class Audience:
    ACCOUNT = "account"  # anyone with an account (or an address that asked for one)
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    STAFF = "staff"


AUDIENCE_LABELS = {
    Audience.ACCOUNT: _("Konto"),
    Audience.VOLUNTEER: _("Ehrenamtliche"),
    Audience.COORDINATOR: _("Initiativen"),
    Audience.STAFF: _("KI-Team"),
}


@dataclass(frozen=True)
class Kind:
    code: str
    label: Promise
    audience: str
    # Optional kinds can be switched off by the recipient; the others are needed to use the
    # platform or are legally required (a decision, a deadline, a password reset).
    optional: bool = False
    # For optional kinds: on unless the person switched it off.
    default: bool = True
    # The volunteer consent that governs this kind (Consent.Kind value), if any.
    consent: str = ""
    # The in-app line, formatted with the notification's context (%(name)s placeholders).
    # Empty: the kind is email only (account emails carry secrets and belong to the inbox).
    in_app: Promise | str = ""
    # The context key holding the URL of the thing concerned.
    link: str = ""
    # Sent to an address the platform has not verified (an address typed at sign-up or by
    # another user): such emails carry no text another user chose. The rendering leaves out
    # the recipient's display name, and the sender puts no free text into the context.
    unverified_address: bool = False


KINDS: tuple[Kind, ...] = (
    # --- Account --------------------------------------------------------------------------
    Kind(
        "account.email_confirmation",
        _("E-Mail-Adresse bestätigen"),
        Audience.ACCOUNT,
        unverified_address=True,
    ),
    Kind(
        "account.email_confirmation_signup",
        _("Registrierung bestätigen"),
        Audience.ACCOUNT,
        unverified_address=True,
    ),
    # A reset or an "account exists" note may go to an address of the account that was never
    # confirmed: no display name in them either.
    Kind(
        "account.password_reset_key",
        _("Passwort zurücksetzen"),
        Audience.ACCOUNT,
        unverified_address=True,
    ),
    Kind(
        "account.account_already_exists",
        _("Konto besteht bereits"),
        Audience.ACCOUNT,
        unverified_address=True,
    ),
    Kind(
        "account.unknown_account",
        _("Kein Konto zu dieser Adresse"),
        Audience.ACCOUNT,
        unverified_address=True,
    ),
    Kind("system.test", _("Testnachricht"), Audience.STAFF),
    # --- Volunteers and help requests -----------------------------------------------------
    Kind(
        "volunteers.invitation",
        _("Einladungen zu passenden Hilfegesuchen"),
        Audience.VOLUNTEER,
        optional=True,
        consent="contact",
        in_app=_("Einladung: „%(request_title)s“ (%(organisation)s, %(town)s)"),
        link="accept_url",
    ),
    Kind(
        "volunteers.digest",
        _("Wöchentliche E-Mail mit passenden Hilfegesuchen"),
        Audience.VOLUNTEER,
        optional=True,
        default=False,
        consent="digest",
        in_app=_("Neue Hilfegesuche, die zu Ihnen passen"),
        link="list_url",
    ),
    Kind(
        "volunteers.assignment_confirmed",
        _("Zusage zu einem Einsatz bestätigt"),
        Audience.VOLUNTEER,
        in_app=_("Ihr Einsatz bei „%(request_title)s“ ist bestätigt."),
        link="request_url",
    ),
    Kind(
        "volunteers.hours_confirmed",
        _("Stunden bestätigt"),
        Audience.VOLUNTEER,
        optional=True,
        in_app=_("Ihre %(hours)s Stunden vom %(date)s bei „%(request_title)s“ sind bestätigt."),
        link="dashboard_url",
    ),
    Kind(
        "volunteers.fuehrungszeugnis_expiring",
        _("Führungszeugnis läuft bald ab"),
        Audience.VOLUNTEER,
        optional=True,
        in_app=_("Ihr Führungszeugnis gilt nur noch bis %(valid_until)s."),
        link="profile_url",
    ),
    Kind(
        "volunteers.offer_received",
        _("Ehrenamtliche bieten Hilfe an"),
        Audience.COORDINATOR,
        optional=True,
        in_app=_("%(volunteer_name)s bietet Hilfe an: „%(request_title)s“"),
        link="request_url",
    ),
    Kind(
        "volunteers.request_expiring",
        _("Hilfegesuch läuft bald ab"),
        Audience.COORDINATOR,
        optional=True,
        in_app=_("Ihr Hilfegesuch „%(request_title)s“ ist nur noch bis %(open_until)s offen."),
        link="request_url",
    ),
    Kind(
        "volunteers.coordinator_invitation",
        _("Einladung in eine Initiative"),
        Audience.COORDINATOR,
        in_app=_("Einladung zur Mitarbeit bei %(organisation)s"),
        link="accept_url",
        unverified_address=True,
    ),
    Kind(
        "volunteers.organisation_verified",
        _("Initiative bestätigt"),
        Audience.COORDINATOR,
        in_app=_("%(organisation)s ist vom KI bestätigt."),
        link="organisation_url",
    ),
    Kind(
        "volunteers.organisation_rejected",
        _("Initiative nicht bestätigt"),
        Audience.COORDINATOR,
        in_app=_("%(organisation)s ist vom KI nicht bestätigt worden."),
        link="organisation_url",
    ),
    Kind(
        "volunteers.organisation_registered",
        _("Neue Initiative zur Prüfung"),
        Audience.STAFF,
        optional=True,
        in_app=_("Neue Initiative zur Prüfung: %(organisation)s (%(town)s)"),
        link="review_url",
    ),
    # --- Trainings ------------------------------------------------------------------------
    Kind(
        "volunteers.training_registered",
        _("Anmeldung zu einer Schulung"),
        Audience.VOLUNTEER,
        in_app=_("Sie sind angemeldet: „%(title)s“"),
        link="url",
    ),
    Kind(
        "volunteers.training_waitlisted",
        _("Platz auf der Warteliste"),
        Audience.VOLUNTEER,
        in_app=_("Warteliste für „%(title)s“: Platz %(position)s"),
        link="url",
    ),
    Kind(
        "volunteers.training_offer",
        _("Freier Platz in einer Schulung"),
        Audience.VOLUNTEER,
        in_app=_("Ein Platz ist frei geworden: „%(title)s“ — bitte bis %(expires_at)s zusagen."),
        link="confirm_url",
    ),
    Kind(
        "volunteers.training_cancelled",
        _("Schulung abgesagt"),
        Audience.VOLUNTEER,
        in_app=_("Abgesagt: „%(title)s“"),
        link="url",
    ),
    Kind(
        "volunteers.training_reminder",
        _("Erinnerung an eine Schulung"),
        Audience.VOLUNTEER,
        optional=True,
        in_app=_("Erinnerung: „%(title)s“ am %(starts_on)s um %(starts_time)s"),
        link="url",
    ),
    Kind(
        "volunteers.training_certificate",
        _("Teilnahmebescheinigung"),
        Audience.VOLUNTEER,
        optional=True,
        in_app=_("Ihre Teilnahmebescheinigung für „%(title)s“ liegt bereit."),
        link="download_url",
    ),
    # --- Funding --------------------------------------------------------------------------
    Kind(
        "funding.application_submitted",
        _("Förderantrag eingereicht"),
        Audience.COORDINATOR,
        in_app=_("Antrag %(reference)s „%(title)s“ ist eingereicht."),
        link="application_url",
    ),
    Kind(
        "funding.changes_requested",
        _("Änderungen am Förderantrag erbeten"),
        Audience.COORDINATOR,
        in_app=_("Antrag %(reference)s: Das KI bittet um Änderungen."),
        link="application_url",
    ),
    Kind(
        "funding.decision_proposed",
        _("Förderentscheidung zum Zeichnen"),
        Audience.STAFF,
        in_app=_("Antrag %(reference)s „%(title)s“: Entscheidung zum Zeichnen vorgeschlagen"),
        link="staff_url",
    ),
    Kind(
        "funding.application_approved",
        _("Förderantrag bewilligt"),
        Audience.COORDINATOR,
        in_app=_("Antrag %(reference)s ist bewilligt: %(amount)s"),
        link="application_url",
    ),
    Kind(
        "funding.application_rejected",
        _("Förderantrag abgelehnt"),
        Audience.COORDINATOR,
        in_app=_("Antrag %(reference)s ist abgelehnt."),
        link="application_url",
    ),
    Kind(
        "funding.payment_made",
        _("Auszahlung"),
        Audience.COORDINATOR,
        in_app=_("Antrag %(reference)s: %(amount)s wurden ausgezahlt."),
        link="application_url",
    ),
    Kind(
        "funding.proof_reminder",
        _("Erinnerung an den Verwendungsnachweis"),
        Audience.COORDINATOR,
        in_app=_("Antrag %(reference)s: Verwendungsnachweis fällig am %(proof_due_on)s"),
        link="application_url",
    ),
    Kind(
        "funding.proof_returned",
        _("Verwendungsnachweis zurückgegeben"),
        Audience.COORDINATOR,
        in_app=_("Antrag %(reference)s: Der Verwendungsnachweis braucht Ergänzungen."),
        link="application_url",
    ),
    Kind(
        "funding.application_closed",
        _("Förderfall abgeschlossen"),
        Audience.COORDINATOR,
        in_app=_("Antrag %(reference)s ist abgeschlossen."),
        link="application_url",
    ),
)

# Directory entries are appended below the funding kinds.
KINDS += (
    Kind(
        "directory.offer_unconfirmed",
        _("Angebot bitte bestätigen"),
        Audience.COORDINATOR,
        in_app=_("Ist „%(title)s“ noch aktuell? Sonst wird es ab %(hidden_on)s ausgeblendet."),
        link="offer_url",
    ),
    # To the published person's address (they may have no account): the removal link.
    Kind(
        "directory.contact_published",
        _("Eintrag im Verzeichnis"),
        Audience.ACCOUNT,
        unverified_address=True,
    ),
)

BY_CODE: dict[str, Kind] = {kind.code: kind for kind in KINDS}


def get(code: str) -> Kind:
    """The catalogue entry; KeyError for a kind that is not catalogued."""
    return BY_CODE[code]


def optional_kinds(audiences: set[str] | None = None) -> list[Kind]:
    return [
        kind
        for kind in KINDS
        if kind.optional and (audiences is None or kind.audience in audiences)
    ]


def in_app_text(code: str, context: dict[str, Any]) -> str:
    """The in-app line in the active language; the kind's label when a value is missing."""
    kind = BY_CODE.get(code)
    if kind is None or not kind.in_app:
        return str(kind.label) if kind else code
    values = {
        key: as_text(value)
        for key, value in unpack(context).items()
        if isinstance(as_text(value), str | int)
    }
    try:
        return str(kind.in_app) % values
    except (KeyError, TypeError, ValueError):
        return str(kind.label)


def link_of(code: str, context: dict[str, Any]) -> str:
    kind = BY_CODE.get(code)
    if kind is None or not kind.link:
        return ""
    value = context.get(kind.link)
    return value if isinstance(value, str) else ""
