"""Encodes an e-mail as MIME bytes (multipart/alternative, text and HTML, quoted-printable UTF-8)."""

import binascii
import uuid
from email.header import Header
from email.utils import formataddr, formatdate
from functools import lru_cache

from notification.use_cases.sending.ports import RenderedEmail

CRLF = b"\r\n"


@lru_cache(maxsize=512)
def encoded_subject(subject: str) -> bytes:
    """RFC 2047 when needed, folded; subjects repeat, so each is encoded once."""
    if subject.isascii() and len(subject) < 70:
        return subject.encode()
    return Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n").encode()


def encoded_from(name: str, address: str) -> bytes:
    return formataddr((name, address), charset="utf-8").encode()


def quoted_printable(text: str) -> bytes:
    """The body in quoted-printable UTF-8: 7-bit, lines under 77 characters, CRLF line ends."""
    normalised = text.replace("\r\n", "\n").encode()
    return binascii.b2a_qp(normalised, istext=True).replace(b"\n", CRLF)


# Written by hand rather than with `email.message.EmailMessage`: the standard library's header
# registry and generator cost about 1 ms of CPU per message, twenty times this module, and were
# the largest single cost of a send. The shape is fixed, so the bytes are too: only the headers
# below and the two bodies vary. Recipients that are not plain ASCII (internationalised
# addresses) are left to the standard library, which knows SMTPUTF8.
def mime_message(sender: bytes, to: str, message_id: str, rendered: RenderedEmail) -> bytes:
    """`sender` is an encoded From header value (see `encoded_from`); `to` must be ASCII."""
    # "=_" never occurs in quoted-printable text (a literal "=" is "=3D"): a safe boundary.
    boundary = f"=_{uuid.uuid4().hex}".encode()
    part_headers = b'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/%s; charset="utf-8"\r\n\r\n'
    lines = [
        b"From: " + sender,
        b"To: " + to.encode("ascii"),
        b"Subject: " + encoded_subject(rendered.subject),
        b"Date: " + formatdate(usegmt=True).encode(),
        # Stable per intent: a mail client or relay seeing it twice can tell it is one message.
        b"Message-ID: <" + message_id.encode() + b">",
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/alternative; boundary="' + boundary + b'"',
        b"",
        b"--" + boundary,
        part_headers % b"plain" + quoted_printable(rendered.text),
        b"--" + boundary,
        part_headers % b"html" + quoted_printable(rendered.html),
        b"--" + boundary + b"--",
        b"",
    ]
    return CRLF.join(lines)
