"""Deleting an account: afterwards the person's name, email address and phone number are
nowhere in the database, confirmed hours are kept as anonymous counts only, the requests the
person was confirmed for reopen, and every session of the account has ended."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from backend.accounts.services import user_set_totp
from backend.models import StatusChange
from backend.status import transition
from notifications.models import Notification
from notifications.services import notify
from tests.conftest import TOTP_SECRET
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TownFactory,
    UserFactory,
    VolunteerFactory,
)
from tests.volunteers.factories import (
    ActivityAreaFactory,
    AssignmentFactory,
    FuehrungszeugnisRecordFactory,
    HelpRequestFactory,
    HoursEntryFactory,
)
from volunteers.models import (
    AnonymousHours,
    Assignment,
    Consent,
    CoordinatorInvitation,
    FuehrungszeugnisRecord,
    HelpRequest,
    HoursEntry,
    VolunteerCertificate,
    VolunteerLanguage,
    VolunteerProfile,
)
from volunteers.services.assignments import (
    assignment_accept,
    assignment_invite,
    assignment_offer,
    assignment_withdraw,
)
from volunteers.services.certificates import certificate_for
from volunteers.services.consents import consent_give, consent_withdraw
from volunteers.services.gdpr import REDACTED, account_delete
from volunteers.services.hours import hours_confirm, hours_log, hours_reject

pytestmark = pytest.mark.django_db

NAME = "Zacharias Unverwechselbar"
EMAIL = "zacharias.unverwechselbar@example.org"
SECOND_EMAIL = "z.unverwechselbar@example.org"
PHONE = "+49 2382 9876543"
MUST_VANISH = (NAME, EMAIL, SECOND_EMAIL, PHONE, "Zacharias", "Unverwechselbar", "9876543")


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


# --- Looking everywhere ---------------------------------------------------------------------


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def traces(strings=MUST_VANISH) -> list[str]:
    """Every place in the database where one of `strings` occurs (case-insensitive): every
    field of every row of every model (through the ORM, so JSON is decoded), every column of
    every table (raw SQL, so nothing the models do not know is missed), and the decoded
    contents of every session."""
    needles = [s.casefold() for s in strings]
    found = []
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.all():
            for field in model._meta.concrete_fields:
                text = _as_text(field.value_from_object(row)).casefold()
                for needle in needles:
                    if needle in text:
                        found.append(f"{model._meta.label}.{field.name} (pk {row.pk}): {needle}")
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                text = " ".join(_as_text(value) for value in row).casefold()
                for needle in needles:
                    if needle in text:
                        found.append(f"table {table}: {needle}")
        cursor.execute("SELECT session_key, session_data FROM django_session")
        for key, data in cursor.fetchall():
            decoded = json.dumps(Session(session_key=key, session_data=data).get_decoded())
            for needle in needles:
                if needle in decoded.casefold():
                    found.append(f"session {key[:6]}…: {needle}")
    return found


def sessions_of(user_id: int) -> list[str]:
    return [
        s.session_key
        for s in Session.objects.all()
        if str(s.get_decoded().get(SESSION_KEY)) == str(user_id)
    ]


# --- The person, everywhere -----------------------------------------------------------------


@pytest.fixture
def seeded(db):
    """Zacharias in every model that can hold a name, an email address or a phone number,
    written the way the platform writes them (services), plus other people's records that
    mention him."""
    ahlen = TownFactory(name="Ahlen")
    telgte = TownFactory(name="Telgte", postal_codes=["48291"])
    area = ActivityAreaFactory()
    org_x = OrganisationFactory(name="Flüchtlingshilfe X", town=ahlen)
    org_y = OrganisationFactory(name="Begegnungscafé Y", town=telgte)
    coordinator_x = MembershipFactory(organisation=org_x).user
    coordinator_y = MembershipFactory(organisation=org_y).user
    staff = UserFactory(ki_staff=True, full_name="Sachbearbeitung")
    other = VolunteerFactory(full_name="Olga Andere", email="olga@example.org")

    z = VolunteerFactory(full_name=NAME, email=EMAIL, language="de")
    profile = z.volunteer_profile
    profile.phone = PHONE
    profile.postal_code = "59227"
    profile.save()
    profile.activity_areas.add(area)
    VolunteerLanguage.objects.create(profile=profile, code="ar", level=3)
    VolunteerLanguage.objects.create(profile=profile, code="de", level=2)
    EmailAddress.objects.create(user=z, email=SECOND_EMAIL, verified=False, primary=False)
    consent_give(user=z, kind=Consent.Kind.CONTACT)
    consent_give(user=z, kind=Consent.Kind.PHONE)
    consent_give(user=z, kind=Consent.Kind.DIGEST)
    consent_withdraw(user=z, kind=Consent.Kind.DIGEST)
    FuehrungszeugnisRecordFactory(volunteer=z, recorded_by=staff)
    Token.objects.create(user=z)
    user_set_totp(user=z, secret=TOTP_SECRET)

    # Confirmed on a request of X that then is full (one helper): invited and accepted.
    full_x = HelpRequestFactory(
        organisation=org_x, town=ahlen, activity_area=area, open=True, helpers_needed=1
    )
    invited = assignment_invite(
        help_request=full_x,
        volunteer=z,
        actor=coordinator_x,
        message=f"Hallo {NAME}, passt Dienstag? Ihre Nummer {PHONE} haben wir.",
    )
    confirmed_x = assignment_accept(assignment=invited, actor=z)
    # Confirmed on a request of Y through an offer he made.
    request_y = HelpRequestFactory(
        organisation=org_y, town=telgte, activity_area=area, open=True, helpers_needed=3
    )
    offered = assignment_offer(help_request=request_y, volunteer=z, message="Ich kann abends.")
    confirmed_y = assignment_accept(assignment=offered, actor=coordinator_y)
    # An offer still waiting on another request of Y (coordinators got an email naming him).
    pending_y = HelpRequestFactory(
        organisation=org_y, town=telgte, activity_area=area, open=True, helpers_needed=2
    )
    assignment_offer(help_request=pending_y, volunteer=z)
    # An assignment he ended himself, with a note that carries his name.
    ended = HelpRequestFactory(organisation=org_x, town=ahlen, activity_area=area, open=True)
    ended_assignment = AssignmentFactory(help_request=ended, volunteer=z, confirmed=True)
    HelpRequest.objects.filter(pk=ended.pk).update(confirmed_count=1)
    assignment_withdraw(assignment=ended_assignment, actor=z, note=f"Viele Grüße, {NAME} ({PHONE})")

    # Both were confirmed two years ago, on requests open since then: hours count from then on.
    two_years_ago = timezone.now() - dt.timedelta(days=2 * 366)
    HelpRequest.objects.filter(pk__in=[full_x.pk, request_y.pk]).update(opened_at=two_years_ago)
    Assignment.objects.filter(pk__in=[confirmed_x.pk, confirmed_y.pk]).update(
        confirmed_at=two_years_ago
    )
    confirmed_x.refresh_from_db()
    confirmed_y.refresh_from_db()
    # Hours: confirmed in two years and two organisations, one submitted, one rejected.
    last_year = dt.date(timezone.localdate().year - 1, 11, 14)
    for assignment, date, hours, confirm in (
        (confirmed_x, last_year, "3", True),
        (confirmed_x, days_ago(3), "2.5", True),
        (confirmed_x, days_ago(2), "1", None),
        (confirmed_y, days_ago(4), "4", True),
        (confirmed_y, days_ago(5), "6", False),
    ):
        entry = hours_log(
            assignment=assignment, actor=z, date=date, hours=hours, note=f"mit {NAME}"
        )
        reviewer = coordinator_x if assignment == confirmed_x else coordinator_y
        if confirm is True:
            hours_confirm(entry=entry, actor=reviewer)
        elif confirm is False:
            hours_reject(entry=entry, actor=reviewer)
    HoursEntryFactory(assignment=ended_assignment, confirmed=True, hours=Decimal("1.5"))

    # Notifications: his own (one whose context names him), an email to his address that is
    # not linked to the account, and one to a coordinator that mentions him.
    notify(
        kind="system.test",
        recipient=z,
        context={"user_display": NAME, "phone": PHONE},
        dedupe_key="erasure:own",
    )
    notify(
        kind="account.account_already_exists",
        to_email=EMAIL,
        context={"email": EMAIL},
        dedupe_key="erasure:address-only",
    )
    mentions = notify(
        kind="system.test",
        recipient=coordinator_x,
        context={"note": f"Bitte {NAME} unter {PHONE} oder {EMAIL} anrufen", "n": 3},
        dedupe_key="erasure:mention",
    )
    Notification.objects.filter(pk=mentions.pk).update(
        last_error=f"550 mailbox {EMAIL} unavailable"
    )

    # Other people's records that mention him.
    close_note = f"{NAME} hat abgesagt, Tel. {PHONE}"
    closed = HelpRequestFactory(
        organisation=org_x,
        open=True,
        description=f"Bei Fragen {NAME} anrufen: {PHONE}",
        address=f"bei {NAME}, Marktplatz 1",
    )
    transition(closed, to=HelpRequest.Status.CLOSED, actor=coordinator_x, note=close_note)
    others = AssignmentFactory(
        help_request=closed, volunteer=other, confirmed=True, message=f"zusammen mit {NAME}"
    )
    other_hours = HoursEntryFactory(
        assignment=others, confirmed=True, hours=Decimal("5"), note=f"vertreten durch {NAME}"
    )
    CoordinatorInvitation.objects.create(organisation=org_y, email=EMAIL, invited_by=coordinator_y)
    contact_org = OrganisationFactory(name="Nachbarschaftshilfe", town=ahlen, contact_email=EMAIL)
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(z.pk),
        object_repr=str(z),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Name"]}}]),
    )
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(HelpRequest),
        object_id=str(closed.pk),
        object_repr=f"Anfrage von {NAME}",
        action_flag=CHANGE,
        change_message="[]",
    )
    # A certificate (the PDF has his name) and two logged-in browsers.
    certificate_for(volunteer=z)
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(z)
    bystander = Client()
    bystander.force_login(other)

    return {
        "z": z,
        "other": other,
        "coordinator_x": coordinator_x,
        "org_x": org_x,
        "org_y": org_y,
        "ahlen": ahlen,
        "telgte": telgte,
        "full_x": full_x,
        "request_y": request_y,
        "closed": closed,
        "other_hours": other_hours,
        "contact_org": contact_org,
        "mentions": mentions,
        "browsers": browsers,
        "bystander": bystander,
        "last_year": last_year,
    }


def test_the_seed_really_has_him_everywhere(seeded):
    """Guards the erasure test: if seeding missed a place, the test below proves little."""
    z = seeded["z"]
    found = traces((NAME, EMAIL, PHONE))
    places = {t.split(" ")[0] for t in found}
    assert {
        "accounts.User.full_name",
        "accounts.User.email",
        "account.EmailAddress.email",
        "volunteers.VolunteerProfile.phone",
        "volunteers.Assignment.message",
        "volunteers.HoursEntry.note",
        "volunteers.HelpRequest.description",
        "volunteers.HelpRequest.address",
        "volunteers.CoordinatorInvitation.email",
        "volunteers.Organisation.contact_email",
        "notifications.Notification.context",
        "notifications.Notification.to_email",
        "notifications.Notification.last_error",
        "backend.StatusChange.note",
        "admin.LogEntry.object_repr",
    } <= places
    assert VolunteerLanguage.objects.filter(profile__user=z).count() == 2
    assert Consent.objects.filter(user=z).count() == 3
    assert FuehrungszeugnisRecord.objects.filter(volunteer=z).exists()
    assert Token.objects.filter(user=z).exists()
    assert Authenticator.objects.filter(user=z).count() == 2
    assert VolunteerCertificate.objects.filter(volunteer=z).exists()
    assert len(sessions_of(z.pk)) == 2
    assert StatusChange.objects.filter(actor=z).exists()
    assert Notification.objects.filter(recipient=z).count() >= 4
    assert HoursEntry.objects.filter(assignment__volunteer=z).count() == 6


def test_after_deletion_his_name_email_and_phone_are_nowhere(seeded):
    z = seeded["z"]

    account_delete(user=z, actor=z)

    assert traces() == []
    assert not User.objects.filter(pk=z.pk).exists()


def test_audit_rows_about_his_deleted_records_go_with_them(seeded):
    z = seeded["z"]
    assignment_ids = list(Assignment.objects.filter(volunteer=z).values_list("pk", flat=True))
    hours_ids = list(
        HoursEntry.objects.filter(assignment__volunteer=z).values_list("pk", flat=True)
    )
    of_assignments = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Assignment), object_id__in=assignment_ids
    )
    of_hours = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(HoursEntry), object_id__in=hours_ids
    )
    about_him = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(z.pk)
    )
    assert of_assignments.exists() and of_hours.exists() and about_him.exists()

    account_delete(user=z, actor=z)

    assert not of_assignments.exists()
    assert not of_hours.exists()
    assert not about_him.exists()


def test_confirmed_hours_stay_as_anonymous_counts_per_town_organisation_and_year(seeded):
    z = seeded["z"]
    this_year = timezone.localdate().year
    AnonymousHours.objects.create(
        town=seeded["ahlen"], organisation=seeded["org_x"], year=this_year, hours=Decimal("10")
    )

    result = account_delete(user=z, actor=z)

    buckets = {
        (b.town.name, b.organisation.name, b.year): b.hours
        for b in AnonymousHours.objects.select_related("town", "organisation")
    }
    # Confirmed only: the submitted hour and the rejected six are not counted.
    assert buckets == {
        ("Ahlen", "Flüchtlingshilfe X", this_year - 1): Decimal("3.00"),
        ("Ahlen", "Flüchtlingshilfe X", this_year): Decimal("10")
        + Decimal("2.50")
        + Decimal("1.5"),
        ("Telgte", "Begegnungscafé Y", this_year): Decimal("4.00"),
    }
    assert result.hours_kept_anonymously == Decimal("11.00")
    assert not HoursEntry.objects.filter(assignment__volunteer_id=z.pk).exists()
    # Other people's hours are untouched (only his name is cut out of the note).
    other_hours = HoursEntry.objects.get(pk=seeded["other_hours"].pk)
    assert (other_hours.hours, other_hours.status) == (Decimal("5.00"), "confirmed")
    assert other_hours.note == f"vertreten durch {REDACTED}"


def test_the_requests_he_was_confirmed_for_reopen(seeded):
    z = seeded["z"]
    full_x = seeded["full_x"]
    full_x.refresh_from_db()
    assert (full_x.status, full_x.confirmed_count) == (HelpRequest.Status.FILLED, 1)

    result = account_delete(user=z, actor=z)

    full_x.refresh_from_db()
    request_y = HelpRequest.objects.get(pk=seeded["request_y"].pk)
    assert (full_x.status, full_x.confirmed_count) == (HelpRequest.Status.OPEN, 0)
    assert (request_y.status, request_y.confirmed_count) == (HelpRequest.Status.OPEN, 0)
    # Both confirmed places and the waiting offer end.
    assert result.assignments_ended == 3
    assert not Assignment.objects.filter(volunteer_id=z.pk).exists()
    # The requests' own audit trail stays, without him as actor.
    reopened = StatusChange.objects.get(
        content_type=ContentType.objects.get_for_model(HelpRequest),
        object_id=full_x.pk,
        from_status="filled",
        to_status="open",
    )
    assert reopened.actor_id is None


def test_every_session_of_the_account_ends_and_others_stay(seeded):
    z = seeded["z"]
    bystander_key = seeded["bystander"].session.session_key

    result = account_delete(user=z, actor=z)

    assert result.sessions_ended == 2
    assert sessions_of(z.pk) == []
    assert Session.objects.filter(session_key=bystander_key).exists()
    for browser in seeded["browsers"]:
        response = browser.get("/ehrenamt/")
        assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_what_others_wrote_is_kept_without_him(seeded):
    z = seeded["z"]

    account_delete(user=z, actor=z)

    closed = HelpRequest.objects.get(pk=seeded["closed"].pk)
    assert closed.description == f"Bei Fragen {REDACTED} anrufen: {REDACTED}"
    assert closed.address == f"bei {REDACTED}, Marktplatz 1"
    note = StatusChange.objects.get(
        content_type=ContentType.objects.get_for_model(HelpRequest),
        object_id=closed.pk,
        to_status="closed",
    )
    assert note.note == f"{REDACTED} hat abgesagt, Tel. {REDACTED}"
    assert note.actor == seeded["coordinator_x"]
    mention = Notification.objects.get(pk=seeded["mentions"].pk)
    assert mention.context == {
        "note": f"Bitte {REDACTED} unter {REDACTED} oder {REDACTED} anrufen",
        "n": 3,
    }
    assert mention.recipient == seeded["coordinator_x"]
    # The organisation whose contact he was keeps everything but his address.
    contact_org = type(seeded["contact_org"]).objects.get(pk=seeded["contact_org"].pk)
    assert (contact_org.name, contact_org.contact_email) == ("Nachbarschaftshilfe", "")
    # Other people's accounts and memberships are untouched.
    assert User.objects.filter(pk=seeded["other"].pk, full_name="Olga Andere").exists()
    assert VolunteerProfile.objects.filter(user=seeded["other"]).exists()


def test_pending_emails_about_his_offer_are_not_sent(seeded):
    z = seeded["z"]
    offer_mails = Notification.objects.filter(kind="volunteers.offer_received")
    assert offer_mails.filter(status=Notification.Status.PENDING).exists()

    account_delete(user=z, actor=z)

    assert not offer_mails.filter(status=Notification.Status.PENDING).exists()
    assert {n.context["volunteer_name"] for n in offer_mails} == {REDACTED}


def test_nobody_deletes_someone_else_s_account(seeded):
    z, other = seeded["z"], seeded["other"]

    with pytest.raises(PermissionDenied):
        account_delete(user=z, actor=other)

    assert User.objects.filter(pk=z.pk).exists()
    assert traces((NAME,)) != []
