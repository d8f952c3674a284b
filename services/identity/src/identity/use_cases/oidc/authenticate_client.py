"""client_secret_basic: the relying party's secret, compared with its keyed hash in constant time."""

import hmac
from typing import Protocol

from identity.domain.errors import InvalidClient
from identity.domain.oidc import OidcClient
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.oidc.ports import OidcClientRepository


def secret_scope(client_id: str) -> str:
    return f"oidc-client:{client_id}"


class ClientCredentials(Protocol):
    """A request a relying party signs with its id and secret (token, revocation)."""

    @property
    def client_id(self) -> str: ...

    @property
    def client_secret(self) -> str: ...


class AuthenticateClient:
    def __init__(self, clients: OidcClientRepository, hasher: SecretHasher) -> None:
        self._clients = clients
        self._hasher = hasher

    async def __call__(self, credentials: ClientCredentials) -> OidcClient:
        client = await self._clients.get(credentials.client_id)
        given = self._hasher.hash(secret_scope(credentials.client_id), credentials.client_secret)
        if client is None or not client.enabled or not hmac.compare_digest(given, client.secret_hash):
            raise InvalidClient()
        return client
