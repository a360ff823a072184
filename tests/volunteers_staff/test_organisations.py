"""KI staff verify organisations: the list (pending first), the verify button, the audit row,
the email to every coordinator, and who may do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from backend.errors import ConflictError
from backend.models import StatusChange
from notifications.models import Notification
from notifications.rendering import render_notification
from tests.factories import MembershipFactory, OrganisationFactory
from volunteers.models import Organisation
from volunteers.services.staff import organisation_verify

pytestmark = pytest.mark.django_db

LIST = reverse("volunteers:staff_organisation_list")


def verify_url(organisation: Organisation) -> str:
    return reverse("volunteers:staff_organisation_verify", args=[organisation.pk])


def audit_rows(organisation: Organisation):
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation), object_id=organisation.pk
    )


@pytest.fixture
def pending(db):
    return OrganisationFactory(name="Helferkreis Oelde", unverified=True)


@pytest.fixture
def coordinators(pending):
    first = MembershipFactory(organisation=pending, user__full_name="Klara Koordination").user
    second = MembershipFactory(organisation=pending, user__language="en").user
    return [first, second]


def test_verifying_sets_the_date_writes_the_audit_row_and_emails_every_coordinator(
    staff_client, staff, pending, coordinators
):
    bystander = MembershipFactory().user  # coordinator of another organisation

    response = staff_client.post(verify_url(pending), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert "ist jetzt geprüft" in response.content.decode()
    pending.refresh_from_db()
    assert pending.is_verified
    assert pending.verified_by == staff
    assert abs(pending.verified_at - timezone.now()) < dt.timedelta(minutes=1)
    [row] = audit_rows(pending)
    assert (row.from_status, row.to_status, row.actor) == ("pending", "verified", staff)
    told = Notification.objects.filter(kind="volunteers.organisation_verified")
    assert sorted(n.recipient_id for n in told) == sorted(c.pk for c in coordinators)
    assert not told.filter(recipient=bystander).exists()


def test_the_email_names_the_organisation_and_links_to_it_in_the_recipients_language(
    staff, pending, coordinators
):
    organisation_verify(organisation=pending, actor=staff)
    link = reverse("volunteers:organisation_detail", args=[pending.pk])
    german = Notification.objects.get(recipient=coordinators[0])
    message = render_notification(german)
    assert "Helferkreis Oelde" in message.subject
    assert "geprüft" in message.subject
    assert "Guten Tag Klara Koordination" in message.body
    assert link in message.body
    html = message.alternatives[0][0]
    assert link in html and "Helferkreis Oelde" in html
    english = Notification.objects.get(recipient=coordinators[1])
    assert english.language == "en"
    assert render_notification(english).subject  # renders (falls back to German until translated)


def test_verifying_twice_changes_nothing_and_says_so(
    client, staff, other_staff, pending, coordinators
):
    organisation_verify(organisation=pending, actor=staff)
    pending.refresh_from_db()
    first_at, first_by = pending.verified_at, pending.verified_by
    emails = Notification.objects.count()
    client.force_login(other_staff)

    response = client.post(verify_url(pending), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert "ist bereits geprüft" in response.content.decode()
    pending.refresh_from_db()
    assert (pending.verified_at, pending.verified_by) == (first_at, first_by)
    assert audit_rows(pending).count() == 1
    assert Notification.objects.count() == emails


def test_the_service_refuses_twice_with_a_conflict(staff, pending):
    organisation_verify(organisation=pending, actor=staff)
    with pytest.raises(ConflictError, match="bereits geprüft"):
        organisation_verify(organisation=Organisation.objects.get(pk=pending.pk), actor=staff)


@pytest.mark.parametrize("who", ["volunteer", "coordinator", "staff_without_mfa"])
def test_only_staff_with_two_factor_may_verify_in_the_service(
    who, pending, coordinators, volunteer, staff_without_mfa
):
    actor = {
        "volunteer": volunteer,
        "coordinator": coordinators[0],
        "staff_without_mfa": staff_without_mfa,
    }[who]
    with pytest.raises(PermissionDenied):
        organisation_verify(organisation=pending, actor=actor)
    pending.refresh_from_db()
    assert not pending.is_verified
    assert not audit_rows(pending).exists()
    assert not Notification.objects.exists()


def test_a_volunteer_or_coordinator_gets_403_and_nothing_changes(
    client, pending, coordinators, volunteer
):
    for person in (volunteer, coordinators[0]):
        client.force_login(person)
        assert client.get(LIST).status_code == 403
        assert client.post(verify_url(pending)).status_code == 403
    pending.refresh_from_db()
    assert not pending.is_verified


def test_staff_without_two_factor_is_sent_to_set_it_up(client, staff_without_mfa, pending):
    client.force_login(staff_without_mfa)
    for response in (client.get(LIST), client.post(verify_url(pending))):
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
    pending.refresh_from_db()
    assert not pending.is_verified


def test_anonymous_visitors_are_sent_to_the_login(client, pending):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_list_shows_pending_first_oldest_first_then_verified_by_name(staff_client):
    now = timezone.now()
    OrganisationFactory(name="Zebra e. V.")
    OrganisationFactory(name="Anker e. V.")
    OrganisationFactory(name="Neu", unverified=True, created_at=now)
    OrganisationFactory(name="Alt", unverified=True, created_at=now - dt.timedelta(days=3))

    page = staff_client.get(LIST)

    names = [o.name for o in page.context["page"]]
    assert names == ["Alt", "Neu", "Anker e. V.", "Zebra e. V."]
    html = page.content.decode()
    assert html.count("Prüfen<span") == 2  # each pending one leads to its check page
    assert "2 Organisationen warten auf die Prüfung." in html


def test_the_list_filters_by_status_and_name(staff_client):
    OrganisationFactory(name="Café International")
    OrganisationFactory(name="Café Neu", unverified=True)
    OrganisationFactory(name="Helferkreis", unverified=True)

    pending = staff_client.get(LIST, {"status": "pending"}).context["page"]
    assert sorted(o.name for o in pending) == ["Café Neu", "Helferkreis"]
    verified_cafes = staff_client.get(LIST, {"status": "verified", "q": "café"}).context["page"]
    assert [o.name for o in verified_cafes] == ["Café International"]


def test_the_list_shows_who_coordinates_and_who_verified(staff_client, staff, pending):
    MembershipFactory(organisation=pending, user__full_name="Jonas Brückner")
    organisation_verify(organisation=pending, actor=staff)
    html = staff_client.get(LIST).content.decode()
    assert "Jonas Brückner" in html
    assert f"von {staff.get_full_name()}" in html
