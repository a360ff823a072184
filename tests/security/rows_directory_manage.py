"""Access-matrix rows for the pages that keep the directory (directory/urls_manage.py).

access_matrix.py imports ROWS from here at its end, so the helpers it defines (by_role,
everyone, logged_in, staff_page, Row, RedirectTo, LOGIN, ...) can be imported from it.

An organisation's offers and contact persons are kept by its coordinators (once the KI has
verified it) and by KI staff with two-factor; everybody else gets 404, a coordinator of the
still unverified organisation 403. The objects a row needs (an offer, a contact person, a
municipal access) are created in its lambdas, so the world stays as it is.
"""

from __future__ import annotations

import itertools

from django.utils import timezone

from .access_matrix import (
    LOGIN,
    MFA_SETUP,
    Expected,
    Outcome,
    RedirectTo,
    Row,
    Status,
    by_role,
    everyone,
    logged_in,
    staff_page,
)

_emails = itertools.count(1)

PAGE_X = RedirectTo("directory:organisation_directory", pk_of="org_x")
PAGE_Y_PENDING = RedirectTo("directory:organisation_directory", pk_of="org_y_pending")
STAFF_OFFERS = RedirectTo("directory:staff_offer_list")
STAFF_CONTACTS = RedirectTo("directory:staff_contact_list")
STAFF_MUNICIPAL = RedirectTo("directory:staff_municipal_list")


def keepers_of_x(ok: Expected, *, staff: Expected | None = None) -> dict[str, Outcome]:
    """A page of organisation X's directory entries: X's coordinator and KI staff with
    two-factor get `ok` (staff: `staff` where it differs), everybody else 404."""
    staff = ok if staff is None else staff
    return by_role(
        anonymous=LOGIN,
        volunteer_a=404,
        volunteer_b=404,
        coordinator_x=ok,
        coordinator_y=404,
        municipal=404,
        ki_staff=staff,
        ki_lead=staff,
        admin=staff,
        ki_staff_without_mfa=404,
    )


def keepers_of_y_pending(ok: Expected) -> dict[str, Outcome]:
    """Y's organisation the KI has not verified yet: Y's coordinator 403, staff `ok`."""
    return by_role(
        anonymous=LOGIN,
        volunteer_a=404,
        volunteer_b=404,
        coordinator_x=404,
        coordinator_y=403,
        municipal=403,
        ki_staff=ok,
        ki_lead=ok,
        admin=ok,
        ki_staff_without_mfa=404,
    )


def first_staff_only(ok: Expected) -> dict[str, Outcome]:
    """A staff action that removes its object: the first staff member gets `ok`, the next
    ones find it gone (404)."""
    return by_role(
        anonymous=LOGIN,
        volunteer_a=403,
        volunteer_b=403,
        coordinator_x=403,
        coordinator_y=403,
        municipal=403,
        ki_staff=ok,
        ki_lead=404,
        admin=404,
        ki_staff_without_mfa=MFA_SETUP,
    )


def post_only(outcomes: dict[str, Outcome]) -> dict:
    """require_POST answers before the login and access checks."""
    return {"GET": everyone(405), "POST": outcomes}


def _offer(organisation, **fields):
    from directory.models import Offer

    values = {
        "title": "Sprachcafé",
        "kind": Offer.Kind.SPRACHCAFE,
        "description": "Deutsch üben",
        "town": organisation.town,
        "place": "Marktplatz 1",
        "weekday": Offer.Weekday.TUESDAY,
        "contact_email": "cafe@example.org",
    }
    values.update(fields)
    return Offer.objects.create(organisation=organisation, **values)


def _contact(*, organisation=None, town=None):
    from directory.models import ContactPerson
    from directory.services.contacts import consent_text_version

    return ContactPerson.objects.create(
        organisation=organisation,
        town=town,
        name="Maria Beispiel",
        function="Koordination",
        email=f"kontakt{next(_emails)}@example.org",
        consent_at=timezone.now(),
        consent_text_version=consent_text_version(),
    )


def _offer_form(w) -> dict:
    return {
        "title": "Fahrradwerkstatt",
        "kind": "fahrradwerkstatt",
        "description": "Gemeinsam Fahrräder reparieren",
        "town": w.town.pk,
        "place": "Hof der Gemeinde",
        "weekday": "3",
        "starts_at": "15:00",
        "ends_at": "17:00",
        "languages": ["ar"],
        "contact_email": "rad@example.org",
    }


def _contact_form(w) -> dict:
    return {
        "name": "Aylin Demir",
        "function": "Koordination",
        "email": f"neu{next(_emails)}@example.org",
        "consent": "on",
    }


def _removal_token(w) -> dict:
    from directory.services.contacts import removal_url

    person = _contact(organisation=w.org_x)
    return {"token": removal_url(person).rstrip("/").rsplit("/", 1)[-1]}


def _municipal_access(w) -> dict:
    from directory.services.municipal import municipal_access_grant
    from tests.factories import UserFactory

    person = UserFactory(email=f"amt{next(_emails)}@ahlen.example")
    access = municipal_access_grant(actor=w.ki_staff, email=person.email, town=w.town)
    return {"pk": access.pk}


def _new_account_for_access(w) -> dict:
    from tests.factories import UserFactory

    return {"email": UserFactory().email, "town": w.town.pk}


ROWS: list[Row] = [
    # --- An organisation's entries --------------------------------------------------------
    Row(
        "directory:organisation_directory",
        {"GET": keepers_of_x(200), "POST": logged_in(405)},
        kwargs=lambda w: {"pk": w.org_x.pk},
        label="directory:organisation_directory (verified, of X)",
    ),
    Row(
        "directory:organisation_directory",
        {"GET": keepers_of_y_pending(200)},
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        label="directory:organisation_directory (pending, of Y)",
        note="Y's coordinator may not publish before the KI verified the organisation",
    ),
    Row(
        "directory:offer_create",
        {"GET": keepers_of_x(200), "POST": keepers_of_x(PAGE_X)},
        kwargs=lambda w: {"pk": w.org_x.pk},
        data=_offer_form,
        label="directory:offer_create (verified, of X)",
    ),
    Row(
        "directory:offer_create",
        {"GET": keepers_of_y_pending(200), "POST": keepers_of_y_pending(PAGE_Y_PENDING)},
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        data=_offer_form,
        label="directory:offer_create (pending, of Y)",
    ),
    Row(
        "directory:contact_person_create",
        {"GET": keepers_of_x(200), "POST": keepers_of_x(PAGE_X)},
        kwargs=lambda w: {"pk": w.org_x.pk},
        data=_contact_form,
        note="each POST publishes a person (with consent) and emails them the removal link",
    ),
    Row(
        "directory:contact_person_delete",
        post_only(keepers_of_x(PAGE_X, staff=404)),
        kwargs=lambda w: {"pk": w.org_x.pk, "person_pk": _contact(organisation=w.org_x).pk},
        label="directory:contact_person_delete (of X)",
        note="X's coordinator removes the entry; after that it is gone (404) for staff too",
    ),
    Row(
        "directory:contact_person_delete",
        post_only(keepers_of_x(404)),
        kwargs=lambda w: {"pk": w.org_x.pk, "person_pk": _contact(organisation=w.org_y).pk},
        label="directory:contact_person_delete (Y's person below X)",
        note="a person is looked up inside the organisation of the URL",
    ),
    Row(
        "directory:offer_edit",
        {"GET": keepers_of_x(200), "POST": keepers_of_x(PAGE_X)},
        kwargs=lambda w: {"pk": _offer(w.org_x).pk},
        data=_offer_form,
        label="directory:offer_edit (of X)",
        note="the page the reminder email links to",
    ),
    Row(
        "directory:offer_edit",
        {"GET": keepers_of_y_pending(200)},
        kwargs=lambda w: {"pk": _offer(w.org_y_pending).pk},
        label="directory:offer_edit (pending, of Y)",
    ),
    Row(
        "directory:offer_confirm",
        post_only(keepers_of_x(PAGE_X)),
        kwargs=lambda w: {"pk": _offer(w.org_x).pk},
    ),
    Row(
        "directory:offer_delete",
        {"GET": keepers_of_x(200), "POST": keepers_of_x(PAGE_X, staff=404)},
        kwargs=lambda w: {"pk": _offer(w.org_x).pk},
        note="GET asks; X's coordinator deletes, after that the offer is gone (404) for staff",
    ),
    # --- The removal link of a contact person (no login) ----------------------------------
    Row(
        "directory:contact_remove",
        {"GET": everyone(200), "POST": {**everyone(404), "anonymous": Status(200)}},
        kwargs=_removal_token,
        label="directory:contact_remove (signed link)",
        note="whoever holds the link removes the entry, once; afterwards the link is void",
    ),
    Row(
        "directory:contact_remove",
        {"GET": everyone(404), "POST": everyone(404)},
        kwargs=lambda w: {"token": "nicht-signiert"},
        label="directory:contact_remove (forged)",
    ),
    # --- KI staff -------------------------------------------------------------------------
    Row("directory:staff_offer_list", {"GET": staff_page(200), "POST": everyone(405)}),
    Row(
        "directory:staff_offer_hide",
        post_only(staff_page(STAFF_OFFERS)),
        kwargs=lambda w: {"pk": _offer(w.org_x).pk},
        data=lambda w: {"reason": "Findet nicht mehr statt"},
    ),
    Row(
        "directory:staff_offer_unhide",
        post_only(staff_page(STAFF_OFFERS)),
        kwargs=lambda w: {
            "pk": _offer(w.org_x, hidden_at=timezone.now(), hidden_reason="doppelt").pk
        },
    ),
    Row(
        "directory:staff_contact_list",
        {"GET": staff_page(200), "POST": staff_page(STAFF_CONTACTS)},
        data=lambda w: {**_contact_form(w), "town": w.town.pk},
        note="POST publishes a contact person of a town administration",
    ),
    Row(
        "directory:staff_contact_delete",
        post_only(first_staff_only(STAFF_CONTACTS)),
        kwargs=lambda w: {"pk": _contact(town=w.town).pk},
        label="directory:staff_contact_delete (town of Ahlen)",
    ),
    Row(
        "directory:staff_contact_delete",
        post_only(staff_page(404)),
        kwargs=lambda w: {"pk": _contact(organisation=w.org_x).pk},
        label="directory:staff_contact_delete (of organisation X)",
        note="this page removes contacts of town administrations only",
    ),
    Row(
        "directory:staff_municipal_list",
        {"GET": staff_page(200), "POST": staff_page(STAFF_MUNICIPAL)},
        data=_new_account_for_access,
        note="each POST grants a fresh member account the figures of Ahlen",
    ),
    Row(
        "directory:staff_municipal_revoke",
        post_only(first_staff_only(STAFF_MUNICIPAL)),
        kwargs=_municipal_access,
    ),
]
