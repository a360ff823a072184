"""The public check page takes both codes the platform prints (Teilnahmebescheinigung
"K7QM-4TXR-9HCW", Ehrenamtsnachweis "EN-7K3P-Q9XW") and tells exactly which of four answers
applies: no code at all (and why), a well-formed code nobody issued, revoked (when, never why),
valid. It shows only name, what and when."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import VolunteerFactory
from tests.volunteers.factories import AssignmentFactory, HoursEntryFactory
from volunteers.services.certificates import certificate_for
from volunteers.services.verification import (
    EHRENAMT,
    TRAINING,
    CodeMalformed,
    code_parse,
)

FORM = reverse("volunteers:certificate_verify_form")


def main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


# --- Reading a typed code ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "code"),
    [
        ("K7QM-4TXR-9HCW", TRAINING, "K7QM-4TXR-9HCW"),
        ("k7qm 4txr 9hcw", TRAINING, "K7QM-4TXR-9HCW"),
        ("K7QM4TXR9HCW", TRAINING, "K7QM-4TXR-9HCW"),
        ("ENAB-CDEF-GHJK", TRAINING, "ENAB-CDEF-GHJK"),  # 12 characters: a training code
        ("EN-7K3P-Q9XW", EHRENAMT, "EN-7K3P-Q9XW"),
        ("en 7k3p q9xw", EHRENAMT, "EN-7K3P-Q9XW"),
        ("EN7K3PQ9XW", EHRENAMT, "EN-7K3P-Q9XW"),
        (" EN–7K3P—Q9XW ", EHRENAMT, "EN-7K3P-Q9XW"),  # typographic dashes from a PDF
    ],
)
def test_both_kinds_of_code_are_read_however_they_are_typed(typed, kind, code):
    parsed = code_parse(typed)
    assert (parsed.kind, parsed.code) == (kind, code)


@pytest.mark.parametrize(
    ("typed", "says", "never"),
    [
        # Twelve characters, one of them a look-alike that codes never contain: told which
        # character, never that the length is wrong.
        ("K7QM-4TXR-9HC0", ["„0“", "Ziffern 2 bis 9"], ["Zeichen (ohne", "12 Buchstaben"]),
        ("K7QM-4TXR-9HCO", ["„O“", "ohne I, L und O"], ["Zeichen (ohne"]),
        ("EN-7K3P-Q9X1", ["„1“"], ["Zeichen (ohne"]),
        # The right characters, the wrong number of them.
        ("K7QM-4TXR-9HC", ["Er hat 11 Zeichen", "12 Zeichen", "beginnt mit EN"], ["„"]),
        ("EN-7K3P-Q9X", ["Er hat 9 Zeichen"], []),
        ("7K3P-Q9XW", ["Er hat 8 Zeichen"], []),
        ("ABCD-EFGH-JK", ["Er hat 10 Zeichen"], []),  # ten, but not EN + 8
        # Both problems at once.
        ("K7QM-0", ["„0“", "Er hat 5 Zeichen"], []),
        ("", ["Bitte geben Sie den Prüfcode ein."], ["ist kein Prüfcode"]),
    ],
)
def test_input_that_is_no_code_is_told_exactly_why(typed, says, never):
    with pytest.raises(CodeMalformed) as raised:
        code_parse(typed)
    message = raised.value.message
    if typed:
        assert message.startswith(f"„{typed}“ ist kein Prüfcode.")
    reasons = message.removeprefix(f"„{typed}“ ist kein Prüfcode.")
    for part in says:
        assert part in message, message
    for part in never:
        assert part not in reasons, message


# --- The pages --------------------------------------------------------------------------------


@pytest.fixture
def nachweis(db):
    volunteer = VolunteerFactory(full_name="Hanna Helferin", email="hanna@example.org")
    assignment = AssignmentFactory(volunteer=volunteer, confirmed=True)
    HoursEntryFactory(assignment=assignment, confirmed=True, hours=Decimal("12.50"))
    return certificate_for(volunteer=volunteer)


def test_an_ehrenamtsnachweis_code_is_checked_with_name_what_and_when(client, nachweis):
    typed = nachweis.code.lower().replace("-", " ")

    answer = client.get(FORM, {"code": typed}, follow=True)

    assert answer.redirect_chain[-1][0] == reverse(
        "volunteers:certificate_verify", args=[nachweis.code]
    )
    page = main(answer.content.decode())
    assert answer.status_code == 200
    assert "Dieser Ehrenamtsnachweis ist echt" in page
    assert "Ehrenamtsnachweis" in page
    assert "Hanna Helferin" in page
    assert "12,50 Stunden" in page
    assert f"{nachweis.created_at:%d.%m.%Y}" in page
    assert "Kommunales Integrationszentrum Kreis Warendorf" in page
    # Minimal: no email address, no activities or organisations of the person.
    assert "hanna@example.org" not in page
    assert nachweis.volunteer.assignments.get().help_request.title not in page
    assert "no-store" in answer["Cache-Control"]


def test_the_check_shows_the_name_as_printed_even_after_a_change_of_name(client, nachweis):
    from backend.accounts.services import user_set_name

    user_set_name(user=nachweis.volunteer, first_name="Hanna", last_name="Neuname")

    page = main(
        client.get(reverse("volunteers:certificate_verify", args=[nachweis.code])).content.decode()
    )

    assert "Hanna Helferin" in page
    assert "Neuname" not in page


def test_an_unknown_ehrenamtsnachweis_code_is_well_formed_but_not_found(client, nachweis):
    other = "EN-2222-3333" if nachweis.code != "EN-2222-3333" else "EN-2222-4444"

    answer = client.get(reverse("volunteers:certificate_verify", args=[other]))

    page = main(answer.content.decode())
    assert answer.status_code == 404
    assert f"Der Prüfcode {other} hat die richtige Form" in page
    assert "ist kein Prüfcode" not in page


def test_a_twelve_character_code_with_a_look_alike_is_never_told_it_is_not_twelve(client, db):
    answer = client.get(FORM, {"code": "K7QM-4TXR-9HC0"})

    page = main(answer.content.decode())
    assert "„K7QM-4TXR-9HC0“ ist kein Prüfcode" in page
    assert "„0“" in page
    assert "Zeichen (ohne" not in page and "12 Buchstaben" not in page
    assert 'value="K7QM-4TXR-9HC0"' in page  # kept as typed


def test_the_check_page_is_linked_from_every_page_and_the_volunteer_pages(client, nachweis):
    link = f'href="{FORM}"'
    assert link in client.get(reverse("home")).content.decode()
    assert link in client.get(reverse("impressum")).content.decode()  # the footer
    client.force_login(nachweis.volunteer)
    assert link in client.get(reverse("volunteers:my_data")).content.decode()
    assert link in client.get(reverse("volunteers:my_certificates")).content.decode()


def test_an_old_nachweis_stays_checkable_after_a_new_one(client, nachweis):
    assignment = nachweis.volunteer.assignments.get()
    HoursEntryFactory(
        assignment=assignment, confirmed=True, hours=Decimal("3"), date=dt.date.today()
    )
    newer = certificate_for(volunteer=nachweis.volunteer)
    assert newer.code != nachweis.code

    for code, hours in ((nachweis.code, "12,50 Stunden"), (newer.code, "15,50 Stunden")):
        page = main(
            client.get(reverse("volunteers:certificate_verify", args=[code])).content.decode()
        )
        assert hours in page
