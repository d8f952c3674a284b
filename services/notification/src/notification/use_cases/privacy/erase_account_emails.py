"""A deleted account's e-mails lose their body and address (identity.account.deleted.v1).

Every e-mail sent about the account, mentioning it (its data in a body sent to someone else), or to its
address (sign-up codes, sent before the account existed) keeps its subject, template, dates and states,
under ids, and nothing else of the person; the rate budgets of the address go too. Idempotent: a
redelivered event finds them erased already.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.privacy import AccountDeletedV1
from notification.domain.rate_budget import budgets_to
from notification.use_cases.privacy.ports import EmailErasure, Person

logger = logging.getLogger(__name__)


class EraseAccountEmails:
    def __init__(self, erasure: EmailErasure, clock: Callable[[], datetime]) -> None:
        self._erasure = erasure
        self._clock = clock

    async def __call__(self, event: AccountDeletedV1) -> int:
        addresses = tuple(dict.fromkeys((event.email, event.email.strip().lower())))
        person = Person(event.account_id, addresses)
        # Marked first, erased second: an e-mail done in between is found by the second step, one done
        # after it by its own final write. (The other order would miss one done in between.)
        marked = await self._erasure.mark_erase_when_done(person)
        erased = await self._erasure.erase_done(person, self._clock())
        # The rate budgets of the address are keyed by it: forgotten too (they would expire within the hour).
        await self._erasure.forget_budgets({b.key for address in addresses for b in budgets_to(address)})
        # Ids only: the address is not logged.
        logger.info("account %s deleted: %d e-mails erased, %d to erase once done", event.account_id, erased, marked)
        return erased
