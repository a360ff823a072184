"""A published contact person removes the entry with the link from their email (no login)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from directory.models import ContactPerson
from directory.services.contacts import removal_url

from .conftest import make_contact

pytestmark = pytest.mark.django_db


def _path(person) -> str:
    return removal_url(person).removeprefix(settings.SITE_URL)


def test_the_link_shows_what_goes_and_removes_it_once(client, organisation):
    person = make_contact(organisation=organisation, name="Aylin Demir", function="Sprachcafé")
    path = _path(person)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Aylin Demir" in html and organisation.name in html
    assert "Eintrag jetzt entfernen" in html
    assert ContactPerson.objects.filter(pk=person.pk).exists()  # GET changes nothing

    done = client.post(path)
    assert done.status_code == 200
    assert "ist gelöscht" in done.content.decode()
    assert not ContactPerson.objects.filter(pk=person.pk).exists()

    again = client.post(path)
    assert again.status_code == 404
    assert "Dieser Link gilt nicht (mehr)" in again.content.decode()
    assert client.get(path).status_code == 404


def test_a_town_contact_removes_their_entry_too(client, ahlen):
    person = make_contact(town=ahlen, name="Petra Amt")
    page = client.get(_path(person))
    assert "Stadt-/Gemeindeverwaltung Ahlen" in page.content.decode()
    client.post(_path(person))
    assert not ContactPerson.objects.exists()


def test_a_tampered_or_foreign_token_is_a_404_that_removes_nothing(client, organisation):
    person = make_contact(organisation=organisation)
    other = make_contact(organisation=organisation, name="Zweite", email="z@example.org")
    token = _path(person).rstrip("/").rsplit("/", 1)[-1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    url = reverse("directory:contact_remove", args=[forged])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.post(reverse("directory:contact_remove", args=["kaputt"])).status_code == 404
    assert ContactPerson.objects.count() == 2
    assert other.pk != person.pk


def test_a_link_is_void_once_the_email_address_changed(client, organisation):
    person = make_contact(organisation=organisation)
    path = _path(person)
    ContactPerson.objects.filter(pk=person.pk).update(email="neu@example.org")
    assert client.post(path).status_code == 404
    assert ContactPerson.objects.filter(pk=person.pk).exists()


def test_the_page_escapes_the_entry(client, organisation):
    person = make_contact(organisation=organisation, name="<script>alert(1)</script>")
    html = client.get(_path(person)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
