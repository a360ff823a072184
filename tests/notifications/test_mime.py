"""The outbox writes an email's bytes itself (notifications/mime.py) instead of through the
standard library's generator. A mail program must not see the difference: for every kind of
email and for the shapes that need care (encoded headers, long lines, attachments, odd file
names), Django's bytes and ours read back as the same message, and both are free of defects."""

from __future__ import annotations

import base64
import datetime as dt
import email
import re
from email import policy

import pytest
from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address

from notifications import catalogue, mime
from notifications.models import Notification
from notifications.rendering import render_notification
from tests.factories import UserFactory
from tests.trainings_calendar.factories import TrainingFactory, berlin
from volunteers.services.training_reminders import _context as training_reminder_context

from .processes import Inbox, smtp_server

FIXED = {
    "Message-ID": "<n1.0123456789abcdef@komman.example>",
    "Date": "Sat, 28 Nov 2026 10:00:00 +0100",
}
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 12 + b"\n%%EOF\n"
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//KI Kreis Warendorf//DE\r\n"
    "BEGIN:VEVENT\r\nSUMMARY:Schulung „Interkulturelle Kompetenz“\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def sample_context(kind: catalogue.Kind) -> dict:
    """A context the kind's templates can be rendered with (every link an absolute URL)."""
    url = settings.SITE_URL + "/ziel/"
    context = {key: url for key in ("url", "application_url", "request_url", "accept_url")}
    context.update({"days": 7, "link_days": 7, "position": 2, "hours": "2", "title": "Café „Ü“"})
    context.update({kind.link: url} if kind.link else {})
    if kind.code == "volunteers.training_reminder":  # its .ics comes from a real training
        start = berlin(2027, 3, 28, 10)
        sessions = [(start, start + dt.timedelta(hours=3))]
        training = TrainingFactory(sessions=sessions, title="Sprachmittlung „Grundkurs“")
        context = training_reminder_context(training, sessions)
    return context


def read(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=policy.default)


def seen(data: bytes) -> tuple:
    """What a mail program shows: the headers (decoded) and each part's type, charset, file
    name, disposition and decoded content. Any parsing defect is a failure."""
    message = read(data)
    headers = sorted(
        # Whitespace where a long header was folded does not show; the Date may be a
        # second apart between the two builds.
        (name.lower(), "(a date)" if name.lower() == "date" else " ".join(str(value).split()))
        for name, value in message.items()
        if name.lower() not in {"content-type", "content-transfer-encoding"}
    )
    parts = []
    for part in message.walk():
        assert part.defects == [], part.defects
        if part.is_multipart():
            parts.append(part.get_content_type())
        else:
            parts.append(
                (
                    part.get_content_type(),
                    part.get_content_charset(),
                    part.get_filename(),
                    part.get_content_disposition(),
                    part.get_content(),
                )
            )
    return headers, parts


def assert_same(message: EmailMessage) -> bytes:
    ours = mime.message_bytes(message)
    django = message.message().as_bytes(linesep="\r\n")
    assert seen(ours) == seen(django)
    assert b"\n" not in ours.replace(b"\r\n", b"")  # CRLF only, as SMTP wants
    assert max(len(line) for line in ours.split(b"\r\n")) <= 998
    return ours


def email_with(
    *,
    subject="Erinnerung: Schulung am 30.11.2026",
    body="Guten Tag,\n\nbis bald.\n",
    html="<p>Guten Tag,</p><p>bis bald.</p>",
    attachments=(),
    from_email=None,
    to=("freiwillig@example.org",),
    headers=None,
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers={**FIXED, **(headers or {})},
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "kind",
    [k for k in catalogue.KINDS if not k.code.startswith("account.")],
    ids=lambda kind: kind.code,
)
def test_every_kind_of_email_reads_the_same_either_way(kind, language):
    user = UserFactory(language=language, full_name="Олена Müller-Lüdenscheidt")
    notification = Notification.objects.create(
        recipient=user,
        to_email=user.email,
        kind=kind.code,
        language=language,
        dedupe_key=f"mime:{kind.code}:{language}",
        context=sample_context(kind),
    )
    message = render_notification(notification)
    data = assert_same(message)
    assert read(data)["Message-ID"] == message.extra_headers["Message-ID"]
    if kind.code == "volunteers.training_reminder":
        assert [a.get_content_type() for a in read(data).iter_attachments()] == ["text/calendar"]


def test_a_calendar_file_and_a_pdf_are_attached_the_same_way():
    message = email_with(
        attachments=[
            ("schulung.ics", ICS, "text/calendar"),
            ("bescheid.pdf", PDF, "application/pdf"),
        ]
    )
    data = assert_same(message)
    parts = list(read(data).walk())
    assert [part.get_content_type() for part in parts] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/pdf",
    ]
    assert parts[-1].get_content() == PDF


@pytest.mark.parametrize(
    "filename",
    ["Bewilligung Müller.pdf", 'Antrag "2026".pdf', "a\\b.pdf", "Ünterlagen – Teil 2 (final).pdf"],
)
def test_file_names_with_umlauts_quotes_and_backslashes(filename):
    data = assert_same(email_with(attachments=[(filename, PDF, "application/pdf")]))
    assert list(read(data).iter_attachments())[0].get_filename() == filename


@pytest.mark.parametrize(
    "subject",
    [
        "Erinnerung: „Interkulturelle Kompetenz im Ehrenamt“ am 30.11.2026 in Ahlen, Beckum "
        "und Ennigerloh",
        "Kurz",
        "Reminder " + "x" * 1200,
        "Einladung: " + " ".join(["Sprachcafé"] * 60),
        "مرحبا بكم في منصة التطوع",
        "Привіт 👋🏽 " * 30,
    ],
    ids=["umlauts-long", "short", "ascii-over-998", "many-words", "arabic", "emoji-long"],
)
def test_subjects_in_any_script_and_length(subject):
    data = assert_same(email_with(subject=subject))
    assert read(data)["Subject"] == subject


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Subject", "Привіт 👋🏽 " * 30),
        ("Subject", "ä"),
        ("X-A-Rather-Long-Header-Name-Of-Forty-Chars", "Grüße aus Warendorf " * 8),
    ],
)
def test_non_ascii_headers_fold_at_78_and_never_split_a_character(name, value):
    line = mime._header(name, value).decode("ascii")
    assert line.endswith("\r\n")
    physical = line[:-2].split("\r\n")
    assert all(len(part) <= 78 for part in physical), [len(part) for part in physical]
    for word in re.findall(r"=\?utf-8\?b\?([A-Za-z0-9+/=]*)\?=", line):
        base64.b64decode(word).decode("utf-8")  # strict: a split character fails here
    parsed = read(line.encode("ascii") + b"\r\n")
    assert parsed[name] == value


@pytest.mark.parametrize(
    "address",
    [
        "outbox17@example.org",
        "Gross.Klein+tag@Example.ORG",
        "o'hara@ki-warendorf.example",
        "zwei..punkte@example.org",
        '"mit leer"@example.org',
        "post@müller-beckum.example",
        "Jürgen Ähm <juergen@example.org>",
        "KI <noreply@example.org>",
        ("Zoë Beispiel", "zoe@example.org"),
    ],
)
def test_envelope_addresses_are_what_django_would_use(address):
    assert mime._address(address, "utf-8") == sanitize_address(address, "utf-8")


@pytest.mark.parametrize(
    "body",
    [
        "Nur ASCII.\n",
        "Zeile mit Umlauten: äöü ß\r\nund Windows-Zeilenenden\rund alten Mac-Enden\n",
        "Eine sehr lange Zeile: " + "Ehrenamt " * 150 + "\nund danach kurz.\n",
        ".Punkt am Zeilenanfang\n..zwei\n",
        "ohne Zeilenende am Schluss",
        "",
    ],
    ids=[
        "ascii",
        "mixed-line-ends",
        "longer-than-998",
        "leading-dots",
        "no-final-newline",
        "empty",
    ],
)
def test_bodies_plain_with_umlauts_long_lines_and_odd_line_ends(body):
    assert_same(email_with(body=body, html=None))
    assert_same(email_with(body=body, html="<p>" + body + "</p>"))


def test_no_body_only_attachments():
    assert_same(email_with(body="", html=None, attachments=[("a.pdf", PDF, "application/pdf")]))


@pytest.mark.parametrize(
    ("from_email", "to"),
    [
        (
            "Kommunales Integrationszentrum Kreis Warendorf – Büro <noreply@example.org>",
            ["a@example.org"],
        ),
        ("KI Kreis Warendorf <noreply@example.org>", ["Jürgen Ähm <juergen@example.org>"]),
        ("noreply@example.org", ["post@müller-beckum.example"]),
        ("KI <noreply@example.org>", ["a@example.org", "b@example.org"]),
    ],
)
def test_addresses_with_encoded_names_and_international_domains(from_email, to):
    data = assert_same(email_with(from_email=from_email, to=to))
    if "müller" in to[0]:
        assert "xn--mller-beckum" in read(data)["To"]


def test_the_message_id_and_date_are_made_when_not_given():
    message = EmailMessage(subject="Test", body="Hallo", to=["a@example.org"])
    parsed = read(mime.message_bytes(message))
    assert parsed["Message-ID"].startswith("<") and parsed["Date"]


@pytest.mark.parametrize(
    "change",
    [
        {"subject": "Betreff\nBcc: alle@example.org"},
        {"headers": {"X-Note": "a\r\nBcc: alle@example.org"}},
        {"to": ["a@example.org\nBcc: alle@example.org"]},
    ],
    ids=["subject", "extra-header", "address"],
)
def test_line_breaks_in_headers_are_refused_either_way(change):
    """Header injection: Django refuses it, and so does the outbox's writer."""
    message = email_with(**change)
    with pytest.raises((BadHeaderError, ValueError)):
        message.message().as_bytes()
    with pytest.raises((BadHeaderError, ValueError)):
        mime.message_bytes(message)


def test_shapes_it_does_not_write_take_djangos_way():
    message = email_with(headers={"Reply-To": "ki@example.org"})
    message.cc = ["kopie@example.org"]
    assert seen(mime.message_bytes(message)) == seen(message.message().as_bytes(linesep="\r\n"))


def test_send_over_smtp_puts_the_same_message_and_envelope_on_the_wire():
    """send() over Django's SMTP backend to a real server on loopback."""
    inbox = Inbox()
    message = email_with(
        from_email="KI Kreis Warendorf <noreply@example.org>",
        to=["Jürgen Ähm <juergen@example.org>"],
        attachments=[("schulung.ics", ICS, "text/calendar")],
    )
    with smtp_server(inbox) as port:
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            host="127.0.0.1",
            port=port,
            use_tls=False,
            use_ssl=False,
            username="",
            password="",
            fail_silently=False,
        )
        with connection:
            mime.send(message, connection)
            mime.send(message, connection)  # the same connection carries the next one
        [first, second] = inbox.wait_for(2)
    assert first.to == "juergen@example.org"
    assert first.connection == second.connection
    expected = read(message.message().as_bytes(linesep="\r\n"))
    assert first.message["Subject"] == expected["Subject"]
    assert [p.get_content() for p in first.message.walk() if not p.is_multipart()] == [
        p.get_content() for p in expected.walk() if not p.is_multipart()
    ]
