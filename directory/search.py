"""What a visitor's words match in the public directory (no database access here; the
selectors in selectors.py turn the matches into conditions).

Every word must match somewhere in an offer: its own text (title, description, place, target
group: Offer.search_text), its kind, its town, its organisation or one of its languages (German
and English names and the German adjectives: "arabisch", "Arabic", "ukrainische"). Case,
accents and umlauts are forgiven: the database folds the offer's text and Python folds the
words with the same table (lower case, "é" → "e", "ü" → "u", "ß" → "ss"), and a word typed with
"ue" for "ü" ("Fluechtlinge") also tries "u"."""

from __future__ import annotations

import functools
import re

from django.db.models import Func, TextField, Value
from django.db.models.functions import Lower, Replace
from django.utils import translation

from volunteers.languages import LANGUAGE_NAMES

# Each word costs a condition; nobody types more. Longer queries are refused with a message
# (pages) or a 400 (API).
MAX_WORDS = 8
MAX_QUERY_CHARS = 100

# Letters folded to plain ones: German umlauts and ß, the accents of French, Spanish and
# Portuguese words ("Café", "Niño"). Upper-case twins only for the umlauts and "É", which start
# German words: SQLite's LOWER() only lowers ASCII letters. Each entry nests one REPLACE() in
# Offer.search_text, and SQLite's parser refuses a column nested deeper than about 25. Changing
# the table changes Offer.search_text: make a migration (makemigrations notices).
_LOWER_FOLDS = {
    "ä": "a",
    "ö": "o",
    "ü": "u",
    "ß": "ss",
    "à": "a",
    "á": "a",
    "â": "a",
    "ç": "c",
    "è": "e",
    "é": "e",
    "ê": "e",
    "í": "i",
    "ñ": "n",
    "ó": "o",
    "ú": "u",
}
_UPPER_FOLDS = {"Ä": "a", "Ö": "o", "Ü": "u", "É": "e"}
FOLDS: tuple[tuple[str, str], ...] = (*_LOWER_FOLDS.items(), *_UPPER_FOLDS.items())

# Small words that say nothing about an offer ("Sprachcafé in Ahlen auf Arabisch"). Ignored
# unless the query has nothing else.
STOP_WORDS = frozenset(
    {
        *("am", "an", "auf", "bei", "das", "dem", "den", "der", "des", "die", "ein", "eine"),
        *("einem", "einen", "einer", "fur", "im", "in", "mit", "oder", "und", "vom", "von"),
        *("zu", "zum", "zur", "a", "and", "at", "for", "of", "on", "or", "the", "to"),
    }
)

# German adjective endings after a language's name ("arabische", "ukrainischen") and the
# "-speaking" words ("arabischsprachig", "Arabic-speaking").
_ADJECTIVE_ENDINGS = ("", "e", "em", "en", "er", "es")
_SPEAKING = ("sprachig", "-sprachig", "speaking", "-speaking")

# Words for a language besides its German and English names; names of several words
# ("Deutsche Gebärdensprache") give none by themselves.
EXTRA_LANGUAGE_TERMS = {
    "de": ("german",),
    "sgn-de": ("gebärdensprache", "dgs"),
}

_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def fold(text: str) -> str:
    """Lower case, accents and umlauts folded to plain letters (the database's folded())."""
    text = text.lower()
    for letter, plain in _LOWER_FOLDS.items():
        text = text.replace(letter, plain)
    return text


def folded(expression) -> Func:
    """The database twin of fold(): LOWER() and one REPLACE() per entry of FOLDS."""
    result = Lower(expression, output_field=TextField())
    for letter, plain in FOLDS:
        result = Replace(result, Value(letter), Value(plain), output_field=TextField())
    return result


def variants(word: str) -> tuple[str, ...]:
    """The folded forms a word is searched as: "Flüchtlinge" → fluchtlinge, fluechtlinge;
    "Fluechtlinge" → fluechtlinge, fluchtlinge; a plural "-s" also without it ("Cafés")."""
    lowered = word.lower()
    plain = fold(lowered)
    spelled = fold(lowered.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue"))
    collapsed = plain.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    forms = [plain, spelled, collapsed]
    if len(plain) > 4 and plain.endswith("s"):
        forms.append(plain[:-1])
    return tuple(dict.fromkeys(form for form in forms if form))


def search_words(query: str) -> list[tuple[str, ...]]:
    """The query's words (at most MAX_WORDS), each as its variants; punctuation around a word
    and small words like "in" or "auf" are dropped (unless nothing else is left)."""
    words = [_EDGE_PUNCTUATION.sub("", word) for word in query.replace("\x00", "").split()]
    words = [word for word in words if word]
    meaningful = [word for word in words if fold(word) not in STOP_WORDS]
    return [variants(word) for word in (meaningful or words)[:MAX_WORDS]]


@functools.cache
def _kind_terms() -> tuple[tuple[str, tuple[str, ...]], ...]:
    from .models import Offer

    rows = []
    for value, label in Offer.Kind.choices:
        terms = {value}
        for language in ("de", "en"):
            with translation.override(language):
                terms.add(fold(str(label)))
        rows.append((value, tuple(sorted(terms))))
    return tuple(rows)


def kinds_matching(word: tuple[str, ...]) -> list[str]:
    """Kinds whose German or English name contains the word ("cafe" → both cafés)."""
    return [
        value
        for value, terms in _kind_terms()
        if any(form in term for form in word for term in terms)
    ]


@functools.cache
def _language_terms() -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = []
    for code, name in LANGUAGE_NAMES.items():
        terms = {fold(term) for term in EXTRA_LANGUAGE_TERMS.get(code, ())}
        for language in ("de", "en"):
            with translation.override(language):
                shown = str(name)
            main, _, aside = shown.partition("(")
            for part in (main.strip(), aside.rstrip(")").strip()):
                if part and " " not in part:
                    terms.add(fold(part))
        rows.append((code, tuple(sorted(terms))))
    return tuple(rows)


def _names_language(form: str, term: str) -> bool:
    if not form.startswith(term):
        return False
    rest = form[len(term) :]
    return rest in _ADJECTIVE_ENDINGS or any(
        rest[len(ending) :].startswith(speaking)
        for ending in _ADJECTIVE_ENDINGS
        for speaking in _SPEAKING
        if rest.startswith(ending)
    )


def languages_matching(word: tuple[str, ...]) -> list[str]:
    """Language codes the word names: "arabisch", "Arabische", "Arabic", "farsi" → ar / fa."""
    return [
        code
        for code, terms in _language_terms()
        if any(_names_language(form, term) for form in word for term in terms)
    ]


def fold_rows(rows) -> list[tuple[int, str]]:
    """(pk, text, more text, ...) rows as (pk, the folded texts joined)."""
    return [(row[0], " ".join(fold(text) for text in row[1:] if text)) for row in rows]


def names_matching(folded_rows: list[tuple[int, str]], word: tuple[str, ...]) -> list[int]:
    """Primary keys of the fold_rows() rows whose text contains the word."""
    return [pk for pk, text in folded_rows if any(form in text for form in word)]
