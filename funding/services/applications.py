"""The applicant's side: drafting, editing, submitting and withdrawing an application.

A draft may be incomplete, but whatever it holds is valid on its own (a block of its year, a
Pauschale claimed at its exact amount, no cap exceeded). Submitting checks the whole: complete,
the cost plan adds up, the programme's rules hold, the call is open and the project does not
start before today (no retroactive funding). Every refusal names its field and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backend.errors import ConflictError, ValidationFailed
from backend.status import transition
from notifications.services import notify
from volunteers.models import Organisation, Town

from ..models import Application, BuildingBlock, CostLine, Pauschale, ProgrammeYear
from ..models.programmes import ZERO
from ..permissions import can_apply_for, is_applicant
from .attachments import Upload, attachments_check, attachments_store
from .budget import cents_message, format_euro, is_cents

if TYPE_CHECKING:
    from backend.accounts.models import User

TEXT_FIELDS = ("title", "description", "goals", "target_group")


@dataclass
class CostLineData:
    category: str
    description: str
    amount: Decimal
    pauschale: Pauschale | None = None
    units: int | None = None


@dataclass
class ApplicationData:
    """What the applicant fills in. `cost_lines=None` leaves the cost plan as it is."""

    block: BuildingBlock
    title: str
    town: Town
    description: str = ""
    goals: str = ""
    target_group: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    own_contribution: Decimal = ZERO
    requested_amount: Decimal = ZERO
    publication_consent: bool = False
    cost_lines: Sequence[CostLineData] | None = field(default=None)


def _site(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path


def application_url(application: Application) -> str:
    return _site(reverse("funding:application_detail", args=[application.pk]))


def _next_reference(programme_year: ProgrammeYear) -> str:
    """KA2-2026-0007: the programme's code, the year, a running number per year."""
    prefix = f"{programme_year.programme.code}-{programme_year.year}-"
    last = Application.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))[
        "m"
    ]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _check_values(
    data: ApplicationData,
    programme_year: ProgrammeYear,
    uploads: Sequence[Upload] = (),
    *,
    attached: int = 0,
) -> list:
    """Rules every saved state must meet, and the annexes to add (checked, not stored yet).
    Raises ValidationFailed with all problems of both; returns the checked annexes."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.block.programme_year_id != programme_year.pk:
        add("block", _("Dieser Baustein gehört nicht zum gewählten Förderjahr."))
    if not data.title.strip():
        add("title", _("Bitte geben Sie einen Projekttitel an."))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        add("ends_on", _("Das Projektende liegt vor dem Beginn."))
    amounts_ok = True
    for name in ("own_contribution", "requested_amount"):
        if not is_cents(getattr(data, name)):
            add(name, cents_message())
            amounts_ok = False
    if amounts_ok and data.own_contribution < 0:
        add("own_contribution", _("Der Eigenanteil kann nicht negativ sein."))
    if amounts_ok and data.requested_amount < 0:
        add("requested_amount", _("Der beantragte Betrag kann nicht negativ sein."))
    cap = programme_year.cap_per_application
    if amounts_ok and cap is not None and data.requested_amount > cap:
        add(
            "requested_amount",
            _("Je Antrag können höchstens %(cap)s beantragt werden.") % {"cap": format_euro(cap)},
        )
    for index, line in enumerate(data.cost_lines or ()):
        name = f"cost_lines.{index}"
        if line.category not in CostLine.Category.values:
            add(name, _("Unbekannte Kostenkategorie."))
        if not line.description.strip():
            add(name, _("Bitte beschreiben Sie jede Kostenposition."))
        if line.amount is None or not line.amount.is_finite() or line.amount <= 0:
            add(name, _("Jeder Betrag im Kostenplan muss größer als 0 sein."))
        elif not is_cents(line.amount):
            add(name, cents_message())
        if line.pauschale is not None:
            _check_pauschale(line, data, programme_year, name, add)
    limit = settings.FUNDING_ATTACHMENTS_PER_APPLICATION
    if uploads and attached + len(uploads) > limit:
        add(
            "attachments",
            _("Ein Antrag kann höchstens %(n)s Anlagen haben; %(have)s sind schon gespeichert.")
            % {"n": limit, "have": attached},
        )
    checked = []
    try:
        checked = attachments_check(uploads)
    except ValidationFailed as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                add(name, message)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, errors=errors)
    return checked


def _check_pauschale(line, data, programme_year, name, add) -> None:
    """`line` is a CostLineData or a CostLine, `data` an ApplicationData or an Application."""
    pauschale = line.pauschale
    if pauschale.programme_year_id != programme_year.pk or (
        pauschale.block_id and pauschale.block_id != data.block.pk
    ):
        add(name, _("Diese Pauschale gilt nicht für diesen Baustein."))
        return
    units = line.units or 0
    if not 1 <= units <= pauschale.max_units:
        add(
            name,
            _("„%(title)s“ gibt es für 1 bis %(max)s %(unit)s.")
            % {"title": pauschale.title, "max": pauschale.max_units, "unit": pauschale.unit},
        )
        return
    expected = pauschale.amount * units
    if line.amount != expected:
        add(
            name,
            _("„%(title)s“ für %(units)s %(unit)s beträgt genau %(amount)s.")
            % {
                "title": pauschale.title,
                "units": units,
                "unit": pauschale.unit,
                "amount": format_euro(expected),
            },
        )


def _write(application: Application, data: ApplicationData) -> None:
    application.block = data.block
    application.title = data.title.strip()
    application.town = data.town
    for name in ("description", "goals", "target_group"):
        setattr(application, name, getattr(data, name).strip())
    application.starts_on = data.starts_on
    application.ends_on = data.ends_on
    application.own_contribution = data.own_contribution
    application.requested_amount = data.requested_amount
    application.publication_consent = data.publication_consent
    application.save()
    if data.cost_lines is not None:
        application.cost_lines.all().delete()
        CostLine.objects.bulk_create(
            CostLine(
                application=application,
                position=index,
                category=line.category,
                description=line.description.strip(),
                amount=line.amount,
                pauschale=line.pauschale,
                units=line.units if line.pauschale else None,
            )
            for index, line in enumerate(data.cost_lines)
        )


@transaction.atomic
def application_create(
    *,
    organisation: Organisation,
    programme_year: ProgrammeYear,
    data: ApplicationData,
    actor: User,
    attachments: Sequence[Upload] = (),
) -> Application:
    """A new draft of a verified organisation the actor coordinates, with its annexes if any
    (all or nothing: a refused file refuses the draft, naming every problem at once)."""
    if not can_apply_for(actor, organisation):
        raise PermissionDenied
    checked = _check_values(data, programme_year, attachments)
    # The running number is taken under the year row's lock so two drafts never collide.
    ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
    application = Application(
        organisation=organisation,
        programme_year=programme_year,
        reference=_next_reference(programme_year),
        created_by=actor,
        # Set by _write; placeholders keep the NOT NULL columns happy until then.
        block=data.block,
        town=data.town,
    )
    try:
        with transaction.atomic():
            _write(application, data)
    except IntegrityError as exc:  # pragma: no cover - the lock above makes this a backstop
        raise ConflictError() from exc
    attachments_store(application=application, checked=checked, actor=actor, field="attachments")
    return application


@transaction.atomic
def application_update(
    *,
    application: Application,
    data: ApplicationData,
    actor: User,
    attachments: Sequence[Upload] = (),
) -> None:
    """Change a draft, or an application that was sent back for changes, and add the annexes
    sent with it (all or nothing, every problem named at once)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not is_applicant(actor, locked):
        raise PermissionDenied
    if not locked.is_editable:
        raise ConflictError(
            _("Der Antrag ist eingereicht und kann nur nach einer Rückfrage geändert werden.")
        )
    checked = _check_values(
        data, locked.programme_year, attachments, attached=locked.attachments.count()
    )
    _write(locked, data)
    attachments_store(application=locked, checked=checked, actor=actor, field="attachments")
    application.refresh_from_db()


def submit_problems(
    application: Application,
    *,
    today: date,
    lines: Sequence[CostLine | CostLineData] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> dict[str, list[str]]:
    """Everything that keeps the application from being submitted, by field (empty: fine).

    `lines` checks this cost plan instead of the saved one, and `skip` leaves out the fields
    named there ("cost_lines": the whole cost plan): the edit page asks this of input it could
    only partly read, to name every problem at once without repeating one it names already."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        if name in skip or name.split(".", 1)[0] in skip:
            return
        problems.setdefault(name, []).append(message)

    year = application.programme_year
    labels = {
        "title": _("Bitte geben Sie einen Projekttitel an."),
        "description": _("Bitte beschreiben Sie das Projekt."),
        "goals": _("Bitte nennen Sie die Ziele."),
        "target_group": _("Bitte nennen Sie die Zielgruppe."),
    }
    for name in TEXT_FIELDS:
        if not getattr(application, name).strip():
            add(name, labels[name])
    if not application.organisation.is_verified:
        add("__all__", _("Nur geprüfte Organisationen können Anträge einreichen."))
    if not year.call_is_open(today):
        add(
            "__all__",
            _("Anträge für %(year)s können vom %(start)s bis %(end)s eingereicht werden.")
            % {
                "year": year.year,
                "start": date_format(year.call_opens_on, "SHORT_DATE_FORMAT"),
                "end": date_format(year.call_closes_on, "SHORT_DATE_FORMAT"),
            },
        )
    if application.starts_on is None:
        add("starts_on", _("Bitte geben Sie den geplanten Beginn an."))
    elif application.starts_on < today:
        add(
            "starts_on",
            _(
                "Das Projekt darf nicht vor heute beginnen: Maßnahmen, die schon begonnen haben, "
                "können nicht gefördert werden."
            ),
        )
    if application.ends_on is None:
        add("ends_on", _("Bitte geben Sie das geplante Ende an."))
    for name in ("starts_on", "ends_on"):
        value = getattr(application, name)
        if value is not None and value.year != year.year:
            add(
                name,
                _("Der Projektzeitraum muss im Förderjahr %(year)s liegen.") % {"year": year.year},
            )
    if lines is None:
        lines = list(application.cost_lines.select_related("pauschale"))
    total = sum((line.amount for line in lines), ZERO)
    if not lines:
        add(
            "cost_lines", _("Bitte stellen Sie einen Kostenplan mit mindestens einer Position auf.")
        )
    # The sum check needs the whole cost plan and both amounts.
    sum_known = not ({"cost_lines", "own_contribution"} & set(skip))
    if application.requested_amount <= 0:
        add("requested_amount", _("Bitte geben Sie den beantragten Betrag an."))
    elif (
        sum_known and lines and application.requested_amount + application.own_contribution != total
    ):
        add(
            "requested_amount",
            _(
                "Der Kostenplan geht nicht auf: Gesamtkosten %(total)s, aber beantragter Betrag "
                "und Eigenanteil ergeben %(sum)s."
            )
            % {
                "total": format_euro(total),
                "sum": format_euro(application.requested_amount + application.own_contribution),
            },
        )
    if (
        year.cap_per_application is not None
        and application.requested_amount > year.cap_per_application
    ):
        add(
            "requested_amount",
            _("Je Antrag können höchstens %(cap)s beantragt werden.")
            % {"cap": format_euro(year.cap_per_application)},
        )
    # Name the pot that is short: the block's, or the year's (its pot can be cut below the
    # sum of the blocks' pots).
    if application.requested_amount > application.block.available:
        add(
            "requested_amount",
            _("Im Baustein %(block)s sind nur noch %(left)s frei.")
            % {
                "block": application.block.code,
                "left": format_euro(max(application.block.available, ZERO)),
            },
        )
    elif application.requested_amount > year.available:
        add(
            "requested_amount",
            _("Im Fördertopf %(year)s sind nur noch %(left)s frei.")
            % {"year": year.year, "left": format_euro(max(year.available, ZERO))},
        )
    # The Pauschale may have changed since the draft was saved: the same check as on saving,
    # at the line it concerns.
    for index, line in enumerate(lines):
        if line.pauschale is not None:
            _check_pauschale(line, application, year, f"cost_lines.{index}", add)
    return problems


@transaction.atomic
def application_submit(*, application: Application, actor: User, today: date | None = None) -> None:
    """Draft or sent-back application -> submitted, after every rule holds. Raises
    ValidationFailed listing all problems (nothing changes), InvalidTransition."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme_year__programme", "block", "organisation")
        .get(pk=application.pk)
    )
    if not is_applicant(actor, locked):
        raise PermissionDenied
    if locked.status not in Application.EDITABLE:
        raise ConflictError(_("Der Antrag ist schon eingereicht."))
    problems = submit_problems(locked, today=today or timezone.localdate())
    if problems:
        first = next(iter(problems.values()))[0]
        raise ValidationFailed(first, errors=problems)
    resubmitted = locked.status == Application.Status.CHANGES_REQUESTED
    transition(
        locked,
        to=Application.Status.SUBMITTED,
        actor=actor,
        note=_("erneut eingereicht") if resubmitted else "",
        submitted_at=timezone.now(),
    )
    application.status = locked.status
    application.submitted_at = locked.submitted_at
    for coordinator in _coordinators(locked):
        notify(
            kind="funding.application_submitted",
            recipient=coordinator,
            # One confirmation per submission (a resubmission confirms again).
            dedupe_key=(
                f"application-submitted:{locked.pk}:{coordinator.pk}:"
                f"{locked.submitted_at:%Y%m%d%H%M%S%f}"
            ),
            context=_mail_context(locked),
        )


def _coordinators(application: Application) -> list[User]:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(memberships__organisation_id=application.organisation_id, is_active=True)
        .order_by("pk")
    )


def _mail_context(application: Application) -> dict:
    return {
        "reference": application.reference,
        "title": application.title,
        "organisation": application.organisation.name,
        "application_url": application_url(application),
    }


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, note: str = "") -> None:
    """The applicant withdraws before a decision is signed."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not is_applicant(actor, locked):
        raise PermissionDenied
    transition(locked, to=Application.Status.WITHDRAWN, actor=actor, note=note.strip()[:2000])
    application.status = locked.status
