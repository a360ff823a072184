"""The bytes of an outgoing email, written directly, and sending them over an open connection.

Django turns an EmailMultiAlternatives into bytes with the standard library's email package
(compat32): every header of every part goes through email.header.Header, every part through
the generator. For a reminder with text, HTML and an .ics that is about 2.3 ms, more than the
SMTP exchange with the server, and the outbox sends thousands in a row.

message_bytes() writes the same MIME structure itself (the one Django builds: the text body,
its alternatives in multipart/alternative, attachments in multipart/mixed). Non-ASCII headers
become RFC 2047 encoded words (UTF-8, base64) written here; the other encodings that need
care are left to the standard library and Django: folding of long ASCII headers
(email.header), addresses other than a bare one (sanitize_address: encoded display names,
IDNA domains), RFC 2231 file names, quoted-printable and base64. Bodies are 7bit/8bit with
CRLF line ends, or quoted-printable when a line is longer than RFC 5322 allows, as in Django.
A message of any other shape (cc/reply-to, MIME objects as attachments, another charset)
takes Django's way.
tests/notifications/test_mime.py checks, for every kind of email, that both ways read the same.
"""

from __future__ import annotations

import base64
import random
import re
from email import quoprimime
from email.header import Header
from email.utils import encode_rfc2231, formatdate, getaddresses, quote
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import (
    DNS_NAME,
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    BadHeaderError,
    make_msgid,
    sanitize_address,
)

CRLF = b"\r\n"
_LINE_END = re.compile(rb"\r\n|\r|\n")
_ADDRESS_HEADERS = {"from", "to", "cc", "reply-to"}
_SET_HERE = {"content-type", "mime-version", "content-transfer-encoding"}


class _Unsupported(Exception):
    """The message has a shape this module does not write; Django's way is used instead."""


def send(message: EmailMessage, connection) -> None:
    """Send one message over an open backend connection (fail_silently=False). With Django's
    SMTP backend the bytes come from message_bytes(); any other backend (the test outbox, the
    development mailbox) gets the message object."""
    if not isinstance(connection, SmtpBackend):
        connection.send_messages([message])
        return
    if connection.connection is None:
        connection.open()
    encoding = message.encoding or settings.DEFAULT_CHARSET
    connection.connection.sendmail(
        _address(message.from_email, encoding),
        [_address(address, encoding) for address in message.recipients()],
        message_bytes(message),
    )


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent over SMTP (CRLF line ends)."""
    try:
        return _write(message)
    except _Unsupported:
        return message.message().as_bytes(linesep="\r\n")


# A bare address: dot-atom local part, ASCII domain. sanitize_address returns it unchanged,
# and the outbox sends to thousands of different ones.
_BARE_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


def _address(address: str | tuple[str, str], encoding: str) -> str:
    if isinstance(address, str) and _BARE_ADDRESS.fullmatch(address):
        return address
    return _sanitized(address, encoding)


@lru_cache(maxsize=256)
def _sanitized(address: str | tuple[str, str], encoding: str) -> str:
    return sanitize_address(address, encoding)


# --- Writing --------------------------------------------------------------------------------


def _write(message: EmailMessage) -> bytes:
    encoding = message.encoding or settings.DEFAULT_CHARSET
    if (
        encoding.lower() != "utf-8"
        or message.cc
        or message.reply_to
        or message.content_subtype != "plain"
        or message.mixed_subtype != "mixed"
    ):
        raise _Unsupported
    alternatives = getattr(message, "alternatives", [])
    if alternatives and (
        not isinstance(message, EmailMultiAlternatives)
        or message.alternative_subtype != "alternative"
    ):
        raise _Unsupported

    root = _text(message.body, "plain")
    if alternatives:
        parts = [root] if message.body else []
        parts += [_attachment(None, content, mimetype) for content, mimetype in alternatives]
        root = _multipart("alternative", parts)
    if message.attachments:
        parts = [root] if message.body or alternatives else []
        for attachment in message.attachments:
            if not isinstance(attachment, tuple):  # a MIMEBase object
                raise _Unsupported
            parts.append(_attachment(*attachment))
        root = _multipart("mixed", parts)

    head, body = root
    headers = [head, _header("Subject", message.subject)]
    headers.append(_header("From", message.extra_headers.get("From", message.from_email)))
    to = message.extra_headers.get("To", ", ".join(str(a) for a in message.to))
    if to:
        headers.append(_header("To", to))
    given = {name.lower() for name in message.extra_headers}
    if "date" not in given:
        headers.append(_header("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
    if "message-id" not in given:
        headers.append(_header("Message-ID", make_msgid(domain=DNS_NAME)))
    for name, value in message.extra_headers.items():
        lowered = name.lower()
        if lowered in _SET_HERE:
            raise _Unsupported
        if lowered not in _ADDRESS_HEADERS:
            headers.append(_header(name, value))
    return b"".join(headers) + CRLF + body


def _header(name: str, value) -> bytes:
    """One header line (folded where long), refusing line breaks in the value as Django does
    (header injection)."""
    value = str(value)  # may be lazy
    if "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r} for {name!r})")
    if name.lower() in _ADDRESS_HEADERS:
        if not value.isascii():  # encoded display names, IDNA domains (as Django does)
            value = ", ".join(_address(pair, "utf-8") for pair in getaddresses((value,)))
    elif not value.isascii():
        value = _encoded_words(name, value)
    elif len(name) + len(value) > 76:
        # Folded at spaces; a value without any (a link) stays one line, as Header leaves it.
        folded = (
            Header(value, "us-ascii", header_name=name).encode(linesep="\r\n")
            if " " in value or "\t" in value
            else value
        )
        # A long word cannot be folded; encoded words can be split anywhere.
        value = (
            folded if max(map(len, folded.split("\r\n"))) <= 990 else _encoded_words(name, value)
        )
    return f"{name}: {value}\r\n".encode("ascii")


# Bytes of UTF-8 in one base64 encoded word that fill a 78-character line: "=?utf-8?b?" and
# "?=" take 12 characters, the folding space one; 3 bytes per 4 characters.
_WORD_BYTES = (78 - 1 - 12) // 4 * 3


def _encoded_words(name: str, value: str) -> str:
    """RFC 2047 encoded words (UTF-8, base64), folded so that no line exceeds 78 characters;
    a word never splits a character. What email.header.Header writes with a base64 charset."""
    data = value.encode("utf-8", errors="surrogateescape")
    words, start = [], 0
    room = max((78 - len(name) - 2 - 12) // 4 * 3, 4)  # the first line holds the name too
    while len(data) - start > room:
        cut = start + room
        while cut > start and data[cut] & 0xC0 == 0x80:  # inside a character: cut before it
            cut -= 1
        cut = cut if cut > start else start + room  # not UTF-8 (escaped bytes): anywhere
        words.append(data[start:cut])
        start, room = cut, _WORD_BYTES
    words.append(data[start:])
    return "\r\n ".join(
        "=?utf-8?b?" + base64.b64encode(word).decode("ascii") + "?=" for word in words
    )


def _text(content: str, subtype: str, *, disposition: bytes = b"") -> tuple[bytes, bytes]:
    """A text part in UTF-8: 7bit or 8bit, or quoted-printable when a line is too long."""
    data = content.encode("utf-8", errors="surrogateescape")
    data = _LINE_END.sub(CRLF, data) if b"\r" in data else data.replace(b"\n", CRLF)
    if max(map(len, data.split(CRLF))) > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
        # Django's rule (#22561); QP also shortens the lines.
        encoding = "quoted-printable"
        data = quoprimime.body_encode(data.decode("latin-1"), eol="\r\n").encode("ascii")
    else:
        encoding = "7bit" if data.isascii() else "8bit"
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n"
    ).encode("ascii")
    return head + disposition, data


def _attachment(filename: str | None, content, mimetype: str | None) -> tuple[bytes, bytes]:
    mimetype = mimetype or "application/octet-stream"
    basetype, _slash, subtype = mimetype.partition("/")
    disposition = _disposition(filename) if filename else b""
    if basetype == "text" and isinstance(content, str):
        return _text(content, subtype, disposition=disposition)
    if basetype == "message" or not isinstance(content, bytes | str):
        raise _Unsupported
    if isinstance(content, str):
        content = content.encode("utf-8")
    data = base64.encodebytes(content).replace(b"\n", CRLF)
    head = (
        f"Content-Type: {mimetype}\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n"
    ).encode("ascii")
    return head + disposition, data


def _disposition(filename: str) -> bytes:
    if "\n" in filename or "\r" in filename:
        raise BadHeaderError(f"File names can't contain newlines (got {filename!r})")
    if filename.isascii():
        parameter = f'filename="{quote(filename)}"'
    else:
        parameter = f"filename*={encode_rfc2231(filename, 'utf-8')}"
    return f"Content-Disposition: attachment; {parameter}\r\n".encode("ascii")


def _multipart(subtype: str, parts: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    boundary = _boundary(parts)
    delimiter = b"--" + boundary
    body = b"".join(delimiter + CRLF + head + CRLF + data + CRLF for head, data in parts)
    body += delimiter + b"--" + CRLF
    head = b'Content-Type: multipart/%s; boundary="%s"\r\nMIME-Version: 1.0\r\n' % (
        subtype.encode("ascii"),
        boundary,
    )
    return head, body


def _boundary(parts: list[tuple[bytes, bytes]]) -> bytes:
    # Unpredictability is not needed (the standard library's generator uses random too), and
    # the system's random source cost more than the rest of the multipart writing.
    while True:
        boundary = b"===============%032x==" % random.getrandbits(128)  # noqa: S311
        if not any(boundary in data for _head, data in parts):
            return boundary
