"""Factories of the funding tests.

Default world: the seeded programme KOMM-AN II, next year's funding year (call open now, pot
100,000 €, blocks A-D with 25,000 € each), a verified organisation with a coordinator, and a
draft application that would pass submission (project in next year, cost plan adds up).

Status traits set the status only (for access and listing tests). Tests about money go through
the services (`submitted`, `approved` helpers below) so the pot figures stay consistent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from backend.accounts.services import user_set_totp
from funding.models import Application, BuildingBlock, CostLine, Programme, ProgrammeYear
from funding.services import review
from funding.services.applications import application_submit
from tests.conftest import TOTP_SECRET
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, UserFactory


def next_year() -> int:
    return timezone.localdate().year + 1


def komm_an_programme() -> Programme:
    """The programme seeded by migration 0002 (made again when a transactional test flushed
    the database before)."""
    programme, _created = Programme.objects.get_or_create(
        code="KA2",
        defaults={"name": "KOMM-AN NRW – Programmteil II", "short_name": "KOMM-AN II"},
    )
    return programme


class ProgrammeYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeYear
        django_get_or_create = ["programme", "year"]
        skip_postgeneration_save = True

    programme = factory.LazyFunction(lambda: komm_an_programme())
    year = factory.LazyFunction(next_year)
    pot = Decimal("100000.00")
    call_opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    call_closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    proof_of_use_weeks = 8

    @factory.post_generation
    def blocks(obj, create, extracted, **kwargs):
        """`blocks={"A": Decimal(...)}`; default A-D with a quarter of the pot each."""
        if not create or obj.blocks.exists():
            return
        pots = extracted or {code: obj.pot / 4 for code in "ABCD"}
        for code, pot in pots.items():
            BuildingBlock.objects.create(
                programme_year=obj, code=code, title=f"Baustein {code}", pot=pot
            )


def block(programme_year: ProgrammeYear, code: str = "A") -> BuildingBlock:
    return programme_year.blocks.get(code=code)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    programme_year = factory.SubFactory(ProgrammeYearFactory)
    block = factory.LazyAttribute(lambda o: o.programme_year.blocks.get(code="A"))
    reference = factory.Sequence(lambda n: f"KA2-T-{n:05d}")
    title = factory.Sequence(lambda n: f"Sprachcafé im Ankommenstreffpunkt {n}")
    description = "Wöchentliches Sprachcafé mit Ehrenamtlichen."
    goals = "Deutsch sprechen üben, Kontakte knüpfen."
    target_group = "Geflüchtete Erwachsene"
    town = factory.SubFactory(TownFactory)
    starts_on = factory.LazyFunction(lambda: dt.date(next_year(), 2, 1))
    ends_on = factory.LazyFunction(lambda: dt.date(next_year(), 11, 30))
    own_contribution = Decimal("100.00")
    requested_amount = Decimal("900.00")
    status = Application.Status.DRAFT

    class Params:
        submitted = factory.Trait(
            status=Application.Status.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        changes_requested = factory.Trait(status=Application.Status.CHANGES_REQUESTED)
        rejected = factory.Trait(status=Application.Status.REJECTED)

    @factory.post_generation
    def cost_lines(obj, create, extracted, **kwargs):
        """`cost_lines=[(category, description, amount), ...]`; default one line of 1,000 €."""
        if not create:
            return
        lines = extracted if extracted is not None else [("fees", "Honorar Sprachlehrerin", "1000")]
        for position, (category, description, amount) in enumerate(lines):
            CostLine.objects.create(
                application=obj,
                position=position,
                category=category,
                description=description,
                amount=Decimal(amount),
            )

    @factory.post_generation
    def coordinator(obj, create, extracted, **kwargs):
        """The organisation's coordinator (made unless one is given or `coordinator=False`)."""
        if not create or extracted is False:
            return
        if obj.organisation.memberships.exists() and extracted is None:
            return
        MembershipFactory(organisation=obj.organisation, user=extracted or UserFactory())


def coordinator_of(application: Application):
    return application.organisation.memberships.order_by("pk").first().user


def staff_user(**kwargs):
    """KI staff with two-factor authentication set up."""
    user = UserFactory(ki_staff=True, **kwargs)
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user


def lead_user(**kwargs):
    """A KI lead with two-factor authentication set up."""
    user = UserFactory(ki_lead=True, **kwargs)
    user_set_totp(user=user, secret=TOTP_SECRET)
    return user


def submitted(application: Application) -> Application:
    application_submit(application=application, actor=coordinator_of(application))
    return application


def proposed(application: Application, *, staff=None, amount: Decimal | None = None):
    """Submitted and an approval proposed by `staff` (made when not given)."""
    if application.status == Application.Status.DRAFT:
        submitted(application)
    staff = staff or staff_user()
    review.decision_propose(
        application=application,
        decision=Application.Decision.APPROVE,
        amount=amount or application.requested_amount,
        actor=staff,
    )
    return application


def approved(application: Application, *, staff=None, lead=None, amount=None) -> Application:
    """Through the services: submitted, proposed by staff, signed by a lead."""
    proposed(application, staff=staff, amount=amount)
    review.decision_sign(application=application, actor=lead or lead_user())
    application.refresh_from_db()
    return application
