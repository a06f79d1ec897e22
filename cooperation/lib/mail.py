"""An e-mail whose MIME form is written directly: `ComposedEmail`, a Django EmailMultiAlternatives
(plain text and one HTML alternative) for the mail the portal sends in bulk (reminders).

Django builds a message with the standard library's email package, which folds every header
through its general parser and generator; for thousands of messages a morning that is most of
the cost of sending one. The messages sent here have a fixed shape, so the bytes are written
once, directly:

    From, To, Subject, Date, Message-ID and the extra headers, MIME-Version
    multipart/alternative
        text/plain; charset="utf-8"
        text/html; charset="utf-8"

A header that is not plain ASCII (a Russian or Kazakh subject, a display name) is written as
RFC 2047 encoded words (UTF-8, base64), each line within 78 characters; addresses go through
Django's `sanitize_address` (international domains, display names). A body goes as Django sends
UTF-8 text: 8bit (7bit when it is ASCII), or base64 when a line is longer than RFC 5322 allows.

Django's mail back ends use it unchanged: `message()` returns a standard library Message whose
`as_bytes()` are those bytes (the SMTP back end sends them; locmem keeps the EmailMessage).
"""

import base64
import email.message
import email.utils
import functools
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME

CRLF = "\r\n"
# An encoded word is at most 75 characters: "=?utf-8?b?" and "?=" around the base64 of 45 bytes.
_WORD_BYTES = 45
_MAX_PLAIN_LINE = 998  # RFC 5322's limit on a line, without its CRLF


@functools.lru_cache(maxsize=4096)
def _address(address: str, encoding: str) -> str:
    # The same few addresses (the office's mailbox, coordinators) recur all morning.
    return sanitize_address(address, encoding)


def encode_header_value(value: str, name: str = "Subject") -> str:
    """A header's value as it goes on the wire after "<name>: ": unchanged when it is printable
    ASCII that fits the line, otherwise UTF-8 encoded words on continuation lines (never split
    inside a character)."""
    first_line = 78 - len(name) - 2
    if value.isascii() and len(value) <= first_line and "=?" not in value and value.isprintable():
        return value
    raw = value.encode()
    words = []
    start = 0
    while start < len(raw):
        # The first word shares its line with the header's name.
        room = _WORD_BYTES if words else min(_WORD_BYTES, (first_line - 12) // 4 * 3)
        end = min(start + room, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # a UTF-8 continuation byte
            end -= 1
        words.append("=?utf-8?b?" + base64.b64encode(raw[start:end]).decode("ascii") + "?=")
        start = end
    return (CRLF + " ").join(words)


def _body_part(text: str, subtype: str) -> str:
    text = text.replace("\r\n", "\n").replace("\n", CRLF)
    if all(len(line) <= _MAX_PLAIN_LINE // 4 or len(line.encode()) <= _MAX_PLAIN_LINE for line in text.split(CRLF)):
        encoding, payload = "7bit" if text.isascii() else "8bit", text
    else:
        encoding, payload = "base64", base64.encodebytes(text.encode()).decode("ascii").replace("\n", CRLF)
    # The line break before a boundary belongs to the boundary (RFC 2046), not to the text.
    if not (encoding == "base64" and payload.endswith(CRLF)):
        payload += CRLF
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}Content-Transfer-Encoding: {encoding}{CRLF}{CRLF}{payload}'
    )


class ComposedMessage(email.message.Message):
    """What `ComposedEmail.message()` returns: the headers readable as on any Message
    (`message["Message-ID"]`), and the bytes written by `ComposedEmail`."""

    def __init__(self, headers: list[tuple[str, str]], data: str):
        super().__init__()
        for name, value in headers:
            self[name] = value
        self.data = data  # CRLF line ends

    def as_bytes(self, unixfrom=False, policy=None, linesep="\n"):
        return self.as_string(unixfrom, policy=policy, linesep=linesep).encode()

    def as_string(self, unixfrom=False, maxheaderlen=0, policy=None, linesep="\n"):
        return self.data if linesep == CRLF else self.data.replace(CRLF, linesep)

    def __bytes__(self):
        return self.as_bytes()

    def __str__(self):
        return self.as_string()


class ComposedEmail(EmailMultiAlternatives):
    """Plain text with at most one HTML alternative, to `to` only (no cc, bcc or attachments):
    the reminders' shape, written directly (see the module's docstring)."""

    def message(self, **kwargs) -> ComposedMessage:
        if self.cc or self.bcc or self.attachments or len(self.alternatives) > 1:
            raise ValueError("A ComposedEmail has recipients in To only, no attachments, at most one alternative.")
        encoding = self.encoding or settings.DEFAULT_CHARSET
        headers = [
            ("From", _address(self.extra_headers.get("From", self.from_email), encoding)),
            ("To", ", ".join(_address(address, encoding) for address in self.to)),
            ("Subject", encode_header_value(self.subject, "Subject")),
        ]
        extra = {name.lower(): (name, value) for name, value in self.extra_headers.items()}
        if self.reply_to and "reply-to" not in extra:
            headers.append(("Reply-To", ", ".join(_address(address, encoding) for address in self.reply_to)))
        if "date" not in extra:
            headers.append(("Date", email.utils.formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
        if "message-id" not in extra:
            headers.append(("Message-ID", email.utils.make_msgid(domain=DNS_NAME)))
        for key, (name, value) in extra.items():
            if key not in ("from", "to"):
                headers.append((name, encode_header_value(str(value), name)))
        headers.append(("MIME-Version", "1.0"))
        text = _body_part(self.body, "plain")
        lines = [f"{name}: {value}" for name, value in headers]
        if self.alternatives:
            (content, mimetype) = self.alternatives[0]
            if mimetype != "text/html":
                raise ValueError(f"A ComposedEmail's alternative is HTML, not {mimetype}.")
            html = _body_part(content, "html")
            boundary = f"=_{uuid.uuid4().hex}"  # "=_" is in no base64 and no encoded body line
            while boundary in text or boundary in html:
                boundary = f"=_{uuid.uuid4().hex}"
            lines.append(f'Content-Type: multipart/alternative;{CRLF} boundary="{boundary}"')
            data = (
                CRLF.join(lines) + f"{CRLF}{CRLF}--{boundary}{CRLF}{text}--{boundary}{CRLF}{html}--{boundary}--{CRLF}"
            )
        else:
            data = CRLF.join(lines) + CRLF + text
        return ComposedMessage(headers, data)
