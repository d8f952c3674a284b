"""The port of the access-request store; an adapter implements it."""

from datetime import datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from habilitation.domain.access_request import AccessRequest, RequestState
from habilitation.use_cases.paging import EVERYTHING, RecordFilter, RecordPage


class AccessRequests(Protocol):
    async def add(self, request: AccessRequest, messages: list[OutboxMessage]) -> None:
        """Raises Conflict if the account already has a pending request for this service and organisation."""
        ...

    async def get(self, request_id: str) -> AccessRequest | None: ...

    async def update(self, request: AccessRequest, messages: list[OutboxMessage]) -> None: ...

    async def of_account(self, account_id: str) -> list[AccessRequest]: ...

    async def recent_of_account(self, account_id: str, since: datetime) -> list[AccessRequest]:
        """The account's requests pending, or last sent at or after `since` (what check_new_request needs)."""
        ...

    async def of_organisation(
        self, siren: str, state: RequestState | None, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[AccessRequest]:
        """Newest first, one page of them."""
        ...

    async def count_pending(self, sirens: list[str]) -> int: ...
