"""One way to write a date per language: templates name a format of backend/formats/, code that
builds a person's text formats with the active language, and emails keep their dates typed
until they are rendered in the recipient's language (notifications/values.py)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import FORMAT_SETTINGS

from backend.templatetags.dates import weekday_datetime
from notifications.values import as_text, pack, plain, unpack

ROOT = Path(__file__).resolve().parents[1]
APPS = ("backend", "directory", "funding", "notifications", "volunteers")

# Patterns that are the same in every language (machine formats, a year, a weekday's name).
LANGUAGE_FREE = {"c", "U", "Y", "Y-m-d", "l", "D"}
DATE_FILTER = re.compile(r"\|(date|time):\s*\"([^\"]*)\"")

# Human dates spelled in code, each with the reason it may stay German.
GERMAN_BY_DESIGN = {
    "funding/services/letters.py": "the Zuwendungsbescheid is a German legal document",
    "funding/exports.py": "the spreadsheet for the Kreis's German bookkeeping",
    "volunteers/services/training_certificates.py": "the dates frozen into an issued "
    "Teilnahmebescheinigung, a German document",
}


def test_templates_name_date_formats_instead_of_spelling_them():
    spelled = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt") or "pdf" in path.parts:
            continue
        for _filter, pattern in DATE_FILTER.findall(path.read_text(encoding="utf-8")):
            if pattern not in FORMAT_SETTINGS and pattern not in LANGUAGE_FREE:
                spelled.append(f"{path.relative_to(ROOT)}: {pattern!r}")
    assert not spelled, "use a named format (DATE_FORMAT, ...) or |weekday_datetime:\n" + "\n".join(
        spelled
    )


def test_code_formats_dates_for_people_in_their_language():
    spelled = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            if "migrations" in path.parts or name in GERMAN_BY_DESIGN:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"strftime\(\"%d\.%m|:%d\.%m\.%Y", line):
                    spelled.append(f"{name}:{number}: {line.strip()}")
    assert not spelled, "use formats.date_format or pass the date to the email:\n" + "\n".join(
        spelled
    )


def test_an_email_context_keeps_dates_times_and_numbers_typed():
    aware = dt.datetime(2026, 12, 7, 13, 5, tzinfo=dt.UTC)
    context = {
        "day": dt.date(2026, 12, 7),
        "at": aware,
        "time": dt.time(14, 5),
        "hours": Decimal("3.50"),
        "sessions": [[aware, aware + dt.timedelta(hours=2)]],
        "title": "Sprachcafé",
        "count": 3,
    }
    stored = pack(context)
    assert stored["day"] == {"$date": "2026-12-07"}
    assert stored["hours"] == {"$decimal": "3.5"}
    assert unpack(stored) == {**context, "hours": Decimal("3.5")}
    assert plain(stored)["at"] == "2026-12-07T13:05:00+00:00"
    # Rows queued before the convention hold strings; they stay strings.
    assert unpack({"date": "07.12.2026"}) == {"date": "07.12.2026"}
    with pytest.raises(ValueError):
        pack({"at": dt.datetime(2026, 12, 7, 14, 5)})  # naive: which time zone?


@pytest.mark.parametrize(
    "language, day, moment, hours",
    [
        ("de", "7. Dezember 2026", "Montag, 7. Dezember 2026, 14:05", "3,5"),
        ("en", "7 December 2026", "Monday, 7 December 2026, 14:05", "3.5"),
    ],
)
def test_each_language_writes_dates_its_own_way(language, day, moment, hours):
    aware = dt.datetime(2026, 12, 7, 13, 5, tzinfo=dt.UTC)  # 14:05 in Berlin
    with translation.override(language):
        assert as_text(dt.date(2026, 12, 7)) == day
        assert as_text(Decimal("3.5")) == hours
        assert weekday_datetime(aware) == moment
