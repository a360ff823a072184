"""Who gets what on a case of organisation X: another organisation's coordinator and
volunteers learn nothing (404 on every endpoint of the case, with any method); KI accounts
without two-factor see no case either and may not review (403); the applicant may not review
their own case (403); anonymous callers must log in (401). The full matrix
per role is tests/security/rows_funding.py; here every endpoint of one case is swept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.models import StatusChange
from funding.models import Application, Attachment, InternalNote, Payment
from funding.services.attachments import attachment_add
from tests.funding.factories import ApplicationFactory, approved

from .helpers import BASE, PDF_BYTES, client_for

pytestmark = pytest.mark.django_db

APPLICANT_ACTIONS = [
    ("get", ""),
    ("put", ""),
    ("patch", ""),
    ("post", "submit/"),
    ("post", "withdraw/"),
    ("get", "attachments/"),
    ("post", "attachments/"),
    ("get", "letter/"),
    ("get", "history/"),
    ("get", "payments/"),
    ("post", "payments/"),
    ("post", "proof/"),
]
REVIEW_ACTIONS = [
    ("post", "request-changes/"),
    ("get", "checklist/"),
    ("put", "checklist/"),
    ("get", "notes/"),
    ("post", "notes/"),
    ("post", "propose/"),
    ("post", "sign/"),
    ("post", "send-back/"),
    ("post", "close/"),
    ("post", "return-proof/"),
]
CASE_ACTIONS = APPLICANT_ACTIONS + REVIEW_ACTIONS


@pytest.fixture
def case(w, monkeypatch):
    """An approved case of X with an annex and a requested payment (its letter is a stub: the
    rendering is tested in test_review.py)."""
    monkeypatch.setattr("funding.services.letters.letter_render", lambda application: PDF_BYTES)
    application = ApplicationFactory(organisation=w.org_x, programme_year=w.year)
    attachment = attachment_add(
        application=application,
        file=SimpleUploadedFile("a.pdf", PDF_BYTES),
        filename="a.pdf",
        purpose="application",
        actor=w.coordinator_x,
    )
    approved(application, staff=w.staff, lead=w.lead)
    payment = Payment.objects.create(application=application, amount=100)
    return application, attachment, payment


def _urls(case, *, review: bool | None = None):
    """(method, url) of every endpoint of the case; only the KI's (review=True) or only the
    others (review=False)."""
    application, attachment, payment = case
    for actions, is_review in ((APPLICANT_ACTIONS, False), (REVIEW_ACTIONS, True)):
        if review in (None, is_review):
            for method, action in actions:
                yield method, f"{BASE}/applications/{application.pk}/{action}"
    if review in (None, False):
        yield "get", f"{BASE}/attachments/{attachment.pk}/"
        yield "delete", f"{BASE}/attachments/{attachment.pk}/"
        yield "post", f"{BASE}/payments/{payment.pk}/cancel/"
    if review in (None, True):
        yield "post", f"{BASE}/payments/{payment.pk}/mark-paid/"


def _sweep(client, case, **which) -> dict[str, int]:
    return {
        f"{method.upper()} {url}": getattr(client, method)(url, {}, format="json").status_code
        for method, url in _urls(case, **which)
    }


def _unchanged(case) -> None:
    application, _attachment, payment = case
    application_before = Application.objects.get(pk=application.pk)
    assert application_before.status == Application.Status.APPROVED
    assert Attachment.objects.count() == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REQUESTED
    assert not InternalNote.objects.exists()
    assert not StatusChange.objects.filter(to_status="closed").exists()


@pytest.mark.parametrize("who", ["coordinator_y", "volunteer"])
def test_others_get_404_on_every_endpoint_of_the_case(w, case, who):
    answers = _sweep(client_for(getattr(w, who)), case)
    assert set(answers.values()) == {404}, {k: v for k, v in answers.items() if v != 404}
    _unchanged(case)


def test_ki_accounts_without_two_factor_see_no_case_and_may_not_review(w, case):
    client = client_for(w.staff_without_mfa)
    answers = _sweep(client, case, review=False)
    assert set(answers.values()) == {404}, answers
    answers = _sweep(client, case, review=True)
    assert set(answers.values()) == {403}, answers
    assert client.get(f"{BASE}/applications/").json()["results"] == []
    _unchanged(case)


def test_anonymous_callers_must_log_in(w, case):
    answers = _sweep(client_for(), case)
    assert set(answers.values()) == {401}, answers


def test_the_applicant_may_not_review_their_own_case(w, case):
    answers = _sweep(client_for(w.coordinator_x), case, review=True)
    assert set(answers.values()) == {403}, answers
    _unchanged(case)


def test_lists_show_others_nothing(w, case):
    for user in (w.coordinator_y, w.volunteer):
        response = client_for(user).get(f"{BASE}/applications/")
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_an_unknown_case_is_404_for_staff_too(w):
    for method, action in CASE_ACTIONS:
        url = f"{BASE}/applications/999999/{action}"
        response = getattr(client_for(w.lead), method)(url, {}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
