"""The KI team's work queue ("Aufgaben"): what waits for someone of the KI, with counts and
links to the staff pages where it is done.

Reads only; each task asks the selectors of its app where one exists. The number of queries
is the same however much waits (tests/accounts/test_work_queue.py measures it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import is_ki_lead

if TYPE_CHECKING:
    from backend.accounts.models import User

# How many of the oldest waiting things a task names with their own links.
ITEMS_SHOWN = 5


@dataclass(frozen=True)
class TaskItem:
    """One waiting thing, named, with the page where it is done."""

    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Task:
    key: str  # stable name (anchors, tests)
    title: str
    description: str
    count: int
    url: str
    link_label: str
    items: list[TaskItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many waiting things the items do not name."""
        return max(0, self.count - len(self.items))


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    tasks: list[Task]

    @property
    def count(self) -> int:
        return sum(task.count for task in self.tasks)


def _url(name: str, query: dict | None = None, **kwargs) -> str:
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


def _organisations() -> Area:
    from volunteers.selectors_staff import organisation_pending_count

    return Area(
        "organisationen",
        _("Organisationen"),
        [
            Task(
                "organisations_pending",
                _("Organisationen zur Prüfung"),
                _(
                    "Erst nach der Prüfung dürfen sie Hilfegesuche veröffentlichen und "
                    "Fördermittel beantragen."
                ),
                organisation_pending_count(),
                _url("volunteers:staff_organisation_list", {"status": "pending"}),
                _("Organisationen prüfen"),
            )
        ],
    )


def _funding(user: User) -> Area:
    from funding.models import Application, Payment

    status = Application.Status
    counts = Application.objects.aggregate(
        submitted=Count("pk", filter=Q(status=status.SUBMITTED)),
        proposed=Count("pk", filter=Q(status=status.PROPOSED) & ~Q(proposed_by=user)),
        proof=Count("pk", filter=Q(status=status.PROOF_SUBMITTED)),
    )
    payments = Payment.objects.filter(status=Payment.Status.REQUESTED)
    oldest_payments = list(
        payments.select_related("application__organisation").order_by("requested_at", "pk")[
            :ITEMS_SHOWN
        ]
    )
    tasks = [
        Task(
            "applications_submitted",
            _("Förderanträge zur Prüfung"),
            _(
                "Eingereichte Anträge: prüfen, Änderungen erbitten oder eine Entscheidung "
                "vorschlagen."
            ),
            counts["submitted"],
            _url("funding:staff_queue", {"status": status.SUBMITTED}),
            _("Eingereichte Anträge öffnen"),
        ),
    ]
    if is_ki_lead(user):
        tasks.append(
            Task(
                "applications_to_sign",
                _("Entscheidungen zur Unterschrift"),
                _("Vorschläge, die jemand anderes gemacht hat (Vier-Augen-Prinzip)."),
                counts["proposed"],
                _url("funding:staff_queue", {"status": status.PROPOSED}),
                _("Vorgeschlagene Entscheidungen öffnen"),
            )
        )
    tasks += [
        Task(
            "payments_requested",
            _("Mittelabrufe zur Auszahlung"),
            _("Organisationen haben einen Teil der bewilligten Mittel angefordert."),
            payments.count(),
            _url("funding:staff_queue", {"status": status.APPROVED}),
            _("Bewilligte Anträge öffnen"),
            [
                TaskItem(
                    f"{payment.application.reference} – {payment.application.organisation.name}",
                    _url("funding:staff_application_detail", pk=payment.application_id)
                    + "#mittelabrufe",
                    _("%(amount)s € angefordert am %(date)s")
                    % {
                        "amount": number_format(payment.amount, 2, force_grouping=True),
                        "date": date_format(
                            timezone.localdate(payment.requested_at), "SHORT_DATE_FORMAT"
                        ),
                    },
                )
                for payment in oldest_payments
            ],
        ),
        Task(
            "proofs_submitted",
            _("Verwendungsnachweise zur Prüfung"),
            _("Eingereichte Nachweise: abschließen oder zur Überarbeitung zurückgeben."),
            counts["proof"],
            _url("funding:staff_queue", {"status": status.PROOF_SUBMITTED}),
            _("Eingereichte Verwendungsnachweise öffnen"),
        ),
    ]
    return Area("foerderung", _("Förderung"), tasks)


def _trainings() -> Area:
    from volunteers.models import Attendance, Registration, Training, TrainingSession

    now = timezone.now()
    confirmed = Registration.Status.CONFIRMED
    # Sessions that have begun, with a confirmed participant nobody has marked yet.
    unmarked = Registration.objects.filter(
        training_id=OuterRef("training_id"), status=confirmed
    ).filter(
        ~Exists(
            Attendance.objects.filter(
                session_id=OuterRef(OuterRef("pk")), registration_id=OuterRef("pk")
            )
        )
    )
    sessions = TrainingSession.objects.filter(
        training__status=Training.Status.PUBLISHED, starts_at__lte=now
    ).filter(Exists(unmarked))
    oldest_sessions = list(
        sessions.select_related("training").order_by("starts_at", "pk")[:ITEMS_SHOWN]
    )
    # Trainings that are over, with someone present at every session who has no certificate
    # yet (volunteers.services.trainings.training_attendees, for all trainings at once).
    missed_a_session = TrainingSession.objects.filter(training_id=OuterRef("training_id")).filter(
        ~Exists(
            Attendance.objects.filter(
                session_id=OuterRef("pk"), registration_id=OuterRef(OuterRef("pk")), present=True
            )
        )
    )
    due = Registration.objects.filter(
        training_id=OuterRef("pk"), status=confirmed, certificate__isnull=True
    ).filter(~Exists(missed_a_session))
    trainings = (
        Training.objects.filter(status=Training.Status.PUBLISHED, first_starts_at__isnull=False)
        .filter(
            ~Exists(TrainingSession.objects.filter(training_id=OuterRef("pk"), ends_at__gt=now))
        )
        .filter(Exists(due))
    )
    oldest_trainings = list(trainings.order_by("first_starts_at", "pk")[:ITEMS_SHOWN])
    return Area(
        "schulungen",
        _("Schulungen"),
        [
            Task(
                "attendance_missing",
                _("Termine ohne vollständige Anwesenheit"),
                _(
                    "Termine, die begonnen haben, mit Angemeldeten ohne Eintrag „anwesend“ oder "
                    "„nicht da“."
                ),
                sessions.count(),
                _url("volunteers:staff_training_list"),
                _("Alle Schulungen"),
                [
                    TaskItem(
                        session.training.title,
                        _url("volunteers:staff_attendance", pk=session.pk),
                        _("Termin am %(date)s")
                        % {
                            "date": date_format(
                                timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT"
                            )
                        },
                    )
                    for session in oldest_sessions
                ],
            ),
            Task(
                "certificates_missing",
                _("Schulungen mit fehlenden Bescheinigungen"),
                _(
                    "Beendete Schulungen mit Teilnehmenden, die bei jedem Termin da waren und noch "
                    "keine Bescheinigung haben."
                ),
                trainings.count(),
                _url("volunteers:staff_training_list"),
                _("Alle Schulungen"),
                [
                    TaskItem(
                        training.title,
                        _url("volunteers:staff_training_certificates", pk=training.pk),
                    )
                    for training in oldest_trainings
                ],
            ),
        ],
    )


def _outbox() -> Area:
    from notifications.models import Notification

    return Area(
        "postausgang",
        _("E-Mails"),
        [
            Task(
                "emails_failed",
                _("Nicht zugestellte E-Mails"),
                _(
                    "Der Mailserver hat sie endgültig abgelehnt. Prüfen Sie den Grund und senden "
                    "Sie sie erneut."
                ),
                Notification.objects.filter(status=Notification.Status.FAILED).count(),
                _url("notifications:outbox", {"status": Notification.Status.FAILED}),
                _("Fehlgeschlagene E-Mails öffnen"),
            )
        ],
    )


def work_queue_for_staff(*, user: User) -> list[Area]:
    """What waits for the KI team, by area; the lead also sees the decisions to sign. A fixed
    number of queries. For KI staff with two-factor authentication (the page checks that)."""
    return [_organisations(), _funding(user), _trainings(), _outbox()]
