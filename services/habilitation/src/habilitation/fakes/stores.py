"""In-memory stores of the aggregates: what the Mongo repositories keep and refuse, without a database."""

import copy
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

from efp_runtime.outbox import OutboxMessage
from habilitation.domain.access_request import AccessRequest, RequestState
from habilitation.domain.errors import Conflict, LastManager
from habilitation.domain.habilitation import Habilitation, HabilitationState
from habilitation.domain.invitation import DUPLICATE_PENDING, Invitation, InvitationState
from habilitation.domain.manager_right import ManagerRight, ManagerRightState
from habilitation.fakes.paging import newest_first
from habilitation.use_cases.paging import EVERYTHING, RecordFilter, RecordPage

# When a right given by `FakeManagerRights.give` was granted.
GIVEN_AT = datetime(2000, 1, 1, tzinfo=UTC)


class Store:
    """What the Mongo adapters keep: a copy without domain events, a version, and every save's outbox."""

    def __init__(self) -> None:
        self.items: dict[str, Any] = {}
        self.outbox: list[OutboxMessage] = []
        self.fail_next_update = False

    def put_new(self, key: str, item: Any, messages: list[OutboxMessage]) -> None:
        if key in self.items:
            raise AssertionError(f"duplicate key {key}: the same aggregate was inserted twice")
        item.version = 1
        self.items[key] = replace(copy.deepcopy(item), events=[])
        self.outbox.extend(messages)

    def put(self, key: str, item: Any, messages: list[OutboxMessage]) -> None:
        if self.fail_next_update:
            self.fail_next_update = False
            raise ConnectionError("the store went away before the write")
        stored = self.items.get(key)
        if stored is None or stored.version != item.version:
            raise Conflict("modifié entre-temps")
        item.version += 1
        self.items[key] = replace(copy.deepcopy(item), events=[])
        self.outbox.extend(messages)

    def load(self, key: str) -> Any:
        stored = self.items.get(key)
        return copy.deepcopy(stored) if stored else None

    def all(self) -> list[Any]:
        return [copy.deepcopy(item) for item in self.items.values()]


class FakeHabilitations(Store):
    async def add(self, habilitation: Habilitation, messages: list[OutboxMessage]) -> None:
        self.put_new(habilitation.id, habilitation, messages)

    async def get(self, habilitation_id: str) -> Habilitation | None:
        return cast("Habilitation | None", self.load(habilitation_id))

    async def update(self, habilitation: Habilitation, messages: list[OutboxMessage]) -> None:
        self.put(habilitation.id, habilitation, messages)

    async def of_account(self, account_id: str, active_only: bool = True) -> list[Habilitation]:
        return [
            h
            for h in self.all()
            if h.account_id == account_id and (not active_only or h.state is HabilitationState.ACTIVE)
        ]

    async def of_organisation(
        self,
        siren: str,
        role: str | None = None,
        siret: str | None = None,
        active_only: bool = True,
        account_ids: list[str] | None = None,
    ) -> list[Habilitation]:
        return [
            h
            for h in self.all()
            if h.siren == siren
            and (account_ids is None or h.account_id in account_ids)
            and (not active_only or h.state is HabilitationState.ACTIVE)
            and (not role or h.role == role)
            and (not siret or h.siret == siret)
        ]


class FakeManagerRights(Store):
    def __init__(self) -> None:
        super().__init__()
        self.crash_next_save = False

    def give(
        self, account_id: str, siren: str, state: ManagerRightState = ManagerRightState.ACTIVE, by: str = "someone"
    ) -> ManagerRight:
        """A right held since a month ago, stored as the repository would have it."""
        right = ManagerRight(account_id, siren, by, GIVEN_AT, "manager", None, state, version=1)
        self.items[right.id] = right
        return right

    async def get(self, account_id: str, siren: str) -> ManagerRight | None:
        return cast("ManagerRight | None", self.load(f"{account_id}:{siren}"))

    async def save(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        if self.crash_next_save:
            self.crash_next_save = False
            raise RuntimeError("process killed")
        if right.version == 0 and right.id in self.items:
            raise Conflict("modifié entre-temps")
        if right.version == 0:
            self.put_new(right.id, right, messages)
        else:
            self.put(right.id, right, messages)

    async def withdraw(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        """Like the Mongo adapter: bumps another active manager's version, then saves version-checked."""
        others = [
            r
            for r in self.items.values()
            if (r.siren, r.state) == (right.siren, ManagerRightState.ACTIVE) and r.account_id != right.account_id
        ]
        if not others:
            raise LastManager()
        others[0].version += 1
        self.put(right.id, right, messages)

    async def managers_of(self, siren: str) -> list[ManagerRight]:
        return [r for r in self.all() if r.siren == siren and r.state is ManagerRightState.ACTIVE]

    async def holders_of(self, siren: str) -> list[ManagerRight]:
        return [r for r in self.all() if r.siren == siren and r.held]

    async def managed_by(self, account_id: str) -> list[str]:
        return sorted(r.siren for r in self.all() if r.account_id == account_id and r.held)

    async def of_account(self, account_id: str) -> list[ManagerRight]:
        return [r for r in self.all() if r.account_id == account_id]


class FakeAccessRequests(Store):
    async def add(self, request: AccessRequest, messages: list[OutboxMessage]) -> None:
        if any(
            (r.account_id, r.service, r.siren) == (request.account_id, request.service, request.siren)
            and r.state is RequestState.PENDING
            for r in self.items.values()
        ):
            raise Conflict("Vous avez déjà une demande d'accès en attente pour ce service auprès de cette structure.")
        self.put_new(request.id, request, messages)

    async def get(self, request_id: str) -> AccessRequest | None:
        return cast("AccessRequest | None", self.load(request_id))

    async def update(self, request: AccessRequest, messages: list[OutboxMessage]) -> None:
        self.put(request.id, request, messages)

    async def of_account(self, account_id: str) -> list[AccessRequest]:
        return [r for r in self.all() if r.account_id == account_id]

    async def recent_of_account(self, account_id: str, since: datetime) -> list[AccessRequest]:
        return [
            r
            for r in self.all()
            if r.account_id == account_id and (r.state is RequestState.PENDING or r.last_sent_at >= since)
        ]

    async def of_organisation(
        self, siren: str, state: RequestState | None, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[AccessRequest]:
        found = [r for r in self.all() if r.siren == siren and (state is None or r.state is state)]
        return newest_first(found, filters, lambda r: {r.siret})

    async def count_pending(self, sirens: list[str]) -> int:
        return sum(1 for r in self.items.values() if r.siren in sirens and r.state is RequestState.PENDING)


class FakeInvitations(Store):
    """Keeps the Mongo adapter's rules: one pending per (address, organisation), listing by effective state."""

    async def add(self, invitation: Invitation, messages: list[OutboxMessage]) -> None:
        if await self.pending(invitation.email, invitation.siren) is not None:
            raise Conflict(DUPLICATE_PENDING)
        self.put_new(invitation.id, invitation, messages)

    async def get(self, invitation_id: str) -> Invitation | None:
        return cast("Invitation | None", self.load(invitation_id))

    async def update(self, invitation: Invitation, messages: list[OutboxMessage]) -> None:
        other = await self.pending(invitation.email, invitation.siren)
        if invitation.state is InvitationState.SENT and other is not None and other.id != invitation.id:
            raise Conflict(DUPLICATE_PENDING)
        self.put(invitation.id, invitation, messages)

    async def pending(self, email: str, siren: str) -> Invitation | None:
        return next(
            (
                i
                for i in self.all()
                if (i.email.lower(), i.siren) == (email.lower(), siren) and i.state is InvitationState.SENT
            ),
            None,
        )

    async def of_person(self, account_id: str) -> list[Invitation]:
        found = [i for i in self.all() if account_id in (i.account_id, i.invited_by)]
        return sorted(found, key=lambda i: i.created_at, reverse=True)

    async def of_organisation(
        self, siren: str, state: InvitationState | None, now: datetime, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[Invitation]:
        found = [i for i in self.all() if i.siren == siren and (state is None or i.effective_state(now) is state)]
        return newest_first(found, filters, lambda i: {g.siret for g in i.grants})
