"""English is complete: every message of ours has a translation, none is fuzzy."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _entries(po: Path):
    msgid, msgstr, fuzzy, current = [], [], False, None
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, msgstr, current = [line[6:]], [], "id"
        elif line.startswith(("msgstr ", "msgstr[")):
            msgstr.append(line.split(" ", 1)[1])
            current = "str"
        elif line.startswith('"'):
            (msgid if current == "id" else msgstr).append(line)
        elif not line.strip() and msgid:
            yield "".join(s.strip('"') for s in msgid), [s.strip('"') for s in msgstr], fuzzy
            msgid, msgstr, fuzzy, current = [], [], False, None


def test_english_catalogue_is_complete_and_not_fuzzy():
    entries = [e for e in _entries(ROOT / "locale/en/LC_MESSAGES/django.po") if e[0]]
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, _ in entries if not any(msgstr)]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert untranslated == []
    assert fuzzy == []
