"""The KI's check of a registered organisation: a page with everything the decision needs,
verifying, rejecting with a reason (the registrant is emailed it, the organisation sees it, an
audit row keeps it), messages that say only what happened, and the same over the API."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIClient

from backend.errors import ConflictError, ValidationFailed
from backend.models import StatusChange
from notifications.models import Notification
from notifications.rendering import render_notification
from tests.factories import MembershipFactory, OrganisationFactory, TownFactory, UserFactory
from volunteers.models import Organisation
from volunteers.selectors_staff import organisation_pending_count
from volunteers.services.organisations import organisation_register
from volunteers.services.staff import organisation_reject

pytestmark = pytest.mark.django_db

LIST = reverse("volunteers:staff_organisation_list")
REASON = "Die Organisation hat ihren Sitz außerhalb des Kreises Warendorf."


def detail_url(organisation: Organisation) -> str:
    return reverse("volunteers:staff_organisation_detail", args=[organisation.pk])


def reject_url(organisation: Organisation) -> str:
    return reverse("volunteers:staff_organisation_reject", args=[organisation.pk])


def audit(organisation: Organisation) -> list[tuple[str, str, str]]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Organisation),
            object_id=organisation.pk,
        )
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "note")
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def registrant(db):
    return UserFactory(full_name="Klara Koordination", email="klara@example.org")


@pytest.fixture
def registered(registrant):
    """Registered through the service, as the registration page does (the registrant is its
    first coordinator); a second coordinator joined later."""
    organisation = organisation_register(
        actor=registrant,
        name="Helferkreis Oelde",
        kind=Organisation.Kind.INITIATIVE,
        town=TownFactory(name="Oelde"),
        contact_email="info@helferkreis-oelde.example.org",
        contact_phone="02522 12345",
        address="Marktplatz 1, 59302 Oelde",
        description="Wir begleiten Familien zu Behörden.",
    )
    MembershipFactory(organisation=organisation, user__full_name="Jonas Brückner")
    Notification.objects.all().delete()  # the staff's notice of the registration
    return organisation


def test_the_check_page_shows_everything_before_the_decision(staff_client, registered):
    page = staff_client.get(detail_url(registered)).text

    for text in (
        "Helferkreis Oelde",
        "Initiative",
        "Oelde",
        "Marktplatz 1, 59302 Oelde",
        "info@helferkreis-oelde.example.org",
        "02522 12345",
        "Wir begleiten Familien zu Behörden.",
        "Klara Koordination (<a",  # registered by, with the address
        "klara@example.org",
        "Jonas Brückner",
        "zu prüfen",
        "Als geprüft bestätigen",
        "Registrierung ablehnen",
    ):
        assert text in page, text


def test_the_list_leads_to_the_check_page(staff_client, registered):
    page = staff_client.get(LIST).text
    assert f'href="{detail_url(registered)}"' in page
    assert "Prüfen<span" in page


def test_rejecting_needs_a_reason_and_keeps_the_page(staff_client, registered):
    response = staff_client.post(reject_url(registered), {"reason": "  "})

    assert response.status_code == 400
    assert "Bitte schreiben Sie, warum die Organisation nicht bestätigt wird." in response.text
    registered.refresh_from_db()
    assert registered.is_pending
    assert audit(registered) == []
    assert not Notification.objects.exists()


def test_rejecting_records_it_emails_the_registrant_and_says_so(
    staff, staff_client, registrant, registered
):
    response = staff_client.post(reject_url(registered), {"reason": REASON}, follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert messages_of(response) == [
        "Die Registrierung von „Helferkreis Oelde“ ist abgelehnt. Eine E-Mail mit dem Grund an "
        "Klara Koordination liegt im Postausgang."
    ]
    registered.refresh_from_db()
    assert registered.is_rejected and not registered.is_verified
    assert (registered.rejected_by, registered.rejection_reason) == (staff, REASON)
    assert audit(registered) == [("pending", "rejected", REASON)]
    [email] = Notification.objects.all()
    assert (email.kind, email.recipient) == ("volunteers.organisation_rejected", registrant)
    message = render_notification(email)
    assert "Helferkreis Oelde" in message.subject
    assert REASON in message.body
    assert "Guten Tag Klara Koordination" in message.body
    # No longer waiting: not counted as pending, listed as rejected.
    assert organisation_pending_count() == 0
    rejected = staff_client.get(LIST, {"status": "rejected"}).context["page"]
    assert [o.name for o in rejected] == ["Helferkreis Oelde"]


def test_the_organisation_sees_the_rejection_and_its_reason(client, staff, registrant, registered):
    organisation_reject(organisation=registered, reason=REASON, actor=staff)
    client.force_login(registrant)

    page = client.get(reverse("volunteers:organisation_detail", args=[registered.pk])).text

    assert "Registrierung nicht bestätigt" in page
    assert REASON in page
    assert "Registrierung wird geprüft" not in page
    listing = client.get(reverse("volunteers:organisation_list")).text
    assert "vom KI nicht bestätigt" in listing
    # The funding pages do not claim it is still being checked.
    funding = client.get(reverse("funding:application_list")).text
    assert "wurde nicht bestätigt" in funding
    assert "wird noch geprüft" not in funding


def test_rejecting_twice_or_a_verified_one_changes_nothing(staff, other_staff, registered):
    organisation_reject(organisation=registered, reason=REASON, actor=staff)
    with pytest.raises(ConflictError, match="bereits abgelehnt"):
        organisation_reject(organisation=registered, reason="Noch ein Grund", actor=other_staff)

    verified = OrganisationFactory(name="Café Ahlen")
    with pytest.raises(ConflictError, match="bereits geprüft"):
        organisation_reject(organisation=verified, reason=REASON, actor=staff)
    verified.refresh_from_db()
    assert verified.is_verified and verified.rejected_at is None
    assert Notification.objects.filter(kind="volunteers.organisation_rejected").count() == 1


def test_a_reason_is_required_by_the_service_too(staff, registered):
    with pytest.raises(ValidationFailed) as caught:
        organisation_reject(organisation=registered, reason="", actor=staff)
    assert caught.value.field == "reason"


def test_a_rejected_organisation_can_still_be_verified_after_a_correction(
    staff, staff_client, registered
):
    organisation_reject(organisation=registered, reason=REASON, actor=staff)

    staff_client.post(reverse("volunteers:staff_organisation_verify", args=[registered.pk]))

    registered.refresh_from_db()
    assert registered.is_verified
    assert (registered.rejected_at, registered.rejection_reason) == (None, "")
    assert [row[:2] for row in audit(registered)] == [
        ("pending", "rejected"),
        ("rejected", "verified"),
    ]


def test_verifying_says_how_many_coordinators_were_emailed(staff_client, registered):
    response = staff_client.post(
        reverse("volunteers:staff_organisation_verify", args=[registered.pk]), follow=True
    )

    assert messages_of(response) == [
        "„Helferkreis Oelde“ ist jetzt geprüft. E-Mails an 2 Personen der Koordination liegen "
        "im Postausgang."
    ]
    assert Notification.objects.filter(kind="volunteers.organisation_verified").count() == 2


def test_verifying_without_a_coordination_does_not_claim_an_email(staff_client):
    lonely = OrganisationFactory(name="Ohne Koordination", unverified=True)

    response = staff_client.post(
        reverse("volunteers:staff_organisation_verify", args=[lonely.pk]), follow=True
    )

    assert messages_of(response) == [
        "„Ohne Koordination“ ist jetzt geprüft. Sie hat keine aktive Koordination: Es wurde "
        "keine E-Mail verschickt."
    ]
    assert not Notification.objects.exists()


def test_the_check_page_keeps_its_query_count(
    staff_client, registered, django_assert_max_num_queries
):
    for n in range(10):
        MembershipFactory(organisation=registered, user__full_name=f"Person {n}")
    with django_assert_max_num_queries(20):
        assert staff_client.get(detail_url(registered)).status_code == 200


# --- The API ---------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_shows_the_check_and_rejects_with_a_reason(staff, registrant, registered):
    api = api_for(staff)
    base = f"/api/v1/staff/organisations/{registered.pk}/"

    shown = api.get(base)
    assert shown.status_code == 200, shown.content
    body = shown.json()
    assert body["status"] == "pending"
    assert body["registered_by"] == {"name": "Klara Koordination", "email": "klara@example.org"}
    assert len(body["coordinators"]) == 2

    refused = api.post(base + "reject/", {"reason": ""}, format="json")
    assert refused.status_code == 422  # a blank reason: refused for its content

    done = api.post(base + "reject/", {"reason": REASON}, format="json")
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["rejection_reason"]) == ("rejected", REASON)
    again = api.post(base + "reject/", {"reason": REASON}, format="json")
    assert again.status_code == 409

    own = api_for(registrant).get(f"/api/v1/my-organisations/{registered.pk}/")
    assert own.status_code == 200, own.content
    assert (own.json()["status"], own.json()["rejection_reason"]) == ("rejected", REASON)
