"""The languages of the platform: German addresses everyone formally, English is complete.

- Every message of the code (templates and Python) is in the English catalogue, translated and
  not fuzzy: the catalogue is extracted afresh from the code (makemessages into a copy), so a
  new string that nobody translated fails here, not on an English page.
- The German that people read says "Sie": our own German source texts and the German of the
  third-party catalogues as the platform serves it (django-allauth, Django REST framework and
  Django, with our overrides in locale/de/), checked for "du" and its imperatives.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import allauth
import django
import rest_framework
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = ROOT / "locale/en/LC_MESSAGES/django.po"

INFORMAL_PRONOUN = re.compile(
    r"\b(du|dein|deine|deinen|deinem|deiner|deines|dich|dir)\b", re.IGNORECASE
)
# Imperatives of "du" at the start of a sentence or after "bitte" ("Bitte versuche es ...").
# A verb alone ("Versuche" as a column label: attempts) is a noun, so a word must follow.
INFORMAL_IMPERATIVE = re.compile(
    r"(^|[.!?:]\s+|\bbitte\s+)(gib|bestätige|melde|folge|klicke|wähle|gehe|prüfe|versuche|"
    r"sende|nutze|verwende|trage|ändere|lege|füge|entferne|öffne|kopiere|speichere|warte|"
    r"aktiviere|erstelle|richte|lies|schau)\s+\w",
    re.IGNORECASE,
)


def _entries(po: Path):
    """(msgid, [msgstr, ...], fuzzy) of every entry of a .po file."""
    msgid, msgstr, fuzzy, current = [], [], False, None
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, msgstr, current = [line[6:]], [], "id"
        elif line.startswith("msgid_plural "):
            current = "plural"
        elif line.startswith(("msgstr ", "msgstr[")):
            msgstr.append(line.split(" ", 1)[1])
            current = "str"
        elif line.startswith('"'):
            if current == "id":
                msgid.append(line)
            elif current == "str":
                msgstr[-1] += line
        elif not line.strip() and msgid:
            text = "".join(s.strip('"') for s in msgid)
            yield text, [s.replace('""', "").strip('"') for s in msgstr], fuzzy
            msgid, msgstr, fuzzy, current = [], [], False, None


def _problems(po: Path) -> tuple[list[str], list[str]]:
    entries = [e for e in _entries(po) if e[0]]
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, _ in entries if not all(msgstr)]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    return untranslated, fuzzy


def test_english_catalogue_is_complete_and_not_fuzzy():
    untranslated, fuzzy = _problems(ENGLISH)
    assert untranslated == []
    assert fuzzy == []


EXTRACT = """
import django
from django.conf import settings
settings.LOCALE_PATHS = []
django.setup()
from django.core.management import call_command
call_command("makemessages", locale=["en"], no_obsolete=True, symlinks=True, verbosity=0)
"""
# What makemessages reads: the code's folders, seen through links from a scratch folder whose
# own locale/ holds a copy of the catalogue (makemessages writes into the locale/ beside the
# files it reads; the project's own catalogue stays untouched).
SOURCES = ("backend", "volunteers", "funding", "notifications", "directory", "templates")


def test_every_message_of_the_code_is_translated_into_english(tmp_path):
    """The catalogue extracted afresh from templates and Python, merged with today's
    translations: a string added to the code without an English translation shows up here
    as untranslated (or fuzzy, when gettext guessed it from a similar one)."""
    for name in SOURCES:
        (tmp_path / name).symlink_to(ROOT / name)
    copy = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(ENGLISH, copy)
    result = subprocess.run(
        [sys.executable, "-c", EXTRACT],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert copy.read_text(encoding="utf-8") != "", "nothing extracted"
    untranslated, fuzzy = _problems(copy)
    assert untranslated == [], f"{len(untranslated)} messages without English: {untranslated}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy (guessed) English messages: {fuzzy}"


def _informal(text: str) -> bool:
    return bool(INFORMAL_PRONOUN.search(text) or INFORMAL_IMPERATIVE.search(text))


def test_our_german_texts_say_sie():
    informal = [msgid for msgid, _, _ in _entries(ENGLISH) if msgid and _informal(msgid)]
    assert informal == []


def _third_party_messages():
    """(catalogue, msgid, plural?) of the German catalogues of allauth, DRF and Django."""
    for package, folder in (
        (allauth, "locale"),
        (rest_framework, "locale"),
        (django, "conf/locale"),
    ):
        mo = Path(package.__file__).parent / folder / "de" / "LC_MESSAGES" / "django.mo"
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        for key in catalog:
            if isinstance(key, tuple):
                if key[1] == 0:
                    yield package.__name__, key[0], True
            elif key:
                yield package.__name__, key, False


def test_the_german_of_allauth_drf_and_django_says_sie_as_the_platform_serves_it():
    informal = []
    with translation.override("de"):
        for source, msgid, plural in _third_party_messages():
            text = translation.ngettext(msgid, msgid, 1) if plural else translation.gettext(msgid)
            if _informal(text):
                informal.append(f"{source}: {msgid!r} -> {text!r}")
    assert informal == [], "add a formal translation to locale/de/LC_MESSAGES/django.po:\n" + (
        "\n".join(informal)
    )


def test_the_checks_find_du():
    assert _informal("Bitte gib dein Passwort ein.")
    assert _informal("Versuche es später erneut.")
    assert not _informal("Bitte geben Sie Ihr Passwort ein.")
    assert not _informal("Direktorin der Einrichtung")


# --- Templates --------------------------------------------------------------------------------

# Text a template may show as it is, whatever the language: names, addresses, technical words.
LANGUAGE_FREE_TEXT = re.compile(
    r"^(?:[\s·:–(),.]|KOMM-AN NRW|SHA-256|X|[a-z0-9_-]+(?:--[a-z-]+)?|"
    r"[\w.+-]+@[\w.-]+|www\.[\w./-]+|sessionid|csrftoken|django_language|"
    r"Kavalleriestraße 2–4, 40213 Düsseldorf)+$"
)
# Pages in German by design, each with its reason.
GERMAN_TEMPLATES = {
    "pdf/funding_letter.html": "the Zuwendungsbescheid is a German legal document",
    "500.html": "served without the template engine's i18n: German and English side by side",
}
TEMPLATE_COMMENT = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.S)
BLOCKTRANSLATE = re.compile(
    r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)


class _TemplateText(HTMLParser):
    ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")
        self.texts += [v for k, v in attrs if k in self.ATTRIBUTES and v and v.strip()]

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def untranslated_texts(source: str) -> list[str]:
    """Texts a template shows outside {% translate %} and {% blocktranslate %}."""
    source = TEMPLATE_COMMENT.sub(" ", source)
    source = BLOCKTRANSLATE.sub(" ", source)
    source = TEMPLATE_TAG.sub(" ", source)
    parser = _TemplateText()
    parser.feed(source)
    return [
        text
        for text in parser.texts
        if re.search(r"[^\W\d_]{2}", text) and not LANGUAGE_FREE_TEXT.match(text)
    ]


def test_templates_show_no_text_outside_the_translation_tags():
    """A word written into a template stays German on English pages ('Deutsch' in the language
    list was one): every text people read goes through {% translate %}."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = str(path.relative_to(ROOT / "templates"))
        if name in GERMAN_TEMPLATES:
            continue
        found += [f"{name}: {text!r}" for text in untranslated_texts(path.read_text("utf-8"))]
    assert not found, "\n".join(found)


def test_the_template_check_finds_plain_text():
    source = (
        '{% load i18n %}<p>{% translate "Speichern" %}</p><p title="Hilfe">Deutsch</p>'
        "{# note #}<b>{{ name }}</b>{% blocktranslate %}Hallo {{ n }}{% endblocktranslate %}"
    )
    assert untranslated_texts(source) == ["Hilfe", "Deutsch"]
