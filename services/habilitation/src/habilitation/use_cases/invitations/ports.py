"""The ports of the invitation use cases; adapters implement them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from contracts.invited_accounts import CreateInvitedAccountV1
from efp_runtime.outbox import OutboxMessage
from habilitation.domain.invitation import Invitation, InvitationState
from habilitation.use_cases.paging import EVERYTHING, RecordFilter, RecordPage


@dataclass(frozen=True)
class InvitedAccount:
    """The invitee's account as the identity service answers it."""

    account_id: str
    email: str
    kind: str
    first_name: str
    last_name: str
    password_set: bool
    # The organisation of the account (None for an account without one): another one makes a third party.
    siren: str | None = None


class InvitedAccounts(Protocol):
    async def ensure(self, invitee: CreateInvitedAccountV1) -> InvitedAccount:
        """The address's account, prepared without a password if it has none.

        Raises InvalidInput (with the field) when the identity is needed and missing or wrong.
        """
        ...


class Invitations(Protocol):
    async def add(self, invitation: Invitation, messages: list[OutboxMessage]) -> None:
        """Raises Conflict if the address already has a pending invitation to this organisation."""
        ...

    async def get(self, invitation_id: str) -> Invitation | None: ...

    async def update(self, invitation: Invitation, messages: list[OutboxMessage]) -> None:
        """Version-checked; raises Conflict if saved meanwhile, or if a resend would make a second pending."""
        ...

    async def pending(self, email: str, siren: str) -> Invitation | None:
        """The address's pending (sent) invitation to this organisation, if any."""
        ...

    async def of_person(self, account_id: str) -> list[Invitation]:
        """The invitations the account received or sent, any state, newest first."""
        ...

    async def of_organisation(
        self, siren: str, state: InvitationState | None, now: datetime, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[Invitation]:
        """Newest first, one page; `state` is the effective one (sent past its expiry counts as expired);
        `filters.q` a prefix of a word of the invited name or of the e-mail address."""
        ...


def placeholder(name: str) -> str:
    """Stands in a sweep's event template for a field of each invitation (`invitation_id`, `siren`, `account_id`)."""
    return f"@@{name}@@"


class InvitationSweep(Protocol):
    async def expire_due(self, now: datetime, event: OutboxMessage) -> int:
        """Record every sent invitation past its expiry as expired, in one state-guarded write each.

        Each gets its own copy of `event`: placeholders in the body replaced by its fields, its id
        appended to the message id. Returns how many this call expired (another replica's are not counted).
        """
        ...
