"""Sends through an SMTP server with aiosmtplib over a small pool of persistent connections."""

import asyncio
import time
from email.message import EmailMessage
from email.utils import formataddr, formatdate

import aiosmtplib

from notification.adapters.mime_email_encoder import encoded_from, mime_message
from notification.use_cases.sending.ports import Delivery, RenderedEmail


class SmtpMailSender:
    """A burst of e-mails reuses a few open connections instead of paying a TCP (and TLS, and
    login) handshake per message. A connection is dropped after any error other than a plain
    SMTP refusal, and replaced once older than `max_age`, so a relay's idle timeout or a
    restarted server costs at most one failed attempt, which the retry policy absorbs.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        sender_name: str,
        *,
        use_tls: bool = False,
        start_tls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        pool_size: int = 4,
        max_age_seconds: float = 300.0,
    ) -> None:
        self._host = host
        self._port = port
        self._from = formataddr((sender_name, sender))
        self._encoded_from = encoded_from(sender_name, sender)
        self._sender = sender
        self._domain = sender.rpartition("@")[2] or "localhost"
        self._use_tls = use_tls
        self._start_tls = start_tls
        self._username = username
        self._password = password
        self._timeout = timeout
        self._max_age = max_age_seconds
        # Idle connections with the time each was opened; the semaphore bounds how many exist.
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._slots = asyncio.Semaphore(pool_size)

    async def send(self, email_id: str, to: str, rendered: RenderedEmail) -> Delivery:
        message_id = f"{email_id}@{self._domain}"
        message: bytes | EmailMessage = (
            mime_message(self._encoded_from, to, message_id, rendered)
            if to.isascii()
            else self._message(message_id, to, rendered)
        )
        async with self._slots:
            try:
                smtp, opened_at = await self._connection()
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                # Whatever the server said on connecting or to the login, it is not about this e-mail.
                return Delivery(False, f"{type(exc).__name__}: {exc}")
            try:
                if isinstance(message, bytes):
                    _, reply = await smtp.sendmail(self._sender, [to], message)
                else:
                    _, reply = await smtp.send_message(message, sender=self._sender, recipients=[to])
            except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as exc:
                # A refusal leaves the session usable: aiosmtplib has already reset the envelope.
                self._release(smtp, opened_at)
                return _failure(exc)
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                smtp.close()
                return _failure(exc)
            self._release(smtp, opened_at)
            return Delivery(True, f"250 {reply}")

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for smtp, _ in idle:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                smtp.close()

    async def _connection(self) -> tuple[aiosmtplib.SMTP, float]:
        while self._idle:
            smtp, opened_at = self._idle.pop()
            if smtp.is_connected and time.monotonic() - opened_at < self._max_age:
                return smtp, opened_at
            smtp.close()
        smtp = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            use_tls=self._use_tls,
            start_tls=self._start_tls,
            username=self._username,
            password=self._password,
            timeout=self._timeout,
        )
        await smtp.connect()  # STARTTLS and login too, when configured
        return smtp, time.monotonic()

    def _release(self, smtp: aiosmtplib.SMTP, opened_at: float) -> None:
        if smtp.is_connected:
            self._idle.append((smtp, opened_at))

    def _message(self, message_id: str, to: str, rendered: RenderedEmail) -> EmailMessage:
        """The slow, general path: an internationalised address needs SMTPUTF8, which aiosmtplib handles."""
        message = EmailMessage()
        message["From"] = self._from
        message["To"] = to
        message["Subject"] = rendered.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{message_id}>"
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        return message


def _failure(exc: Exception) -> Delivery:
    """4xx and connection trouble are worth retrying; 5xx is not."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [error.code for error in exc.recipients]
        reply = "; ".join(f"{error.code} {error.message}" for error in exc.recipients)
        return Delivery(False, reply, permanent=bool(codes) and all(code >= 500 for code in codes))
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return Delivery(False, f"{exc.code} {exc.message}", permanent=exc.code >= 500)
    return Delivery(False, f"{type(exc).__name__}: {exc}")
