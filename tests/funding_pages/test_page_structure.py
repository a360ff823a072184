"""Every applicant page, in every state it has, is well-formed and labelled (see
html_check.py; the browser journey adds axe-core)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from funding.models import Application, Attachment, Pauschale
from funding.services import payments as payment_services
from funding.services import proof as proof_services
from funding.services import review
from funding.services.attachments import attachment_add
from tests.funding.factories import approved, coordinator_of, lead_user, staff_user, submitted

from .conftest import PDF
from .helpers import edit_data, text, url
from .html_check import page_problems

pytestmark = pytest.mark.django_db


def check(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    page = text(response)
    main = page[page.index("<main") : page.index("</main>") + len("</main>")]
    assert page_problems(page) == [], response.request["PATH_INFO"]
    return main


def test_the_checker_finds_what_it_should():
    broken = (
        '<div id="a"><span id="a"></span><input name="x"><label for="nope">x</label>'
        "<table><tr><th>h</th></tr></table><fieldset><div></div></fieldset>"
        '<a href="#missing">m</a></p>'
    )
    problems = " | ".join(page_problems(broken))
    for expected in (
        'duplicate id "a"',
        "<input name='x'> has no label",
        'label for "nope" points at nothing',
        "<table> without <caption>",
        "<th> without scope",
        "<fieldset> without <legend>",
        'link "missing" points at nothing',
        "</p> closes <div>",
    ):
        assert expected in problems


def test_list_and_create(coordinator_client, draft, year):
    Pauschale.objects.create(programme_year=year, title="Raum", amount=Decimal("100"))
    year.subject_to_confirmation = True
    year.save(update_fields=["subject_to_confirmation"])
    check(coordinator_client.get(url("application_list")))
    check(coordinator_client.get(url("application_create")))
    check(coordinator_client.post(url("application_create"), {"title": ""}), status=400)


def test_edit_page_clean_with_pauschalen_and_with_every_kind_of_error(
    coordinator_client, draft, year
):
    Pauschale.objects.create(
        programme_year=year, title="Raum", amount=Decimal("100"), block=draft.block
    )
    check(coordinator_client.get(url("application_edit", draft)))
    bad = edit_data(
        draft,
        keep_saved=True,
        requested_amount="-1",
        lines=[{"category": "fees", "description": "", "amount": "x"}],
    )
    check(coordinator_client.post(url("application_edit", draft), bad), status=400)
    Application.objects.filter(pk=draft.pk).update(
        requested_amount=Decimal("1"), description="", starts_on=timezone.localdate()
    )
    main = check(coordinator_client.post(url("application_submit", draft)), status=422)
    assert "Der Antrag ist noch nicht eingereicht." in main


def test_detail_pages_through_the_life_of_a_case(coordinator_client, draft):
    check(coordinator_client.get(url("application_detail", draft)))
    check(coordinator_client.get(url("application_withdraw", draft)))
    check(coordinator_client.post(url("application_withdraw", draft), {}), status=400)
    attachment_add(
        application=draft,
        file=io.BytesIO(PDF),
        filename="a.pdf",
        purpose="application",
        actor=coordinator_of(draft),
    )
    check(
        coordinator_client.post(url("attachment_upload", draft), {"purpose": "application"}),
        status=400,
    )
    submitted(draft)
    check(coordinator_client.get(url("application_detail", draft)))
    review.application_request_changes(
        application=draft, message="Bitte ändern.", actor=staff_user()
    )
    check(coordinator_client.get(url("application_detail", draft)))
    check(coordinator_client.get(url("application_edit", draft)))
    submitted(draft)
    approved(draft)
    coordinator = coordinator_of(draft)
    payment_services.payment_request(application=draft, amount=Decimal("100"), actor=coordinator)
    check(coordinator_client.get(url("application_detail", draft)))
    check(coordinator_client.post(url("payment_request", draft), {"amount": "x"}), status=400)
    today = timezone.localdate()
    Application.objects.filter(pk=draft.pk).update(
        starts_on=today - dt.timedelta(days=9), ends_on=today - dt.timedelta(days=1)
    )
    main = check(coordinator_client.get(url("application_detail", draft)))
    assert "Verwendungsnachweis einreichen" in main
    check(coordinator_client.post(url("proof_submit", draft), {"report": ""}), status=400)
    draft.refresh_from_db()
    proof_services.proof_submit(
        application=draft,
        report="Bericht",
        actual_amounts={line.pk: Decimal("900") for line in draft.cost_lines.all()},
        actor=coordinator,
    )
    check(coordinator_client.get(url("application_detail", draft)))
    proof_services.application_close(application=draft, actor=staff_user())
    check(coordinator_client.get(url("application_detail", draft)))
    assert Attachment.objects.count() == 1


def test_a_rejected_case(coordinator_client, draft):
    submitted(draft)
    review.decision_propose(
        application=draft, decision="reject", reasons="Nein.", actor=staff_user()
    )
    review.decision_sign(application=draft, actor=lead_user())
    check(coordinator_client.get(url("application_detail", draft)))
