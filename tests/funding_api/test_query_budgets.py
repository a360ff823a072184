"""Every list endpoint of the funding API makes as many queries for 50 rows as for 5."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from backend.models import StatusChange
from funding.models import Application, Attachment, InternalNote, Payment, ProgrammeYear
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory, staff_user
from tests.querybudget import assert_constant_queries

from .helpers import BASE, PDF_BYTES, client_for

pytestmark = pytest.mark.django_db


def _cases(w, organisation, n: int, **fields) -> None:
    for _ in range(n):
        ApplicationFactory(organisation=organisation, programme_year=w.year, **fields)


def test_the_coordinators_list(w):
    client = client_for(w.coordinator_x)
    count = assert_constant_queries(
        client, f"{BASE}/applications/?page_size=100", lambda n: _cases(w, w.org_x, n)
    )
    assert count <= 6


def test_the_staff_list_across_organisations(w):
    def make(n):
        for _ in range(n):
            organisation = OrganisationFactory()
            MembershipFactory(organisation=organisation, user=UserFactory())
            _cases(w, organisation, 1, submitted=True)

    client = client_for(w.staff)
    count = assert_constant_queries(client, f"{BASE}/applications/?page_size=100", make)
    assert count <= 6


def test_the_open_calls(w):
    from datetime import timedelta

    from django.utils import timezone

    from funding.models import Programme

    def make(n):
        start = ProgrammeYear.objects.count()
        for i in range(n):
            programme = Programme.objects.create(
                name=f"Programm {start + i}", short_name=f"P{start + i}", code=f"P{start + i}"
            )
            ProgrammeYearFactory(
                programme=programme,
                call_opens_on=timezone.localdate() - timedelta(days=1),
            )

    client = client_for(w.coordinator_x)
    assert_constant_queries(client, f"{BASE}/programme-years/?page_size=100", make)


@pytest.fixture
def application(w):
    return ApplicationFactory(organisation=w.org_x, programme_year=w.year)


def test_the_case_lists(w, application):
    """Attachments, payments, history and notes of one case; each row by another person, so
    that fetching people one by one would show."""
    kind = ContentType.objects.get_for_model(Application)

    def make(n):
        for _ in range(n):
            person = UserFactory()
            Attachment.objects.create(
                application=application,
                purpose="application",
                file="funding/stub",
                filename="a.pdf",
                content_type="application/pdf",
                size=len(PDF_BYTES),
                sha256="0" * 64,
                uploaded_by=person,
            )
            Payment.objects.create(application=application, amount=10, requested_by=person)
            InternalNote.objects.create(application=application, author=staff_user(), text="x")
            StatusChange.objects.create(
                content_type=kind,
                object_id=application.pk,
                from_status="draft",
                to_status="submitted",
                actor=person,
            )

    staff = client_for(w.staff)
    url = f"{BASE}/applications/{application.pk}/"
    for action in ("attachments", "payments", "history", "notes"):
        assert_constant_queries(staff, f"{url}{action}/", make, small=2, large=20)
    assert_constant_queries(staff, url, make, small=2, large=20)
    assert_constant_queries(client_for(w.coordinator_x), url, make, small=2, large=20)
