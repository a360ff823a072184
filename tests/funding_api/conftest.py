"""The world of the funding API tests: next year's KOMM-AN II call (open now, blocks A-D),
verified organisations X and Y with one coordinator each, a volunteer, KI staff and two KI
leads (all KI accounts with two-factor authentication)."""

from __future__ import annotations

import pytest

from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TownFactory,
    UserFactory,
    VolunteerFactory,
)
from tests.funding.factories import ProgrammeYearFactory, lead_user, staff_user


class World:
    pass


@pytest.fixture
def w(db):
    w = World()
    w.town = TownFactory(name="Ahlen")
    w.telgte = TownFactory(name="Telgte", postal_codes=["48291"])
    w.year = ProgrammeYearFactory()
    w.block_a = w.year.blocks.get(code="A")
    w.org_x = OrganisationFactory(name="Flüchtlingshilfe X", town=w.town)
    w.org_y = OrganisationFactory(name="Begegnungscafé Y", town=w.telgte)
    w.coordinator_x = UserFactory(full_name="Koordination X")
    w.coordinator_y = UserFactory(full_name="Koordination Y")
    MembershipFactory(user=w.coordinator_x, organisation=w.org_x)
    MembershipFactory(user=w.coordinator_y, organisation=w.org_y)
    w.volunteer = VolunteerFactory(full_name="Volunteer A")
    w.staff = staff_user(full_name="KI Staff")
    w.lead = lead_user(full_name="KI Lead")
    w.lead_2 = lead_user(full_name="KI Lead 2")
    w.staff_without_mfa = UserFactory(ki_staff=True, full_name="KI ohne 2FA")
    return w
