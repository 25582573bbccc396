"""The bytes of a composed email, written directly rather than through ``email.message``.

Python's email package (which Django's ``EmailMessage.message()`` uses) folds and re-encodes
every header and compiles a regular expression per multipart boundary: it cost more than
rendering and sending together. The messages the outbox sends have one fixed shape, so it is
written here as text.

Invariant: ``as_bytes`` gives the same MIME structure, headers and decoded content as
``services.build_email(...).message()`` (a test compares the two): multipart/mixed holding a
multipart/alternative (text/plain, then text/html and the text/calendar part with its
``method=`` if there are any) and, for a calendar, the same calendar (with its ``method=``)
as an ``.ics`` attachment. Bodies are 8bit UTF-8 with CRLF line ends, or quoted-printable
when a line is too long for SMTP (as Django does). Messages with other attachments are not
handled here (``supports`` says so) and go through Django's builder.
"""

import functools
import re
import secrets
from email import charset as email_charset
from email.header import Header
from email.utils import formatdate

from django.conf import settings
from django.core.mail.message import sanitize_address

LINE_LIMIT = 998  # RFC 5322: octets per line, without CRLF
_qp = email_charset.Charset("utf-8")
_qp.body_encoding = email_charset.QP


def supports(composition):
    return not composition.attachments


# A bare ASCII address of dot-atoms (RFC 5322 3.4.1): what sanitize_address gives back as is.
_PLAIN = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)


@functools.lru_cache(maxsize=4096)
def address(address):
    """The address as it goes in a header and the envelope. Most are bare ASCII addresses,
    unique per message, which Django's parser would return unchanged at some cost."""
    if _PLAIN.fullmatch(address):
        return address
    return sanitize_address(address, "utf-8")


@functools.lru_cache(maxsize=512)
def _header(value):
    """A header value: as is when it is short ASCII, else RFC 2047 encoded words. Cached: a
    batch mostly repeats one subject (a run's, in one or two languages)."""
    value = " ".join(value.split())  # no line breaks may reach a header
    if value.isascii() and len(value) < 900:
        return value
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def _body(text, content_type, extra=""):
    """(headers, body) of a text part: 8bit, or quoted-printable for lines over the limit."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    encoded = text.encode("utf-8")
    if len(encoded) > LINE_LIMIT and max(map(len, encoded.split(b"\n"))) > LINE_LIMIT:
        body = _qp.body_encode(text).replace("\r\n", "\n").replace("\n", "\r\n")
        encoding = "quoted-printable"
    else:
        body = text.replace("\n", "\r\n")
        encoding = "8bit"
    head = (
        f'Content-Type: {content_type}; charset="utf-8"{extra}\r\n'
        "MIME-Version: 1.0\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n"
    )
    return head, body


def _part(text, content_type, extra="", disposition=""):
    head, body = _body(text, content_type, extra)
    return f"{head}{disposition}\r\n{body}"


def _multipart(subtype, parts, head=""):
    boundary = "===============" + secrets.token_hex(12) + "=="
    inner = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts)
    return (
        f'{head}Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n'
        f"MIME-Version: 1.0\r\n\r\n{inner}--{boundary}--\r\n"
    )


def as_bytes(message, composition):
    """The email for ``message`` (an ``OutgoingMessage``) as composed, ready for SMTP."""
    headers = [
        f"Subject: {_header(composition.subject)}",
        f"From: {address(settings.DEFAULT_FROM_EMAIL)}",
        f"To: {address(message.to)}",
    ]
    if composition.reply_to:
        headers.append("Reply-To: " + ", ".join(address(a) for a in composition.reply_to))
    headers += [
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        f"Message-ID: {message.message_id}",
        f"Content-Language: {message.language}",
        "Auto-Submitted: auto-generated",
    ]
    head = "\r\n".join(headers) + "\r\n"
    alternatives = [_part(composition.text, "text/plain")]
    if composition.html:
        alternatives.append(_part(composition.html, "text/html"))
    if not composition.calendar:
        if len(alternatives) == 1:
            text = _part(composition.text, "text/plain")
            content_head, body = text.split("\r\n\r\n", 1)
            return f"{content_head}\r\n{head}\r\n{body}".encode()
        return _multipart("alternative", alternatives, head).encode()
    method = f'; method="{composition.calendar_method}"' if composition.calendar_method else ""
    alternatives.append(_part(composition.calendar, "text/calendar", method))
    filename = "invite.ics" if composition.calendar_method == "REQUEST" else "cancel.ics"
    attachment = _part(
        composition.calendar,
        "text/calendar",
        method,
        disposition=f'Content-Disposition: attachment; filename="{filename}"\r\n',
    )
    return _multipart("mixed", [_multipart("alternative", alternatives), attachment], head).encode()
