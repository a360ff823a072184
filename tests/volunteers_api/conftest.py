"""The world of the volunteers API tests: towns, an activity area, verified organisations X
(Ahlen) and Y (Telgte) with one coordinator each, volunteers A and B with complete profiles,
an open request of X and a draft of Y."""

from __future__ import annotations

import pytest

from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TownFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers.models import ActivityArea, HelpRequest

from .helpers import make_request


@pytest.fixture
def w():
    class World:
        pass

    w = World()
    w.town = TownFactory(name="Ahlen")
    w.telgte = TownFactory(name="Telgte", postal_codes=["48291"])
    w.area = ActivityArea.objects.create(slug="begleitung", name_de="Begleitung", name_en="Acc")
    w.org_x = OrganisationFactory(name="X", town=w.town)
    w.org_y = OrganisationFactory(name="Y", town=w.telgte)
    w.coordinator_x = UserFactory()
    w.coordinator_y = UserFactory()
    MembershipFactory(user=w.coordinator_x, organisation=w.org_x)
    MembershipFactory(user=w.coordinator_y, organisation=w.org_y)
    w.volunteer_a = VolunteerFactory()
    w.volunteer_b = VolunteerFactory()
    w.request_x = make_request(w, w.org_x, status=HelpRequest.Status.OPEN, address="Markt 1")
    w.request_y_draft = make_request(w, w.org_y, title="Entwurf Y")
    return w
