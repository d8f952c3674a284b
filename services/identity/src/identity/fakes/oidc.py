"""In-memory fakes of the OpenID Connect ports."""

import copy
from dataclasses import dataclass, field
from datetime import datetime

from identity.domain.oidc import AccessToken, AuthorizationCode, Keyring, OidcClient
from identity.domain.session import Session
from identity.fakes.accounts import FakeSessionRepository
from identity.use_cases.export.ports import SessionRecord

ISSUER = "https://efpconnect.example.fr"


class FakeClients:
    def __init__(self) -> None:
        self.clients: dict[str, OidcClient] = {}

    async def add(self, client: OidcClient) -> None:
        self.clients[client.id] = client

    async def put(self, client: OidcClient) -> None:
        self.clients[client.id] = client

    async def get(self, client_id: str) -> OidcClient | None:
        return self.clients.get(client_id)

    async def all(self) -> list[OidcClient]:
        return list(self.clients.values())

    async def update(self, client: OidcClient) -> None:
        self.clients[client.id] = client


class FakeCodes:
    def __init__(self) -> None:
        self.codes: dict[str, AuthorizationCode] = {}

    async def add(self, code: AuthorizationCode) -> None:
        self.codes[code.id] = copy.deepcopy(code)

    async def redeem(self, code_id: str, client_id: str, at: datetime) -> tuple[AuthorizationCode | None, bool]:
        code = self.codes.get(code_id)
        if code is None or code.client_id != client_id:
            return None, False
        first = code.redeemed_at is None
        code.redeemed_at = at
        return copy.deepcopy(code), first


class FakeTokens:
    def __init__(self) -> None:
        self.tokens: dict[str, AccessToken] = {}

    async def add(self, token: AccessToken) -> None:
        self.tokens[token.id] = token

    async def get(self, token_id: str) -> AccessToken | None:
        return self.tokens.get(token_id)

    async def revoke(self, token_id: str, at: datetime) -> None:
        self.tokens[token_id].revoked_at = at

    async def revoke_issued_by(self, code_id: str, at: datetime) -> int:
        issued = [t for t in self.tokens.values() if t.code_id == code_id and t.revoked_at is None]
        for token in issued:
            token.revoked_at = at
        return len(issued)


class FakeKeyring:
    def __init__(self) -> None:
        self.keyring = Keyring()

    async def load(self) -> Keyring:
        return copy.deepcopy(self.keyring)

    async def save(self, keyring: Keyring) -> bool:
        if keyring.version != self.keyring.version:
            return False
        keyring.version += 1
        self.keyring = copy.deepcopy(keyring)
        return True


class FakeSso(FakeSessionRepository):
    """Sessions that also remember the relying parties to tell when they end."""

    def __init__(self) -> None:
        super().__init__()
        self.clients: dict[str, list[str]] = {}
        self.attempts: dict[str, int] = {}
        self.retry_at: dict[str, datetime | None] = {}
        # Every relying party signed in to through each session (stays after the logout is told).
        self.signed_in_clients: dict[str, list[str]] = {}

    async def replace(self, old_session_id: str, new: Session, at: datetime) -> bool:
        # Like the Mongo adapter: the relying parties move to the new session (a step-up is no logout).
        if not await super().replace(old_session_id, new, at):
            return False
        if self.clients.get(old_session_id):
            self.clients[new.id] = self.clients.pop(old_session_id)
        return True

    async def signed_in(self, session_id: str, client_id: str) -> None:
        self.signed_in_clients.setdefault(session_id, [])
        if client_id not in self.signed_in_clients[session_id]:
            self.signed_in_clients[session_id].append(client_id)

    async def of_account(self, account_id: str) -> list[SessionRecord]:
        mine = [s for s in self.sessions.values() if s.account_id == account_id]
        return [
            SessionRecord(
                copy.deepcopy(s),
                tuple(dict.fromkeys([*self.signed_in_clients.get(s.id, []), *self.clients.get(s.id, [])])),
            )
            for s in sorted(mine, key=lambda s: s.created_at, reverse=True)
        ]

    async def attach_client(self, session_id: str, client_id: str) -> None:
        self.clients.setdefault(session_id, [])
        if client_id not in self.clients[session_id]:
            self.clients[session_id].append(client_id)

    async def ended_with_clients(self, now: datetime, limit: int) -> list[tuple[str, str, list[str], int, str]]:
        return [
            (
                sid,
                self.sessions[sid].account_id,
                list(ids),
                self.attempts.get(sid, 0),
                self.sessions[sid].sso_session_id,
            )
            for sid, ids in self.clients.items()
            if ids and self.sessions[sid].revoked_at is not None and (self.retry_at.get(sid) or now) <= now
        ][:limit]

    async def clients_told(self, session_id: str, client_ids: list[str], retry_at: datetime | None) -> None:
        self.clients[session_id] = [c for c in self.clients[session_id] if c not in client_ids]
        self.retry_at[session_id] = retry_at
        if retry_at is not None:
            self.attempts[session_id] = self.attempts.get(session_id, 0) + 1


@dataclass
class FakeSender:
    answers: list[bool] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, uri: str, logout_token: str) -> bool:
        self.sent.append((uri, logout_token))
        return self.answers.pop(0) if self.answers else True
