"""The outbox writes SMTP bytes itself (``outbox.mime``); a mail client must see the same
message as Django's builder would give: headers, structure, parameters and decoded content."""

import email
from email import policy

import pytest
from django.core.mail.message import sanitize_address

from outbox import mime
from outbox.composers import Composition
from outbox.models import OutgoingMessage
from outbox.services import build_email

CALENDAR = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Tromsø\r\nEND:VCALENDAR\r\n"
COMPOSITIONS = {
    "invitation": Composition(
        subject="Påmelding: Grunnkurs i IPS; Tromsø, Ålesund og Bodø – vår/høst " * 2,
        text="Hei Åse\n\n" + "ø" * 1200 + "\nHilsen\n",  # a line too long for 8bit
        html="<p>Hei Åse</p>\n",
        calendar=CALENDAR,
        calendar_method="REQUEST",
        reply_to=["Kari Ødegård <kari@example.no>"],
    ),
    "cancel": Composition(
        subject="Avlyst", text="Avlyst\n", calendar=CALENDAR, calendar_method="CANCEL"
    ),
    "text only": Composition(subject="Hei", text="Tekst\r\nlinje 2\n"),
    "text and html": Composition(subject="Hei", text="T", html="<b>ø</b>"),
}


def _seen(raw):
    message = email.message_from_bytes(raw, policy=policy.default)
    headers = {
        k: " ".join(str(message[k] or "").split())
        for k in ("Subject", "From", "To", "Reply-To", "Message-ID", "Content-Language")
    }
    headers["Date"] = bool(message["Date"])
    parts = [
        (
            part.get_content_type(),
            {k: v for k, v in (part.get_params() or []) if k != "boundary"},
            part.get_content_disposition(),
            part.get_filename(),
            None if part.is_multipart() else part.get_content(),
        )
        for part in message.walk()
    ]
    return headers, parts


@pytest.mark.parametrize("name", COMPOSITIONS)
def test_same_message_as_djangos_builder(name):
    composition = COMPOSITIONS[name]
    message = OutgoingMessage(to="åse@example.no", language="nb", message_id="<1.2@ipskurs.no>")
    ours = mime.as_bytes(message, composition)
    django = build_email(message, composition).message().as_bytes(linesep="\r\n")
    assert _seen(ours) == _seen(django)
    assert all(len(line) <= mime.LINE_LIMIT for line in ours.split(b"\r\n"))


def test_attachments_are_left_to_django():
    assert not mime.supports(Composition(subject="s", text="t", attachments=[("a", b"", "x/y")]))


@pytest.mark.parametrize(
    "address",
    [
        "kari@example.no",
        "Kari.Nordmann@Example.NO",
        "o'brien+kurs@sub-domain.example.com",
        "a!#$%&*/=?^_`{|}~-b@x.io",
        "åse@example.no",
        "Kari Ødegård <kari@example.no>",
        "IPS-kurs <kurs@ipskurs.no>",
        "kari@bücher.example",
        '"kari nordmann"@example.no',
        "kari..nordmann@example.no",
    ],
)
def test_addresses_as_django_writes_them(address):
    assert mime.address(address) == sanitize_address(address, "utf-8")
