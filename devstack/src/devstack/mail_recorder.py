"""A real SMTP server for tests (aiosmtpd) that keeps every message it accepts.

It can also be told to refuse for a while (`fail_with`), to show what the platform
does when the mail server is down or says no.
"""

import email
import email.policy
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMail:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def body(self, subtype: str = "plain") -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None, f"no text/{subtype} part"
        return str(part.get_content()).replace("\r\n", "\n")


class _Handler:
    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.refusal: str | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusal:
            return self.refusal
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.mails.append(ReceivedMail(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class MailRecorder:
    def __init__(self, port: int) -> None:
        self._handler = _Handler()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=port)
        self.port = port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def fail_with(self, reply: str | None) -> None:
        """Answer every message with `reply` (e.g. '451 4.3.0 try later'); None to accept again."""
        self._handler.refusal = reply

    def mails_to(self, address: str) -> list[ReceivedMail]:
        with self._handler.lock:
            return [m for m in self._handler.mails if address in m.envelope_to]

    def wait_for_mail(self, address: str, count: int = 1, timeout: float = 20) -> list[ReceivedMail]:
        """Poll until `count` mails reached `address`; fails the test otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mails = self.mails_to(address)
            if len(mails) >= count:
                return mails
            time.sleep(0.05)
        raise AssertionError(
            f"{count} mail(s) to {address} expected within {timeout}s, got {len(self.mails_to(address))}"
        )
