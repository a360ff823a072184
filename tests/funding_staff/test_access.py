"""Who gets in: every staff page of the funding app needs KI staff with two-factor
authentication; the admin shows the funding data read-only where money is concerned."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from backend.accounts.services import user_set_totp
from funding.admin import ProgrammeYearAdmin
from funding.models import ProgrammeYear
from tests.conftest import TOTP_SECRET
from tests.factories import UserFactory
from tests.funding.factories import ApplicationFactory, ProgrammeYearFactory, approved, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_letters")]


def staff_get_urls(application, year) -> list[str]:
    return [
        reverse("funding:staff_queue"),
        reverse("funding:staff_application_detail", args=[application.pk]),
        reverse("funding:staff_budget"),
        reverse("funding:staff_export", args=[year.pk, "csv"]),
        reverse("funding:staff_export", args=[year.pk, "xlsx"]),
        reverse("funding:staff_programmes"),
        reverse("funding:staff_programme_create"),
        reverse("funding:staff_year_create"),
        reverse("funding:staff_year_edit", args=[year.pk]),
    ]


def test_every_page_needs_staff_with_two_factor(staff_client):
    application = submitted(ApplicationFactory())
    year = application.programme_year
    urls = staff_get_urls(application, year)

    for url in urls:
        assert staff_client.get(url).status_code == 200, url

    client = Client()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login") + "?next="), url

    client.force_login(UserFactory())  # a member (volunteer or coordinator)
    for url in urls:
        assert client.get(url).status_code == 403, url

    client.force_login(UserFactory(ki_staff=True))  # no second factor yet
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("mfa_activate_totp")), url


def test_posts_need_staff_too(client):
    application = submitted(ApplicationFactory())
    client.force_login(UserFactory())
    for action in ("note", "checklist", "propose", "sign"):
        url = reverse("funding:staff_application_action", args=[application.pk, action])
        assert client.post(url, {}).status_code == 403
    assert client.post(reverse("funding:staff_year_create"), {"form": "create"}).status_code == 403


@pytest.fixture
def admin_client(client):
    admin = UserFactory(admin=True)
    user_set_totp(user=admin, secret=TOTP_SECRET)
    client.force_login(admin)
    return client


def test_admin_lists_the_funding_data(admin_client):
    application = approved(ApplicationFactory())
    for name in ("programme", "programmeyear", "application", "payment", "decisionletter"):
        assert admin_client.get(reverse(f"admin:funding_{name}_changelist")).status_code == 200
    year_page = admin_client.get(
        reverse("admin:funding_programmeyear_change", args=[application.programme_year_id])
    )
    assert year_page.status_code == 200
    case_page = admin_client.get(reverse("admin:funding_application_change", args=[application.pk]))
    assert case_page.status_code == 200
    assert b'name="status"' not in case_page.content  # read-only
    assert admin_client.get(reverse("admin:funding_application_add")).status_code == 403


def test_saving_a_year_in_the_admin_keeps_the_running_figures(admin_client, monkeypatch):
    year = ProgrammeYearFactory()
    url = reverse("admin:funding_programmeyear_change", args=[year.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["subject_to_confirmation"] = ""
    data["proof_of_use_weeks"] = "9"
    blocks = list(year.blocks.order_by("code"))
    data.update(
        {
            "blocks-TOTAL_FORMS": str(len(blocks)),
            "blocks-INITIAL_FORMS": str(len(blocks)),
            "pauschalen-TOTAL_FORMS": "0",
            "pauschalen-INITIAL_FORMS": "0",
        }
    )
    for i, block in enumerate(blocks):
        data.update(
            {
                f"blocks-{i}-id": block.pk,
                f"blocks-{i}-programme_year": year.pk,
                f"blocks-{i}-code": block.code,
                f"blocks-{i}-title": block.title,
                f"blocks-{i}-description": "",
                f"blocks-{i}-pot": str(block.pot),
            }
        )
    # A decision is signed while the admin handles the POST (after it loaded the row).
    original = ProgrammeYearAdmin.save_form

    def save_form_meanwhile(self, request, form, change):
        obj = original(self, request, form, change)
        ProgrammeYear.objects.filter(pk=year.pk).update(committed=F("committed") + 900)
        return obj

    monkeypatch.setattr(ProgrammeYearAdmin, "save_form", save_form_meanwhile)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    year = ProgrammeYear.objects.get(pk=year.pk)
    assert (year.proof_of_use_weeks, year.committed) == (9, Decimal("900.00"))
