"""Budget under real parallel transactions (PostgreSQL): the pot is locked before it is checked
and a CHECK constraint backs the rule up.

The parallel tests run on PostgreSQL only (skipped on SQLite locally, failing in CI): each
thread has its own connection and transaction and a barrier releases them together
(tests/volunteers/test_concurrency.py's run_in_parallel). At most 10 connections are open at
once, since other test runs share the server. Letters are rendered by the fast stand-in
(tests/funding/conftest.py): these tests are about money, test_letters.py about letters."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from decimal import Decimal
from functools import partial

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from funding.models import Application, BuildingBlock, DecisionLetter, Payment, ProgrammeYear
from funding.services import letters, payments, proof, review
from notifications.models import Notification
from tests.conftest import effort
from tests.factories import MembershipFactory, TownFactory
from tests.volunteers.test_concurrency import run_in_parallel, summary

from .conftest import fake_letter_render, figures, history
from .factories import (
    ApplicationFactory,
    ProgrammeYearFactory,
    approved,
    block,
    coordinator_of,
    lead_user,
    next_year,
    proposed,
    staff_user,
)

POT = Decimal("10000.00")
AMOUNT = Decimal("500.00")
CASES = 100
LEADS = 5
REPETITIONS = effort(ci=20, local=5)


def proposed_cases(year: ProgrammeYear, *, organisation, town, staff) -> list[Application]:
    """CASES applications of AMOUNT each, approval proposed by `staff` (rows written directly:
    proposing binds no money, and 2,000 cases through the services would take minutes)."""
    target = block(year, "A")
    return Application.objects.bulk_create(
        Application(
            reference=f"KA2-{year.year}-{n:04d}",
            organisation=organisation,
            programme_year=year,
            block=target,
            title=f"Projekt {n}",
            town=town,
            starts_on=dt.date(year.year, 2, 1),
            ends_on=dt.date(year.year, 11, 30),
            requested_amount=AMOUNT,
            status=Application.Status.PROPOSED,
            decision=Application.Decision.APPROVE,
            decision_amount=AMOUNT,
            proposed_by=staff,
        )
        for n in range(1, CASES + 1)
    )


def sign_share(lead, cases: list[Application], outcomes: dict[int, str]) -> None:
    """One lead signs their share, one case after the other, each in its own transaction."""
    for case in cases:
        try:
            review.decision_sign(application=case, actor=lead)
            outcomes[case.pk] = "ok"
        except Exception as exc:  # noqa: BLE001 - every outcome is compared below
            outcomes[case.pk] = type(exc).__name__


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_five_leads_signing_a_hundred_approvals_at_once_bind_exactly_the_pot(
    postgresql, fast_letters
):
    """100 approvals of 500 € for a pot of 10,000 € (year and block), signed by five leads in
    parallel, each their share in shuffled order: exactly 20 are approved, 80 refused and
    still proposed, 20 times in a row."""
    staff = staff_user()
    leads = [lead_user() for _ in range(LEADS)]
    coordinator = MembershipFactory().user
    organisation = coordinator.memberships.get().organisation
    town = TownFactory()
    per_repetition = []
    for repetition in range(REPETITIONS):
        year = ProgrammeYearFactory(year=next_year() + 1 + repetition, pot=POT, blocks={"A": POT})
        cases = proposed_cases(year, organisation=organisation, town=town, staff=staff)
        rng = random.Random(repetition)
        outcomes: dict[int, str] = {}
        shares = []
        for index, lead in enumerate(leads):
            share = cases[index::LEADS]
            rng.shuffle(share)
            shares.append(partial(sign_share, lead, share, outcomes))

        assert summary(run_in_parallel(shares)) == {"ok": LEADS}

        rows = Application.objects.filter(programme_year=year)
        approved_rows = rows.filter(status=Application.Status.APPROVED)
        letters = DecisionLetter.objects.filter(application__programme_year=year)
        per_repetition.append(
            (
                Counter(outcomes.values()),
                Counter(rows.values_list("status", flat=True)),
                figures(year)[0],
                figures(block(year, "A"))[0],
                approved_rows.aggregate(s=Sum("approved_amount"))["s"],
                {pk for pk, outcome in outcomes.items() if outcome == "ok"}
                == set(approved_rows.values_list("pk", flat=True)),
                letters.count(),
                all(hashlib.sha256(bytes(x.pdf)).hexdigest() == x.sha256 for x in letters),
                Notification.objects.filter(
                    kind="funding.application_approved",
                    dedupe_key__in=[
                        f"application-decided:{pk}:{coordinator.pk}"
                        for pk in rows.values_list("pk", flat=True)
                    ],
                ).count(),
                rows.filter(signed_by=F("proposed_by")).exists(),
            )
        )
    expected = (
        Counter({"ok": 20, "CapacityExceeded": 80}),
        Counter({"approved": 20, "proposed": 80}),
        POT,
        POT,
        POT,
        True,
        20,
        True,
        20,
        False,
    )
    assert per_repetition == [expected] * REPETITIONS


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_leads_signing_the_same_proposal_at_once_sign_it_once(postgresql, fast_letters):
    """Two leads, each with a double click: one signature, the money bound once, one letter,
    one e-mail per coordinator; the others are told there is nothing to sign."""
    first, second = lead_user(), lead_user()
    per_repetition = []
    for repetition in range(10):
        # A year of its own each time, so "bound once" reads straight from the pots.
        year = ProgrammeYearFactory(year=next_year() + 30 + repetition)
        case = proposed(
            ApplicationFactory(
                programme_year=year,
                starts_on=dt.date(year.year, 2, 1),
                ends_on=dt.date(year.year, 11, 30),
            )
        )
        outcomes = run_in_parallel(
            [
                partial(
                    review.decision_sign,
                    application=Application.objects.get(pk=case.pk),
                    actor=lead,
                )
                for lead in (first, second, first, second)
            ]
        )
        case.refresh_from_db()
        per_repetition.append(
            (
                summary(outcomes),
                case.status,
                figures(case.block)[0],
                figures(year)[0],
                DecisionLetter.objects.filter(application=case).count(),
                Notification.objects.filter(
                    kind="funding.application_approved", recipient=coordinator_of(case)
                ).count(),
                history(case),
            )
        )
    assert (
        per_repetition
        == [
            (
                Counter({"ok": 1, "ConflictError": 3}),
                "approved",
                Decimal("900.00"),
                Decimal("900.00"),
                1,
                1,
                [("draft", "submitted"), ("submitted", "proposed"), ("proposed", "approved")],
            )
        ]
        * 10
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_parallel_payment_requests_never_exceed_the_approved_amount(postgresql, fast_letters):
    """Ten requests of 300 € at once on an approval of 1,000 €: three go through, every time;
    then the three are marked paid twice each at once: paid once each."""
    staff = staff_user()
    per_repetition = []
    for _repetition in range(5):
        case = approved(
            ApplicationFactory(requested_amount=Decimal("1000"), own_contribution=Decimal("0")),
            amount=Decimal("1000"),
        )
        coordinator = coordinator_of(case)
        requested = run_in_parallel(
            [
                partial(
                    payments.payment_request,
                    application=Application.objects.get(pk=case.pk),
                    amount=Decimal("300"),
                    actor=coordinator,
                )
                for _ in range(10)
            ]
        )
        open_requests = list(Payment.objects.filter(application=case))
        paid = run_in_parallel(
            [
                partial(payments.payment_mark_paid, payment=payment, actor=staff)
                for payment in open_requests * 2
            ]
        )
        case.refresh_from_db()
        per_repetition.append(
            (
                summary(requested),
                len(open_requests),
                summary(paid),
                case.paid_amount,
                Payment.objects.filter(application=case, status="paid").aggregate(s=Sum("amount"))[
                    "s"
                ],
            )
        )
        block_paid = figures(case.block)[1]
        assert block_paid == figures(case.programme_year)[1]
    assert (
        per_repetition
        == [
            (
                Counter({"ok": 3, "CapacityExceeded": 7}),
                3,
                Counter({"ok": 3, "InvalidTransition": 3}),
                Decimal("900.00"),
                Decimal("900.00"),
            )
        ]
        * 5
    )
    assert block_paid == Decimal("900.00") * 5


def close_case(case: Application, staff) -> None:
    proof.proof_submit(
        application=case,
        report="Bericht",
        actual_amounts={line.pk: Decimal("100") for line in case.cost_lines.all()},
        actor=coordinator_of(case),
        today=case.ends_on,
    )
    proof.application_close(application=case, actor=staff, repayment=Decimal("50"))


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_signing_paying_and_closing_at_once_in_one_year_keep_the_figures(postgresql, fast_letters):
    """Every money path locks case, then year, then block: mixed at once, nothing deadlocks
    and the year's figures are the sum of its blocks'."""
    staff = staff_user()
    # 2,700 € per block: 900 (to pay) + 900 (to close) + 900 (one signature) fit; a second
    # signature does not, even after the closing returned 850 €, whatever the order.
    year = ProgrammeYearFactory(
        pot=Decimal("5400"), blocks={"A": Decimal("2700"), "B": Decimal("2700")}
    )
    to_sign = [
        proposed(ApplicationFactory(programme_year=year, block=block(year, code)))
        for code in "ABAB"
    ]
    to_pay = [
        approved(ApplicationFactory(programme_year=year, block=block(year, code))) for code in "AB"
    ]
    requests = [
        payments.payment_request(
            application=case, amount=Decimal("400"), actor=coordinator_of(case)
        )
        for case in to_pay
    ]
    to_close = [
        approved(ApplicationFactory(programme_year=year, block=block(year, code))) for code in "AB"
    ]
    for case in to_close:
        payments.payment_mark_paid(
            payment=payments.payment_request(
                application=case, amount=Decimal("100"), actor=coordinator_of(case)
            ),
            actor=staff,
        )
    leads = [lead_user(), lead_user()]

    outcomes = run_in_parallel(
        [
            partial(review.decision_sign, application=c, actor=leads[i % 2])
            for i, c in enumerate(to_sign)
        ]
        + [partial(payments.payment_mark_paid, payment=p, actor=staff) for p in requests]
        + [partial(close_case, c, staff) for c in to_close]
    )

    assert summary(outcomes) == {"ok": 6, "CapacityExceeded": 2}
    year.refresh_from_db()
    blocks = list(year.blocks.all())
    for name in ("committed", "paid", "returned"):
        assert getattr(year, name) == sum(getattr(b, name) for b in blocks), name
    assert (year.committed, year.paid) == (Decimal("5400.00"), Decimal("1000.00"))
    assert year.returned == 2 * (Decimal("800") + Decimal("50"))


@pytest.mark.django_db
@pytest.mark.parametrize("model", [ProgrammeYear, BuildingBlock])
def test_the_database_refuses_pot_figures_that_break_the_rules(model):
    """The backstop behind the locks: CHECK constraints, whatever code writes the row. Runs
    on SQLite too (it enforces CHECK constraints as well)."""
    year = ProgrammeYearFactory(pot=Decimal("1000"), blocks={"A": Decimal("1000")})
    row = year if model is ProgrammeYear else block(year, "A")
    rows = model.objects.filter(pk=row.pk)
    rows.update(committed=Decimal("1000"))  # exactly the pot: fine
    for change in (
        {"committed": F("pot") + Decimal("0.01")},
        {"pot": F("committed") - Decimal("0.01")},
        {"paid": F("committed") + Decimal("0.01")},
        {"returned": F("committed") + Decimal("0.01")},
        {"committed": Decimal("-0.01"), "pot": Decimal("0")},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**change)
    # With money returned, the pot may be committed again up to what came back.
    rows.update(returned=Decimal("300"))
    rows.update(committed=Decimal("1300"))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(committed=Decimal("1300.01"))
    assert figures(row) == (Decimal("1300.00"), 0, Decimal("300.00"))


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_letter_is_rendered_before_the_pots_are_locked(postgresql, monkeypatch):
    """A real render takes seconds; the year's and block's rows are shared by every signing,
    payment and new draft of the year, so they are not held while the letter is rendered.
    Another connection can lock them (NOWAIT) from inside the render."""
    case = proposed(ApplicationFactory())
    probes: list[object] = []

    def probe() -> None:
        with transaction.atomic():
            ProgrammeYear.objects.select_for_update(nowait=True).get(pk=case.programme_year_id)
            BuildingBlock.objects.select_for_update(nowait=True).get(pk=case.block_id)

    def render(application: Application) -> bytes:
        probes.extend(run_in_parallel([probe]))
        return fake_letter_render(application)

    monkeypatch.setattr(letters, "letter_render", render)
    review.decision_sign(application=case, actor=lead_user())

    assert probes == ["ok"]
    case.refresh_from_db()
    assert case.status == Application.Status.APPROVED
    assert bytes(case.letter.pdf) == fake_letter_render(case)
