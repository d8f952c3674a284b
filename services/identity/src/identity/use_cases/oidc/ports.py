"""What the OpenID Connect use cases need from the outside."""

from datetime import datetime
from typing import Any, Protocol

from identity.domain.oidc import AccessToken, AuthorizationCode, Keyring, OidcClient


class OidcClientRepository(Protocol):
    async def add(self, client: OidcClient) -> None: ...

    async def put(self, client: OidcClient) -> None:
        """Create or replace (the development clients of the environment, at each start)."""
        ...

    async def get(self, client_id: str) -> OidcClient | None: ...

    async def all(self) -> list[OidcClient]: ...

    async def update(self, client: OidcClient) -> None: ...


class AuthorizationCodeRepository(Protocol):
    async def add(self, code: AuthorizationCode) -> None: ...

    async def redeem(self, code_id: str, client_id: str, at: datetime) -> tuple[AuthorizationCode | None, bool]:
        """Mark the code redeemed, atomically: (the code, True) the first time, (the code, False)
        when it was already redeemed, (None, False) when unknown."""
        ...


class AccessTokenRepository(Protocol):
    async def add(self, token: AccessToken) -> None: ...

    async def get(self, token_id: str) -> AccessToken | None: ...

    async def revoke(self, token_id: str, at: datetime) -> None: ...

    async def revoke_issued_by(self, code_id: str, at: datetime) -> int: ...


class KeyringStore(Protocol):
    async def load(self) -> Keyring: ...

    async def save(self, keyring: Keyring) -> bool:
        """Write if nobody else did since `load` (version); False when someone did."""
        ...


class TokenSigner(Protocol):
    """JOSE done by a library: sign with the current key, verify our own tokens, publish the keys."""

    async def sign(self, claims: dict[str, Any], typ: str) -> str: ...

    async def verify_own(self, token: str) -> dict[str, Any] | None:
        """The claims of a token we signed (signature only: an expired hint is still ours); None otherwise."""
        ...

    async def public_keys(self) -> list[dict[str, str]]: ...


class SsoSessions(Protocol):
    """The sessions' side the provider needs: which relying parties to tell when one ends."""

    async def signed_in(self, session_id: str, client_id: str) -> None:
        """The person signed in to `client_id` through the session (kept for the export of their data)."""
        ...

    async def attach_client(self, session_id: str, client_id: str) -> None: ...

    async def ended_with_clients(self, now: datetime, limit: int) -> list[tuple[str, str, list[str], int, str]]:
        """Ended sessions with relying parties not yet told: (session id, account id, client ids, attempts,
        the login's SSO session id, whose `sid` the relying parties know)."""
        ...

    async def clients_told(self, session_id: str, client_ids: list[str], retry_at: datetime | None) -> None:
        """Those were told (or given up); `retry_at`: when to try the others again."""
        ...


class LogoutSender(Protocol):
    async def send(self, uri: str, logout_token: str) -> bool:
        """POST the logout token; True on a 200 (OpenID Back-Channel Logout 1.0 §2.8)."""
        ...
