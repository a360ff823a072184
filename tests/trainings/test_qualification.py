"""A help request can require a training (its qualification): only volunteers with a valid
certificate of such a training are suggested, invited or shown the request."""

from __future__ import annotations

import pytest
from django.utils import timezone

from backend.errors import ValidationFailed
from tests.factories import MembershipFactory
from volunteers.matching import suggest_requests, suggest_volunteers
from volunteers.models import Qualification, TrainingCertificate
from volunteers.services.assignments import assignment_invite

from .factories import RegistrationFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def certify(volunteer, qualification) -> TrainingCertificate:
    registration = RegistrationFactory(
        training=TrainingFactory(qualification=qualification), volunteer=volunteer
    )
    return TrainingCertificate.objects.create(
        registration=registration,
        holder_name=volunteer.get_full_name(),
        training_title=registration.training.title,
        training_dates="1. März 2027",
        hours=6,
    )


def test_only_volunteers_who_completed_the_training_are_suggested_and_invited(
    make_volunteer, make_request
):
    child_protection = Qualification.objects.create(
        slug="kinderschutz", name_de="Kinderschutz", name_en="Child protection"
    )
    help_request = make_request(required_qualification=child_protection)
    coordinator = MembershipFactory(organisation=help_request.organisation).user
    trained, untrained, revoked = make_volunteer(), make_volunteer(), make_volunteer()
    certify(trained, child_protection)
    TrainingCertificate.objects.filter(pk=certify(revoked, child_protection).pk).update(
        revoked_at=timezone.now(), revoked_reason="irrtümlich ausgestellt"
    )
    suggested = {s.item.user_id for s in suggest_volunteers(help_request)}
    assert suggested == {trained.pk}
    with pytest.raises(ValidationFailed, match="Kinderschutz"):
        assignment_invite(help_request=help_request, volunteer=untrained, actor=coordinator)
    assignment_invite(help_request=help_request, volunteer=trained, actor=coordinator)

    assert [s.item.pk for s in suggest_requests(trained)] == []  # asked already
    assert [s.item.pk for s in suggest_requests(untrained)] == []
    other = make_request(required_qualification=child_protection)
    assert [s.item.pk for s in suggest_requests(revoked)] == []
    assert other.pk in [s.item.pk for s in suggest_requests(trained)]


def test_completed_trainings_count_in_the_ehrenamtsnachweis(make_volunteer):
    from volunteers.services.certificates import certificate_values

    volunteer = make_volunteer()
    qualification = Qualification.objects.create(
        slug="sprachmittlung", name_de="Sprachmittlung", name_en="Interpreting"
    )
    kept = certify(volunteer, qualification)
    TrainingCertificate.objects.filter(pk=certify(volunteer, None).pk).update(
        revoked_at=timezone.now(), revoked_reason="falsche Person"
    )
    trainings = certificate_values(volunteer=volunteer)["trainings"]
    assert [(t["title"], t["hours"]) for t in trainings] == [(kept.training_title, 6)]
