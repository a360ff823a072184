"""Names a document or email template must never receive as context values.

Django's template engine puts some names into the context itself while it renders: `block`
(the current BlockNode, inside every `{% block %}` of a template that extends another; only
`block.super` is meant to be read) and `forloop` (inside every `{% for %}`). A context value of
that name is shadowed exactly where a template is most likely to print it: an approval letter
printed "<Block Node: content. Contents: [<TextNode: ...". The names `True`, `False` and `None`
are read as literals, so a value under such a key can never be printed at all.

backend.documents (every PDF) and notifications.services.notify (every email) refuse these
keys; tests/documents/test_template_names.py scans the PDF and email templates for the same
names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Set by the engine while rendering (django.template.loader_tags.BlockNode, defaulttags.ForNode).
ENGINE_NAMES = frozenset({"block", "forloop"})
# Parsed as literals by the engine: a value under these keys is never read.
LITERAL_NAMES = frozenset({"True", "False", "None"})
RESERVED = ENGINE_NAMES | LITERAL_NAMES


class ReservedContextKeyError(TypeError):
    """A context key that the template engine defines itself (see the module docstring)."""


def check_context_keys(
    context: Mapping[str, object], *, also: Iterable[str] = (), what: str = "template"
) -> None:
    """Raise ReservedContextKeyError when a top-level key of `context` is one of the names the
    engine defines itself (or one of `also`, names the caller's own base template sets)."""
    reserved = RESERVED | frozenset(also)
    clashes = sorted(key for key in context if key in reserved)
    if clashes:
        raise ReservedContextKeyError(
            f"The {what} context uses {', '.join(repr(k) for k in clashes)}: the template engine "
            "(or the base template) defines that name itself, so the value would never be "
            "printed. Give it a name of its own (e.g. 'building_block' instead of 'block')."
        )
