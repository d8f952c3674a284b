"""A real SMTP server for tests (aiosmtpd) that keeps every message it accepts.

It can also be told to refuse for a while (`fail_with`), or to answer the messages to one
address with a scripted sequence of replies (`script_replies`: e.g. 451 then accept), to show
what the platform does when the mail server is down or says no, or to keep the next message to one
address waiting before its answer (`hold`), to interrupt the sender in the middle of a conversation.
"""

import asyncio
import email
import email.parser
import email.policy
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cached_property
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMail:
    envelope_to: list[str]
    # As received; parsed on first use, so a burst (the e-mail benchmark) costs the server little.
    raw: bytes = field(repr=False)
    # When it was accepted (time.monotonic()) and from which client socket: one per connection.
    accepted_at: float = field(default=0.0, compare=False)
    peer: tuple[str, int] | None = field(default=None, compare=False)

    @cached_property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        # The headers alone: what the benchmark reads of thousands of messages.
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(self.raw)
        return str(headers["Message-ID"]).strip()

    def body(self, subtype: str = "plain") -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None, f"no text/{subtype} part"
        return str(part.get_content()).replace("\r\n", "\n")


@dataclass(frozen=True)
class Hold:
    """The next message to one address, kept before its answer: `arrived` once its content is in,
    answered (and recorded, as a server that already took it) once `released` is set."""

    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)


class _Handler:
    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.refusal: str | None = None
        self.scripts: dict[str, deque[str]] = {}
        self.replies: list[tuple[str, str]] = []
        self.holds: dict[str, Hold] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            holds = [self.holds.pop(to) for to in envelope.rcpt_tos if to in self.holds]
        for hold in holds:
            hold.arrived.set()
            # Released from the test's thread: waited for in a worker thread, the server's loop going on.
            await asyncio.to_thread(hold.released.wait, 60)
        reply = self._scripted(list(envelope.rcpt_tos)) or self.refusal
        if reply and not reply.startswith("2"):
            with self.lock:
                self.replies.extend((to, reply) for to in envelope.rcpt_tos)
            return reply
        peer = tuple(session.peer[:2]) if session.peer else None
        with self.lock:
            self.mails.append(ReceivedMail(list(envelope.rcpt_tos), envelope.original_content, time.monotonic(), peer))
            self.replies.extend((to, "250 Message accepted for delivery") for to in envelope.rcpt_tos)
        return reply or "250 Message accepted for delivery"

    def _scripted(self, recipients: list[str]) -> str | None:
        with self.lock:
            for to in recipients:
                script = self.scripts.get(to)
                if script:
                    return script.popleft()
        return None


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

    def script_replies(self, address: str, *replies: str) -> None:
        """Answer the next messages to `address` with these replies in turn ('451 4.3.0 busy',
        '550 5.1.1 unknown', or a '250 …' to accept), then accept as usual."""
        with self._handler.lock:
            self._handler.scripts[address] = deque(replies)

    def hold(self, address: str) -> Hold:
        """Keep the next message to `address` waiting, content received, until `released` is set."""
        hold = Hold()
        with self._handler.lock:
            self._handler.holds[address] = hold
        return hold

    def replies_to(self, address: str) -> list[str]:
        """Every reply given to a message for `address`, refusals included, in order."""
        with self._handler.lock:
            return [reply for to, reply in self._handler.replies if to == address]

    def received(self) -> list[ReceivedMail]:
        """Every accepted message, in order."""
        with self._handler.lock:
            return list(self._handler.mails)

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
