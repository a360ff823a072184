"""Funding demo data for `manage.py seed_demo`: KOMM-AN II with last year's cases (approved with
a payment and an open proof of use, closed, rejected) and this year's open call with a case in
review, one awaiting the lead's signature and a draft; plus a second programme ("2.000 × 1.000
Euro") set up purely as data. Everything goes through the services, so pots, history, letters
and e-mails are what the real workflow produces. Idempotent: cases are found by title."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from volunteers.models import Organisation, Town

from .models import Application, Pauschale, Programme, ProgrammeYear
from .services import payments, proof, review
from .services.applications import (
    ApplicationData,
    CostLineData,
    application_create,
    application_submit,
)
from .services.programmes import programme_year_create

BLOCK_POTS = {
    "A": Decimal("40000"),
    "B": Decimal("35000"),
    "C": Decimal("20000"),
    "D": Decimal("30000"),
}


def _years(today: dt.date) -> tuple[int, int]:
    """The year whose projects have run (the call was in spring) and the year applied for now."""
    past = today.year if today.month >= 6 else today.year - 1
    return past, past + 1


def _year(programme, year, *, opens, closes, **kwargs) -> ProgrammeYear:
    existing = ProgrammeYear.objects.filter(programme=programme, year=year).first()
    if existing:
        return existing
    return programme_year_create(
        programme=programme,
        year=year,
        call_opens_on=opens,
        call_closes_on=closes,
        actor=None,
        **kwargs,
    )


def _case(
    *,
    programme_year,
    organisation,
    coordinator,
    block,
    title,
    town,
    starts_on,
    ends_on,
    lines,
    own,
    submit_on,
    texts,
):
    existing = Application.objects.filter(title=title, programme_year=programme_year).first()
    if existing:
        return existing, False
    total = sum((amount for _c, _d, amount, *_rest in lines), Decimal(0))
    application = application_create(
        organisation=organisation,
        programme_year=programme_year,
        actor=coordinator,
        data=ApplicationData(
            block=programme_year.blocks.get(code=block),
            title=title,
            town=town,
            description=texts[0],
            goals=texts[1],
            target_group=texts[2],
            starts_on=starts_on,
            ends_on=ends_on,
            own_contribution=own,
            requested_amount=total - own,
            publication_consent=True,
            cost_lines=[
                CostLineData(
                    category=category,
                    description=description,
                    amount=amount,
                    pauschale=rest[0] if rest else None,
                    units=rest[1] if rest else None,
                )
                for category, description, amount, *rest in lines
            ],
        ),
    )
    if submit_on is not None:
        application_submit(application=application, actor=coordinator, today=submit_on)
    return application, True


def seed_funding(*, users: dict, organisations: dict[str, Organisation]) -> None:
    today = timezone.localdate()
    past, current = _years(today)
    staff = users["ki-team@example.org"]
    lead = users["ki-leitung@example.org"]
    ahlen_coordinator = users["koordination1@example.org"]
    telgte_coordinator = users["koordination2@example.org"]
    ahlen = organisations["Flüchtlingshilfe Ahlen e. V."]
    telgte = organisations["Begegnungscafé Telgte"]
    towns = {town.name: town for town in Town.objects.all()}
    # Migration 0002 seeds the programme; a flushed test database no longer has it.
    komm_an, _ = Programme.objects.get_or_create(
        code="KA2",
        defaults={
            "name": "KOMM-AN NRW – Programmteil II",
            "short_name": "KOMM-AN II",
            "funding_authority": "Bezirksregierung Arnsberg",
        },
    )

    old = _year(
        komm_an,
        past,
        pot=Decimal("125000"),
        block_pots=BLOCK_POTS,
        opens=dt.date(past, 1, 10),
        closes=dt.date(past, 3, 31),
        cap_per_application=Decimal("10000"),
    )
    new = _year(
        komm_an,
        current,
        pot=Decimal("125000"),
        block_pots=BLOCK_POTS,
        opens=today - dt.timedelta(days=27),
        closes=today + dt.timedelta(days=64),
        cap_per_application=Decimal("10000"),
    )
    for year in (old, new):
        Pauschale.objects.get_or_create(
            programme_year=year,
            title="Raumpauschale Ankommenstreffpunkt",
            defaults={
                "block": year.blocks.get(code="A"),
                "unit": "Raum",
                "amount": Decimal("1000"),
                "max_units": 2,
                "conditions": "Einmal je Raum; der Raum wird zu mindestens 33 % für die "
                "Arbeit mit Geflüchteten genutzt.",
            },
        )
    room = Pauschale.objects.get(programme_year=old, title__startswith="Raumpauschale")

    # A second programme, set up purely as data: one block, 1,000 € per measure, vorbehaltlich.
    small, _ = Programme.objects.get_or_create(
        code="P2000",
        defaults={
            "name": "Programm 2.000 × 1.000 Euro",
            "short_name": "2.000 × 1.000",
            "description": "Kleine Maßnahmen von Initiativen mit einem Festbetrag von 1.000 Euro.",
        },
    )
    small_year = _year(
        small,
        current,
        pot=Decimal("20000"),
        block_pots={"E": Decimal("20000")},
        blocks={"E": ("Engagement vor Ort", "Kleine Maßnahmen von Initiativen vor Ort.")},
        opens=today - dt.timedelta(days=10),
        closes=today + dt.timedelta(days=50),
        subject_to_confirmation=True,
        cap_per_application=Decimal("1000"),
    )
    Pauschale.objects.get_or_create(
        programme_year=small_year,
        title="Festbetrag je Maßnahme",
        defaults={"unit": "Maßnahme", "amount": Decimal("1000"), "max_units": 1},
    )

    # Last year: approved with a payment and the proof of use due; closed; rejected.
    cafe, created = _case(
        programme_year=old,
        organisation=ahlen,
        coordinator=ahlen_coordinator,
        block="A",
        title="Ankommenstreffpunkt Sprachcafé Ahlen",
        town=towns["Ahlen"],
        starts_on=dt.date(past, 2, 1),
        ends_on=min(dt.date(past, 10, 31), today - dt.timedelta(days=1)),
        lines=[
            ("room", "Raumpauschale Gemeinderaum", Decimal("1000"), room, 1),
            ("equipment", "Tablets und WLAN-Router für das Sprachcafé", Decimal("1800")),
            ("material", "Lernmaterial und Getränke", Decimal("900")),
        ],
        own=Decimal("200"),
        submit_on=dt.date(past, 1, 20),
        texts=(
            "Wöchentliches Sprachcafé im Gemeinderaum mit digitaler Ausstattung.",
            "Deutsch im Alltag üben, Kontakte zwischen Alt- und Neubürgern.",
            "Geflüchtete Erwachsene in Ahlen",
        ),
    )
    if created:
        review.decision_propose(
            application=cafe,
            decision="approve",
            amount=cafe.requested_amount,
            conditions="Die Tablets bleiben fünf Jahre im Ankommenstreffpunkt.",
            actor=staff,
        )
        review.decision_sign(application=cafe, actor=lead)
        payment = payments.payment_request(
            application=cafe, amount=Decimal("2000"), actor=ahlen_coordinator, note="1. Rate"
        )
        payments.payment_mark_paid(payment=payment, actor=staff)

    bikes, created = _case(
        programme_year=old,
        organisation=telgte,
        coordinator=telgte_coordinator,
        block="B",
        title="Fahrradwerkstatt für Geflüchtete",
        town=towns["Telgte"],
        starts_on=dt.date(past, 3, 1),
        ends_on=dt.date(past, 5, 31),
        lines=[
            ("material", "Ersatzteile und Werkzeug", Decimal("1200")),
            ("fees", "Honorar Zweiradmechaniker (10 Termine)", Decimal("800")),
        ],
        own=Decimal("0"),
        submit_on=dt.date(past, 2, 10),
        texts=(
            "Gemeinsam Fahrräder reparieren; die Räder bleiben bei den Familien.",
            "Mobilität und Begegnung.",
            "Geflüchtete Familien in Telgte",
        ),
    )
    if created:
        review.decision_propose(
            application=bikes, decision="approve", amount=Decimal("2000"), actor=staff
        )
        review.decision_sign(application=bikes, actor=lead)
        payment = payments.payment_request(
            application=bikes, amount=Decimal("2000"), actor=telgte_coordinator
        )
        payments.payment_mark_paid(payment=payment, actor=staff)
        proof.proof_submit(
            application=bikes,
            report="14 Termine, 38 reparierte Fahrräder, 6 neue Ehrenamtliche.",
            actual_amounts={
                line.pk: line.amount - (Decimal("150") if line.category == "material" else 0)
                for line in bikes.cost_lines.all()
            },
            actor=telgte_coordinator,
            today=dt.date(past, 6, 15),
        )
        proof.application_close(
            application=bikes,
            actor=staff,
            repayment=Decimal("150"),
            note="Ersatzteile 150 € günstiger als geplant.",
        )

    flyers, created = _case(
        programme_year=old,
        organisation=telgte,
        coordinator=telgte_coordinator,
        block="C",
        title="Mehrsprachige Plakatkampagne",
        town=towns["Telgte"],
        starts_on=dt.date(past, 4, 1),
        ends_on=dt.date(past, 6, 30),
        lines=[("publicity", "Druck von 2.000 Plakaten", Decimal("4000"))],
        own=Decimal("0"),
        submit_on=dt.date(past, 3, 1),
        texts=("Plakate in sechs Sprachen.", "Information.", "Neuzugewanderte"),
    )
    if created:
        review.decision_propose(
            application=flyers,
            decision="reject",
            reasons="Reine Druckkosten ohne Beteiligung von Ehrenamtlichen sind in Baustein C "
            "nicht förderfähig.",
            actor=staff,
        )
        review.decision_sign(application=flyers, actor=lead)

    # This year's call: one in review, one awaiting the lead's signature, one draft.
    start = max(dt.date(current, 1, 15), today + dt.timedelta(days=14))
    _case(
        programme_year=new,
        organisation=telgte,
        coordinator=telgte_coordinator,
        block="B",
        title="Hausaufgabenhilfe im Begegnungscafé",
        town=towns["Telgte"],
        starts_on=start,
        ends_on=dt.date(current, 12, 15),
        lines=[
            ("fees", "Aufwandsentschädigung Lernpatinnen und -paten", Decimal("2400")),
            ("material", "Lernmaterial", Decimal("600")),
        ],
        own=Decimal("300"),
        submit_on=today,
        texts=(
            "Zweimal pro Woche Hausaufgabenhilfe für Kinder aus geflüchteten Familien.",
            "Schulerfolg, Deutsch lernen.",
            "Schulkinder von 6 bis 14 Jahren",
        ),
    )
    training, created = _case(
        programme_year=new,
        organisation=ahlen,
        coordinator=ahlen_coordinator,
        block="D",
        title="Qualifizierung Sprachmittlung für Ehrenamtliche",
        town=towns["Ahlen"],
        starts_on=start,
        ends_on=dt.date(current, 6, 30),
        lines=[("fees", "Honorar Referentin, 4 Abende", Decimal("1600"))],
        own=Decimal("0"),
        submit_on=today,
        texts=(
            "Vier Abende zu Rollen, Grenzen und Techniken des Dolmetschens im Ehrenamt.",
            "Sichere Sprachmittlung.",
            "Ehrenamtliche Sprachmittlerinnen und Sprachmittler",
        ),
    )
    if created:
        review.decision_propose(
            application=training,
            decision="approve",
            amount=Decimal("1500"),
            conditions="Teilnahmelisten sind dem Verwendungsnachweis beizufügen.",
            actor=staff,
        )
    _case(
        programme_year=new,
        organisation=ahlen,
        coordinator=ahlen_coordinator,
        block="A",
        title="Digitale Sprechstunde im Ankommenstreffpunkt",
        town=towns["Ahlen"],
        starts_on=start,
        ends_on=dt.date(current, 12, 15),
        lines=[("equipment", "Laptop und Beamer", Decimal("1500"))],
        own=Decimal("150"),
        submit_on=None,
        texts=("Hilfe bei Online-Anträgen.", "", ""),
    )
