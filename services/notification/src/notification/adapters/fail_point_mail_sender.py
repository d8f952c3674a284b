"""Test-only fail point: the process dies right after the SMTP server accepted an e-mail."""

import logging
import os

from notification.use_cases.sending.ports import Delivery, MailSender, RenderedEmail

logger = logging.getLogger(__name__)


class CrashAfterAcceptMailSender:
    """It makes the one at-least-once window (accepted by SMTP, outcome not yet saved) happen on
    purpose, so a test can show what a crash there does. Refused in production by the settings.
    """

    def __init__(self, inner: MailSender) -> None:
        self._inner = inner

    async def send(self, email_id: str, to: str, rendered: RenderedEmail) -> Delivery:
        delivery = await self._inner.send(email_id, to, rendered)
        if delivery.accepted:
            logger.warning("test fail point: exiting after the SMTP server accepted e-mail %s", email_id)
            os._exit(1)
        return delivery
