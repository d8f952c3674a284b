"""Sends through an SMTP server with aiosmtplib; classifies refusals as permanent or not."""

from email.message import EmailMessage
from email.utils import formataddr, formatdate

import aiosmtplib

from notification.use_cases.ports import Delivery, RenderedEmail


class SmtpMailSender:
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
    ) -> None:
        self._host = host
        self._port = port
        self._from = formataddr((sender_name, sender))
        self._domain = sender.rpartition("@")[2] or "localhost"
        self._options = {
            "use_tls": use_tls,
            "start_tls": start_tls,
            "username": username,
            "password": password,
            "timeout": timeout,
        }

    async def send(self, email_id: str, to: str, rendered: RenderedEmail) -> Delivery:
        message = EmailMessage()
        message["From"] = self._from
        message["To"] = to
        message["Subject"] = rendered.subject
        message["Date"] = formatdate(localtime=False)
        # Stable per intent: a mail client or relay seeing it twice can tell it is one message.
        message["Message-ID"] = f"<{email_id}@{self._domain}>"
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        try:
            _, reply = await aiosmtplib.send(message, hostname=self._host, port=self._port, **self._options)  # type: ignore[arg-type]
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            return Delivery(False, "; ".join(str(e) for e in exc.recipients), permanent=all(c >= 500 for c in codes))
        except aiosmtplib.SMTPResponseException as exc:
            return Delivery(False, f"{exc.code} {exc.message}", permanent=exc.code >= 500)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return Delivery(False, f"{type(exc).__name__}: {exc}")
        return Delivery(True, reply)
