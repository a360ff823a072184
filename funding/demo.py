"""Funding demo data for `manage.py seed_demo`: KOMM-AN II with last year's cases (approved with
a payment made and a second one requested, proof of use submitted and waiting for the KI,
closed, rejected) and this year's open call with cases in every stage: submitted and waiting
for review, sent back for changes, withdrawn, proposals waiting for the lead's signature, a
draft; plus a second programme ("2.000 × 1.000 Euro") set up purely as data. Everything goes
through the services, so pots, history, letters and e-mails are what the real workflow
produces. This year's steps are dated in the weeks of the call (happened(): their stamps move
back); signing stays in the present, because a decision letter prints the day it was signed.
Idempotent: cases are found by title."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from backend.management.demo_history import happened
from notifications.demo import outbox_history
from volunteers.models import Organisation, Town

from .models import Application, Pauschale, Programme, ProgrammeYear
from .services import payments, proof, review
from .services.applications import (
    ApplicationData,
    CostLineData,
    application_create,
    application_submit,
)
from .services.applications import application_withdraw as applications_withdraw
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
    at: dt.datetime | None = None,
):
    """The case, created and (with `submit_on`) submitted through the services; with `at`,
    both happened then. Returns (case, whether it was created now)."""
    existing = Application.objects.filter(title=title, programme_year=programme_year).first()
    if existing:
        return existing, False
    if at is not None:
        with happened(at):
            return _case(
                programme_year=programme_year,
                organisation=organisation,
                coordinator=coordinator,
                block=block,
                title=title,
                town=town,
                starts_on=starts_on,
                ends_on=ends_on,
                lines=lines,
                own=own,
                submit_on=submit_on,
                texts=texts,
            )
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


def _on(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _moment(today: dt.date, days_ago: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, 0))
    )


def seed_funding(
    *,
    users: dict,
    organisations: dict[str, Organisation],
    coordinators: dict[str, list] | None = None,
) -> None:
    """`coordinators`: the coordinators of each organisation by name (the first registered
    it); the cases of organisations without demo accounts are theirs."""
    coordinators = coordinators or {}
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
        at=_on(dt.date(past, 1, 20)),
        texts=(
            "Wöchentliches Sprachcafé im Gemeinderaum mit digitaler Ausstattung.",
            "Deutsch im Alltag üben, Kontakte zwischen Alt- und Neubürgern.",
            "Geflüchtete Erwachsene in Ahlen",
        ),
    )
    if created:
        with happened(_on(dt.date(past, 2, 14))):
            review.decision_propose(
                application=cafe,
                decision="approve",
                amount=cafe.requested_amount,
                conditions="Die Tablets bleiben fünf Jahre im Ankommenstreffpunkt.",
                actor=staff,
            )
        with outbox_history():  # last year's, signed now: its emails are history
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
        at=_on(dt.date(past, 2, 10)),
        texts=(
            "Gemeinsam Fahrräder reparieren; die Räder bleiben bei den Familien.",
            "Mobilität und Begegnung.",
            "Geflüchtete Familien in Telgte",
        ),
    )
    if created:
        with happened(_on(dt.date(past, 2, 24))):
            review.decision_propose(
                application=bikes, decision="approve", amount=Decimal("2000"), actor=staff
            )
        with outbox_history():  # last year's, signed now: its emails are history
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
        at=_on(dt.date(past, 3, 1)),
        texts=("Plakate in sechs Sprachen.", "Information.", "Neuzugewanderte"),
    )
    if created:
        with happened(_on(dt.date(past, 3, 17))):
            review.decision_propose(
                application=flyers,
                decision="reject",
                reasons="Reine Druckkosten ohne Beteiligung von Ehrenamtlichen sind in Baustein C "
                "nicht förderfähig.",
                actor=staff,
            )
        with outbox_history():  # last year's, signed now: its emails are history
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
        submit_on=today - dt.timedelta(days=9),
        at=_moment(today, 9, 11),
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
        submit_on=today - dt.timedelta(days=20),
        at=_moment(today, 20, 16),
        texts=(
            "Vier Abende zu Rollen, Grenzen und Techniken des Dolmetschens im Ehrenamt.",
            "Sichere Sprachmittlung.",
            "Ehrenamtliche Sprachmittlerinnen und Sprachmittler",
        ),
    )
    if created:
        with happened(_moment(today, 6, 14)):
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
        at=_moment(today, 2, 20),
        texts=("Hilfe bei Online-Anträgen.", "", ""),
    )
    if coordinators:
        _more_cases(
            today=today,
            old=old,
            new=new,
            start=start,
            staff=staff,
            lead=lead,
            organisations=organisations,
            coordinators=coordinators,
            towns=towns,
        )
    # The approved case of last year asks for its second instalment: the KI pays it.
    if not cafe.payments.filter(note="2. Rate").exists():
        payments.payment_request(
            application=cafe, amount=Decimal("1000"), actor=ahlen_coordinator, note="2. Rate"
        )


def _more_cases(*, today, old, new, start, staff, lead, organisations, coordinators, towns):
    """Cases of other organisations of the district: what the KI team and the lead find in
    their lists. Each is found by title, so a second run adds nothing."""
    current = new.year

    def case(organisation: str, **kwargs):
        return _case(
            programme_year=kwargs.pop("programme_year", new),
            organisation=organisations[organisation],
            coordinator=coordinators[organisation][0],
            town=organisations[organisation].town,
            **kwargs,
        )

    # Submitted, waiting for the KI's review.
    for organisation, title, block, lines, own, days, texts in [
        (
            "Sprachbrücke Ennigerloh e. V.",
            "Sprachmittlerpool Dari und Farsi",
            "D",
            [
                ("fees", "Honorare für Schulungsabende (6 Abende)", Decimal("1800")),
                ("travel", "Fahrtkosten der Sprachmittlerinnen und Sprachmittler", Decimal("600")),
            ],
            Decimal("0"),
            12,
            (
                "Ein Pool ehrenamtlicher Sprachmittlerinnen und Sprachmittler für Dari und "
                "Farsi, geschult und begleitet, für Termine im ganzen Kreis.",
                "Verständigung bei Behörden, Ärzten und Schulen.",
                "Geflüchtete aus Afghanistan und Iran",
            ),
        ),
        (
            "Ukrainischer Verein Oelde e. V.",
            "Ankommenstreffpunkt Ukrainisches Haus Oelde",
            "A",
            [
                ("equipment", "Möbel und Küchenausstattung", Decimal("2200")),
                ("material", "Spiele und Lernmaterial", Decimal("400")),
            ],
            Decimal("200"),
            6,
            (
                "Ein Treffpunkt für Familien aus der Ukraine mit Beratung, Spielgruppe und "
                "Deutschtreff.",
                "Ankommen, Kontakte, Orientierung.",
                "Geflüchtete aus der Ukraine in Oelde",
            ),
        ),
        (
            "Fahrradwerkstatt Rad & Tat Warendorf",
            "Fahrradkurse für Frauen",
            "B",
            [
                ("material", "Übungsräder, Helme und Warnwesten", Decimal("1300")),
                ("fees", "Honorar Verkehrstrainerin (8 Termine)", Decimal("640")),
            ],
            Decimal("100"),
            2,
            (
                "Frauen lernen Radfahren, auf dem Schulhof und im Straßenverkehr.",
                "Mobilität und Selbstständigkeit.",
                "Geflüchtete Frauen in Warendorf",
            ),
        ),
    ]:
        case(
            organisation,
            block=block,
            title=title,
            starts_on=start,
            ends_on=dt.date(current, 11, 30),
            lines=lines,
            own=own,
            submit_on=today - dt.timedelta(days=days),
            at=_moment(today, days, 15),
            texts=texts,
        )

    # Proposals for the lead to sign: an approval and a rejection.
    for organisation, title, block, lines, days, decision, texts in [
        (
            "Deutsch-Syrischer Kulturverein Beckum",
            "Kulturabende: Begegnung mit Musik und Essen",
            "C",
            [
                ("catering", "Verpflegung für vier Abende", Decimal("800")),
                ("fees", "Honorare Musikerinnen und Musiker", Decimal("1200")),
            ],
            18,
            "approve",
            (
                "Vier Abende mit syrischer und westfälischer Musik und Küche im Pfarrsaal.",
                "Begegnung von Alteingesessenen und Neuangekommenen.",
                "Alle in Beckum",
            ),
        ),
        (
            "Kurdisches Kulturzentrum Ahlen e. V.",
            "Neue Vereinsräume für das Kulturzentrum",
            "A",
            [("room", "Miete Vereinsräume (12 Monate)", Decimal("7200"))],
            15,
            "reject",
            (
                "Die Miete neuer Vereinsräume für ein Jahr.",
                "Ein Ort für Kultur und Beratung.",
                "Kurdische Familien in Ahlen",
            ),
        ),
    ]:
        application, created = case(
            organisation,
            block=block,
            title=title,
            starts_on=start,
            ends_on=dt.date(current, 10, 31),
            lines=lines,
            own=Decimal("0"),
            submit_on=today - dt.timedelta(days=days),
            at=_moment(today, days, 17),
            texts=texts,
        )
        if created:
            with happened(_moment(today, days - 10, 11)):
                if decision == "approve":
                    review.decision_propose(
                        application=application,
                        decision="approve",
                        amount=application.requested_amount,
                        conditions="Die Abende sind öffentlich anzukündigen.",
                        actor=staff,
                    )
                else:
                    review.decision_propose(
                        application=application,
                        decision="reject",
                        reasons="Laufende Mietkosten eines Vereins sind in Baustein A nur als "
                        "Raumpauschale für einen Ankommenstreffpunkt förderfähig.",
                        actor=staff,
                    )

    # Sent back for changes; withdrawn by the applicant.
    breakfast, created = case(
        "Frauencafé International Ahlen",
        block="B",
        title="Internationales Frauenfrühstück",
        starts_on=start,
        ends_on=dt.date(current, 12, 15),
        lines=[("catering", "Frühstück, 20 Termine", Decimal("1500"))],
        own=Decimal("0"),
        submit_on=today - dt.timedelta(days=21),
        at=_moment(today, 21, 9),
        texts=(
            "Alle zwei Wochen ein Frühstück für Frauen aus aller Welt mit Kinderbetreuung.",
            "Kontakte, Deutsch im Alltag.",
            "Frauen in Ahlen",
        ),
    )
    if created:
        with happened(_moment(today, 16, 10)):
            review.application_request_changes(
                application=breakfast,
                message="Bitte teilen Sie die Verpflegung in Lebensmittel und Getränke auf und "
                "ergänzen Sie die Kinderbetreuung im Kostenplan.",
                actor=staff,
            )
    festival, created = case(
        "Willkommen in Sassenberg",
        block="C",
        title="Sommerfest der Kulturen Sassenberg",
        starts_on=start,
        ends_on=dt.date(current, 8, 31),
        lines=[
            ("publicity", "Plakate und Flyer", Decimal("400")),
            ("catering", "Verpflegung", Decimal("900")),
        ],
        own=Decimal("100"),
        submit_on=today - dt.timedelta(days=25),
        at=_moment(today, 25, 19),
        texts=("Ein Fest für alle im Stadtpark.", "Begegnung.", "Alle in Sassenberg"),
    )
    if created:
        with happened(_moment(today, 17, 12)):
            applications_withdraw(
                application=festival,
                actor=coordinators["Willkommen in Sassenberg"][0],
                note="Das Fest wird von der Stadt ausgerichtet; wir helfen dort mit.",
            )

    # Last year: approved, paid, the project ended; the proof of use waits for the KI.
    tutoring, created = case(
        "Liesborner Lernpaten",
        programme_year=old,
        block="B",
        title="Lernpaten für Seiteneinsteiger in Liesborn",
        starts_on=dt.date(old.year, 3, 1),
        ends_on=dt.date(old.year, 7, 15),
        lines=[
            ("material", "Lernmaterial und Bücher", Decimal("700")),
            ("travel", "Fahrtkosten der Lernpaten", Decimal("300")),
        ],
        own=Decimal("0"),
        submit_on=dt.date(old.year, 2, 12),
        at=_on(dt.date(old.year, 2, 12)),
        texts=(
            "Lernpatinnen und Lernpaten begleiten Seiteneinsteiger der Grundschule.",
            "Lesen und Schreiben lernen.",
            "Kinder der Klassen 1 bis 4",
        ),
    )
    if created:
        coordinator = coordinators["Liesborner Lernpaten"][0]
        with happened(_on(dt.date(old.year, 3, 3))):
            review.decision_propose(
                application=tutoring, decision="approve", amount=Decimal("1000"), actor=staff
            )
        with outbox_history():  # last year's, signed now: its emails are history
            review.decision_sign(application=tutoring, actor=lead)
            payment = payments.payment_request(
                application=tutoring, amount=Decimal("1000"), actor=coordinator
            )
            payments.payment_mark_paid(payment=payment, actor=staff)
            proof.proof_submit(
                application=tutoring,
                report="12 Lernpatenschaften, 40 Treffen in der Schulbücherei; alle Kinder "
                "lesen am Ende des Schuljahres einfache Texte.",
                actual_amounts={line.pk: line.amount for line in tutoring.cost_lines.all()},
                actor=coordinator,
                today=today,
            )
