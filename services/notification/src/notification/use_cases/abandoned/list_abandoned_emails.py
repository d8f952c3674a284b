"""Operators' view of abandoned e-mails: why, the last SMTP reply, and whether they can be requeued."""

from dataclasses import dataclass

from notification.domain.email import Email
from notification.use_cases.abandoned.ports import HeldCommands
from notification.use_cases.abandoned.requeue_abandoned_email import SCAN_LIMIT
from notification.use_cases.ports import EmailRepository


@dataclass(frozen=True)
class AbandonedEmail:
    email: Email
    # Its command is still parked, so `efp-ops emails requeue` can send it.
    requeueable: bool


@dataclass(frozen=True)
class ListAbandoned:
    limit: int


class ListAbandonedEmails:
    def __init__(self, emails: EmailRepository, parked: HeldCommands) -> None:
        self._emails = emails
        self._parked = parked

    async def __call__(self, query: ListAbandoned) -> list[AbandonedEmail]:
        parked = {held.message_id for held in await self._parked.peek(SCAN_LIMIT)}
        return [AbandonedEmail(email, email.id in parked) for email in await self._emails.list_abandoned(query.limit)]
