"""Send one e-mail per intent: the command's message id identifies the e-mail.

A redelivered command finds its e-mail already sent and stops there, so a crash after
the SMTP server accepted the message and after the state was saved sends nothing twice.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.notification import SendEmailV1
from efp_runtime.message_context import MessageContext
from notification.domain.email import Email, EmailState
from notification.use_cases.ports import EmailRenderer, EmailRepository, MailSender

logger = logging.getLogger(__name__)


class DeliveryDeferred(Exception):
    """The SMTP server could not take the e-mail now; the command must be tried again."""


class SendEmail:
    def __init__(
        self,
        emails: EmailRepository,
        renderer: EmailRenderer,
        sender: MailSender,
        clock: Callable[[], datetime],
    ) -> None:
        self._emails = emails
        self._renderer = renderer
        self._sender = sender
        self._clock = clock

    async def __call__(self, command: SendEmailV1, context: MessageContext) -> EmailState:
        email = await self._emails.get(context.message_id)
        if email is None:
            email = self._new_email(command, context)
            if not await self._emails.add(email):
                email = await self._emails.get(context.message_id)
                assert email is not None
        if email.done:
            logger.info("e-mail %s already %s; duplicate command ignored", email.id, email.state.value)
            return email.state
        # SENDING here means a previous attempt died mid-send: we send again (at least once).
        if email.state is EmailState.SENDING:
            email.failed(self._clock(), "interrupted before the outcome was saved", permanent=False)
        email.start_sending(self._clock())
        if not await self._emails.update(email):
            logger.info("e-mail %s is being sent by another consumer", email.id)
            return email.state
        delivery = await self._sender.send(email.id, email.to, self._renderer.render(command.content))
        now = self._clock()
        if delivery.accepted:
            email.sent(now, delivery.reply)
        else:
            email.failed(now, delivery.reply, permanent=delivery.permanent)
        await self._emails.update(email)
        if email.state is EmailState.RETRYING:
            raise DeliveryDeferred(f"e-mail {email.id}: {delivery.reply}")
        logger.info("e-mail %s (%s) %s", email.id, email.template, email.state.value)
        return email.state

    def _new_email(self, command: SendEmailV1, context: MessageContext) -> Email:
        masked = self._renderer.render(command.content, masked=True)
        return Email(
            id=context.message_id,
            to=str(command.to),
            template=command.content.template,
            subject=masked.subject,
            masked_text=masked.text,
            correlation_id=context.correlation_id,
            created_at=self._clock(),
            account_id=command.account_id,
            siren=command.siren,
        )
