"""Consents through the pages: one POST withdraws at once, and from then on nobody may contact
the volunteer for help requests and waiting invitation emails are not sent."""

import pytest
from django.urls import reverse

from backend.errors import ValidationFailed
from notifications.models import Notification
from notifications.services import deliver, notify
from tests.factories import MembershipFactory, VolunteerFactory
from tests.querybudget import assert_constant_queries
from tests.volunteers.factories import HelpRequestFactory
from volunteers.models import Assignment, Consent
from volunteers.selectors import consent_is_active
from volunteers.services.assignments import assignment_invite
from volunteers.services.consents import consent_give, consent_text_version, consent_withdraw

pytestmark = pytest.mark.django_db

CONTACT = Consent.Kind.CONTACT


def withdraw_url(kind: str) -> str:
    return reverse("volunteers:consent_withdraw", kwargs={"kind": kind})


def give_url(kind: str) -> str:
    return reverse("volunteers:consent_give", kwargs={"kind": kind})


@pytest.fixture
def volunteer_client(client, volunteer):
    client.force_login(volunteer)
    return client


def test_consents_page_lists_each_consent_with_text_state_and_history(volunteer_client, volunteer):
    consent_give(user=volunteer, kind=CONTACT)
    consent_withdraw(user=volunteer, kind=CONTACT)
    consent_give(user=volunteer, kind=CONTACT)
    html = volunteer_client.get(reverse("volunteers:consents")).content.decode()
    assert "Kontakt für Hilfegesuche" in html
    assert "Ich bin einverstanden, dass Initiativen" in html  # the wording agreed to
    assert html.count("Verlauf: Kontakt für Hilfegesuche") == 1
    assert html.count(f">{consent_text_version(CONTACT)[:12]}</abbr>") == 2  # two ledger rows
    assert f'action="{withdraw_url("contact")}"' in html
    assert f'action="{give_url("digest")}"' in html  # not given: a button to give it


def test_a_consent_to_a_materially_older_text_asks_to_consent_again(volunteer_client, volunteer):
    Consent.objects.create(user=volunteer, kind=CONTACT, text_version="0" * 64, material_version=0)
    html = volunteer_client.get(reverse("volunteers:consents")).content.decode()
    assert "Der Text hat sich geändert" in html
    assert f'action="{give_url("contact")}"' in html
    volunteer_client.post(give_url("contact"))
    active = Consent.objects.get(user=volunteer, kind=CONTACT, withdrawn_at__isnull=True)
    assert active.text_version == consent_text_version(CONTACT)


def test_one_post_withdraws_and_another_gives_again(volunteer_client, volunteer):
    consent_give(user=volunteer, kind=CONTACT)
    response = volunteer_client.post(withdraw_url("contact"))
    assert response.status_code == 302
    assert response.url == reverse("volunteers:consents") + "#einwilligung-contact"
    [row] = Consent.objects.filter(user=volunteer, kind=CONTACT)
    assert row.withdrawn_at is not None
    assert not consent_is_active(user=volunteer, kind=CONTACT)

    volunteer_client.post(give_url("contact"))
    rows = list(Consent.objects.filter(user=volunteer, kind=CONTACT).order_by("id"))
    assert len(rows) == 2 and rows[0].withdrawn_at is not None and rows[1].withdrawn_at is None
    assert rows[1].text_version == consent_text_version(CONTACT)


def test_withdrawal_is_for_ones_own_consent_only(volunteer_client, volunteer):
    other = VolunteerFactory()
    consent_give(user=other, kind=CONTACT)
    volunteer_client.post(withdraw_url("contact"))
    assert consent_is_active(user=other, kind=CONTACT)


def test_unknown_consent_kind_is_404_and_get_is_refused(volunteer_client):
    assert volunteer_client.post(withdraw_url("werbung")).status_code == 404
    assert volunteer_client.get(withdraw_url("contact")).status_code == 405


def test_withdrawn_contact_consent_stops_invitations(volunteer_client, volunteer):
    consent_give(user=volunteer, kind=CONTACT)
    coordinator = MembershipFactory()
    first = HelpRequestFactory(open=True, organisation=coordinator.organisation)
    second = HelpRequestFactory(open=True, organisation=coordinator.organisation)
    assignment_invite(help_request=first, volunteer=volunteer, actor=coordinator.user)

    volunteer_client.post(withdraw_url("contact"))

    with pytest.raises(ValidationFailed):
        assignment_invite(help_request=second, volunteer=volunteer, actor=coordinator.user)
    assert not Assignment.objects.filter(help_request=second).exists()


def test_waiting_invitation_email_is_cancelled_after_withdrawal(volunteer_client, volunteer):
    consent_give(user=volunteer, kind=CONTACT)
    coordinator = MembershipFactory()
    request = HelpRequestFactory(open=True, organisation=coordinator.organisation)
    assignment_invite(help_request=request, volunteer=volunteer, actor=coordinator.user)
    invitation = Notification.objects.get(kind="volunteers.invitation", recipient=volunteer)
    other = notify(
        kind="system.test",
        recipient=volunteer,
        dedupe_key="test:contact-needed",
        required_consent="contact",
    )
    assert invitation.status == Notification.Status.PENDING

    volunteer_client.post(withdraw_url("contact"))

    assert deliver(notification_id=invitation.pk) == "cancelled"
    assert deliver(notification_id=other.pk) == "cancelled"
    invitation.refresh_from_db()
    assert invitation.status == Notification.Status.CANCELLED


def test_unchecking_the_box_on_the_profile_withdraws_too(volunteer_client, volunteer):
    consent_give(user=volunteer, kind=CONTACT)
    response = volunteer_client.post(
        reverse("volunteers:profile_edit", kwargs={"section": "kontakt"}),
        {"phone": "", "consent_digest": "on"},
    )
    assert response.status_code == 302
    assert not consent_is_active(user=volunteer, kind=CONTACT)
    assert consent_is_active(user=volunteer, kind=Consent.Kind.DIGEST)


def test_consents_page_query_budget(volunteer_client, volunteer):
    def make_rows(n):
        for _ in range(n):
            consent_give(user=volunteer, kind=CONTACT)
            consent_withdraw(user=volunteer, kind=CONTACT)

    count = assert_constant_queries(volunteer_client, reverse("volunteers:consents"), make_rows)
    assert count <= 10  # session, user, ledger, profile link, messages, session save, unread


def test_profile_page_query_budget(client, ready_profile):
    from volunteers.models import ActivityArea
    from volunteers.services.profiles import profile_complete

    profile_complete(profile=ready_profile)
    client.force_login(ready_profile.user)
    areas = list(ActivityArea.objects.all())

    def make_rows(n):
        current = ready_profile.activity_areas.count()
        ready_profile.activity_areas.add(*areas[current : current + n])
        consent_give(user=ready_profile.user, kind=CONTACT)
        consent_withdraw(user=ready_profile.user, kind=CONTACT)

    count = assert_constant_queries(
        client, reverse("volunteers:profile"), make_rows, small=3, large=10
    )
    assert count <= 14  # 12, one for the completed trainings, one unread count
