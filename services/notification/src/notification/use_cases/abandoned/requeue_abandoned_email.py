"""An operator sends an abandoned e-mail back to delivery, from the command kept when it was abandoned."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from notification.domain.email import EmailState
from notification.use_cases.abandoned.ports import HeldCommands
from notification.use_cases.ports import EmailRepository

# Enough to find one command among the parked ones without holding the whole queue.
SCAN_LIMIT = 10_000


@dataclass(frozen=True)
class RequeueEmail:
    email_id: str
    # Who asked: written in the e-mail's history.
    operator: str


class CannotRequeue(Exception):
    """The e-mail is unknown, not abandoned, erased, or its command is no longer kept."""


class RequeueAbandonedEmail:
    def __init__(self, emails: EmailRepository, parked: HeldCommands, clock: Callable[[], datetime]) -> None:
        self._emails = emails
        self._parked = parked
        self._clock = clock

    async def __call__(self, command: RequeueEmail) -> EmailState:
        email_id = command.email_id
        email = await self._emails.get(email_id)
        if email is None:
            raise CannotRequeue(f"no e-mail {email_id}")
        if email.erased_at is not None:
            raise CannotRequeue(f"e-mail {email_id} was erased (its account was deleted); it is not sent again")
        # QUEUED: a previous run saved the requeue and stopped before republishing; finish it.
        if email.state not in (EmailState.ABANDONED, EmailState.QUEUED):
            raise CannotRequeue(f"e-mail {email_id} is {email.state.value}, not abandoned")
        if email_id not in {held.message_id for held in await self._parked.peek(SCAN_LIMIT)}:
            raise CannotRequeue(f"the command of e-mail {email_id} is no longer kept; it cannot be sent again")
        if email.state is EmailState.ABANDONED:
            # Saved before the command is republished: the service must not take it for a duplicate.
            email.requeue(self._clock(), by=command.operator)
            if not await self._emails.update(email):
                raise CannotRequeue(f"e-mail {email_id} changed meanwhile; try again")
        await self._parked.requeue([email_id])
        return email.state
