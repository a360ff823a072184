"""No document or email template reads a name the template engine defines itself.

The approval letter printed "<Block Node: content. Contents: [<TextNode: ..." in its Baustein
row: its context called the building block `block`, and inside `{% block %}` Django puts the
BlockNode itself under that name. These tests would have caught it three ways: the PDF and
email templates are scanned for such names, backend.documents refuses such a context key, and
notify() refuses it for an email."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import FilterExpression, Node, TokenType, Variable
from django.template.defaulttags import ForNode

from backend.documents import render_pdf
from backend.template_context import ReservedContextKeyError, check_context_keys
from notifications.services import notify
from tests.factories import UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SCANNED = sorted(
    path.relative_to(TEMPLATES).as_posix()
    for folder in ("pdf", "email")
    for path in (TEMPLATES / folder).rglob("*")
    if path.is_file() and path.suffix in {".html", ".txt"}
)


def _lookups(found: object, seen: set[int]):
    """Every variable path (tuple of lookups) inside a FilterExpression, an `if` condition or
    a list/dict of those."""
    if id(found) in seen:
        return
    seen.add(id(found))
    if isinstance(found, Variable):
        if found.lookups:
            yield found.lookups
    elif isinstance(found, FilterExpression):
        yield from _lookups(found.var, seen)
        for _func, args in found.filters:
            for _is_lookup, arg in args:
                yield from _lookups(arg, seen)
    elif isinstance(found, list | tuple):
        for item in found:
            yield from _lookups(item, seen)
    elif isinstance(found, dict):
        for item in found.values():
            yield from _lookups(item, seen)
    elif type(found).__module__.startswith("django.template.smartif") or type(found).__name__ in {
        "TemplateLiteral",
        "Operator",
    }:
        for value in vars(found).values():
            yield from _lookups(value, seen)


def _references(node: Node, in_loop: bool = False):
    """(lookups, inside a for loop) of every variable a node and its children read."""
    seen: set[int] = set()
    for name, value in vars(node).items():
        if name in {"token", "origin", "template"}:
            continue
        for lookups in _lookups(value, seen):
            yield lookups, in_loop
    for tokens in (getattr(node, "singular", None), getattr(node, "plural", None)):
        for token in tokens or ():
            # {% blocktranslate %} reads {{ name }} from its own `with` names or the context.
            if token.token_type == TokenType.VAR:
                yield (token.contents.strip(),), in_loop
    child_loop = in_loop or isinstance(node, ForNode)
    for attr in node.child_nodelists:
        for child in getattr(node, attr, None) or ():
            yield from _references(child, child_loop)


def problems_in(name: str) -> list[str]:
    template = engines["django"].get_template(name).template
    problems = []
    for node in template.nodelist:
        for lookups, in_loop in _references(node):
            if lookups[0] == "block" and tuple(lookups) != ("block", "super"):
                problems.append(f"{name}: '{'.'.join(lookups)}' is Django's BlockNode there")
            if lookups[0] == "forloop" and not in_loop:
                problems.append(f"{name}: '{'.'.join(lookups)}' outside a for loop")
    return problems


def test_the_scan_covers_every_document_and_email_template():
    assert "pdf/funding_letter.html" in SCANNED
    assert "pdf/ehrenamtsnachweis.html" in SCANNED
    assert "email/funding/application_approved/body.html" in SCANNED
    assert len([name for name in SCANNED if name.startswith("email/")]) > 90


@pytest.mark.parametrize("name", SCANNED)
def test_no_template_reads_a_name_the_engine_defines_itself(name):
    assert problems_in(name) == []


def test_the_scan_finds_the_letter_bug_and_a_stray_forloop(settings, tmp_path):
    """The scanner itself: the old letter's `{{ block }}`, a `block.code` and a `forloop`
    outside a loop are found; `block.super` and a loop's own forloop are not."""
    folder = tmp_path / "scan"
    folder.mkdir()
    (folder / "base.html").write_text("{% block content %}{% endblock %}")
    (folder / "bad.html").write_text(
        '{% extends "scan/base.html" %}{% block content %}'
        "<td>{{ block }}</td>{% if block.code %}x{% endif %}{{ forloop.counter }}"
        "{% endblock %}"
    )
    (folder / "good.html").write_text(
        '{% extends "scan/base.html" %}{% load i18n %}{% block content %}{{ block.super }}'
        "{% for x in xs %}{{ forloop.counter }}{% endfor %}"
        "{% blocktranslate %}Baustein {{ building_block }}{% endblocktranslate %}{% endblock %}"
    )
    (folder / "bad_translated.html").write_text(
        "{% load i18n %}{% blocktranslate %}Baustein {{ block }}{% endblocktranslate %}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    bad = problems_in("scan/bad.html")
    assert len(bad) == 3
    assert any("'block' is Django's BlockNode" in p for p in bad)
    assert any("'block.code'" in p for p in bad)
    assert any("'forloop.counter' outside a for loop" in p for p in bad)
    assert problems_in("scan/good.html") == []
    assert problems_in("scan/bad_translated.html") != []


@pytest.mark.parametrize("key", ["block", "forloop", "None", "ki_name", "LANGUAGE_CODE"])
def test_a_pdf_context_with_such_a_name_is_refused(key):
    with pytest.raises(ReservedContextKeyError, match=repr(key)):
        render_pdf("pdf/funding_letter.html", {key: "A: Ankommenstreffpunkte"})


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["block", "forloop", "recipient_name", "unsubscribe_url"])
def test_an_email_context_with_such_a_name_is_refused(key):
    user = UserFactory()
    with pytest.raises(ReservedContextKeyError):
        notify(
            kind="system.test",
            recipient=user,
            dedupe_key=f"reserved:{key}",
            context={key: "x"},
        )


def test_the_message_names_the_way_out():
    with pytest.raises(ReservedContextKeyError, match="building_block"):
        check_context_keys({"block": "A"})
    check_context_keys({"building_block": "A", "blocks": [], "loop": 1})  # no error
