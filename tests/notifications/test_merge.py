"""A delivery batch renders an email's templates once per content and fills in each person's
values (notifications/rendering.py, Merge). Nobody may notice: for every kind of email, each
recipient gets exactly the texts a rendering of their own would give, and a template that
does more with a personal value than print it is rendered for every row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing

from notifications import catalogue, rendering
from notifications.models import Notification
from notifications.rendering import PERSONAL, Merge, render_notification
from tests.factories import UserFactory

from .test_mime import sample_context

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"
NAMES = ["Amira Haddad", "O'Brien <Chef> & Söhne", "Олена  Müller", "‏محمد الأحمد", None]


def texts(message) -> tuple:
    [(html, _mimetype)] = message.alternatives
    # A calendar file carries a fresh UID per build; it is not rendered from templates.
    files = [(name, mimetype) for name, _content, mimetype in message.attachments]
    return message.subject, message.body, html, message.extra_headers, files


@pytest.fixture(autouse=True)
def one_second(monkeypatch):
    """Unsubscribe tokens carry the second they were made; the comparisons here render the
    same email twice and must not straddle a second."""
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda _self: "1xXWxA")


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The dedupe keys of the rows whose templates were really rendered, in order."""
    seen: list[str] = []
    real = rendering._render_texts

    def counting(notification, context):
        seen.append(notification.dedupe_key)
        return real(notification, context)

    monkeypatch.setattr(rendering, "_render_texts", counting)
    return seen


def rows_for(kind: catalogue.Kind, language: str) -> list[Notification]:
    """One email to four people with an account (names that need escaping, spacing, another
    script) and to one address without an account (no name, no unsubscribe link)."""
    context = sample_context(kind)
    rows = []
    for number, name in enumerate(NAMES):
        user = UserFactory(language=language, full_name=name) if name is not None else None
        rows.append(
            Notification.objects.create(
                recipient=user,
                to_email=user.email if user else f"ohne-konto{number}@example.org",
                kind=kind.code,
                language=language,
                dedupe_key=f"merge:{kind.code}:{language}:{number}",
                context=context,
            )
        )
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "kind",
    [k for k in catalogue.KINDS if not k.code.startswith("account.")],
    ids=lambda kind: kind.code,
)
def test_every_kind_reads_for_each_person_as_if_rendered_for_them_alone(kind, language, renders):
    rows = rows_for(kind, language)
    merge = Merge()
    merged = [texts(render_notification(row, merge)) for row in rows]
    renders.clear()
    alone = [texts(render_notification(row)) for row in rows]
    assert merged == alone


@pytest.mark.django_db
def test_rows_of_the_same_content_are_rendered_once_per_shape(renders):
    """Four people with a name and one without: two contents (the greeting differs), each
    rendered twice (for real, and with marks to fill in); the other three rows are filled."""
    kind = catalogue.get("volunteers.training_reminder")
    rows = rows_for(kind, "de")
    merge = Merge()
    messages = [render_notification(row, merge) for row in rows]
    first_named, first_unnamed = rows[0].dedupe_key, rows[4].dedupe_key
    assert renders == [first_named, first_named, first_unnamed, first_unnamed]
    assert messages[1].body.startswith("Guten Tag O'Brien <Chef> & Söhne,")
    assert "Guten Tag O&#x27;Brien &lt;Chef&gt; &amp; Söhne," in messages[1].alternatives[0][0]
    assert messages[2].body.startswith("Guten Tag Олена Müller,")
    assert messages[4].body.startswith("Guten Tag,")
    links = [message.extra_headers.get("List-Unsubscribe") for message in messages]
    assert len(set(links[:4])) == 4 and links[4] is None  # each their own, none without account
    for message, link in zip(messages[:4], links[:4], strict=True):
        assert link.strip("<>") in message.body


@pytest.mark.django_db
def test_a_template_that_changes_a_personal_value_is_rendered_for_every_row(monkeypatch):
    """Here the subject is upper-cased after rendering, as a filter on the name would: the
    marks do not survive, so the merge is refused and every row is rendered on its own."""
    real = rendering._render_texts
    calls = []

    def shouting(notification, context):
        calls.append(notification.pk)
        subject, text_body, html_body = real(notification, context)
        return subject + " " + context["recipient_name"].upper(), text_body, html_body

    monkeypatch.setattr(rendering, "_render_texts", shouting)
    kind = catalogue.get("system.test")
    rows = rows_for(kind, "de")[:3]
    merge = Merge()
    merged = [render_notification(row, merge).subject for row in rows]
    assert merged[1].endswith("O'BRIEN <CHEF> & SÖHNE")
    assert len(calls) == 2 + 2  # the first row twice (real and marked), then each for real
    assert merged == [render_notification(row).subject for row in rows]


def _tags(source: str) -> list[str]:
    return re.findall(r"{{.*?}}|{%.*?%}", source, flags=re.DOTALL)


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.*")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_email_templates_only_print_or_test_personal_values(path):
    source = path.read_text()
    allowed = {f"{{{{ {name} }}}}" for name in PERSONAL} | {f"{{% if {n} %}}" for n in PERSONAL}
    for tag in _tags(source):
        code = re.sub(r"\"[^\"]*\"|'[^']*'", "", tag)  # not in template names and texts
        for name in PERSONAL:
            if re.search(rf"\b{name}\b", code):
                assert tag in allowed, f"{tag} in {path}: print it or test it, nothing else"
    if path.suffix == ".txt":
        # Plain text is not HTML: nothing in it may be escaped.
        assert "{% autoescape off %}" in source, path
