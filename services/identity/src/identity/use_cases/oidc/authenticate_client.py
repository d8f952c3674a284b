"""client_secret_basic: the relying party's secret, compared with its keyed hash in constant time."""

import hmac

from identity.domain.errors import InvalidClient
from identity.domain.oidc import OidcClient
from identity.use_cases.oidc.ports import OidcClientRepository
from identity.use_cases.ports import SecretHasher


def secret_scope(client_id: str) -> str:
    return f"oidc-client:{client_id}"


class AuthenticateClient:
    def __init__(self, clients: OidcClientRepository, hasher: SecretHasher) -> None:
        self._clients = clients
        self._hasher = hasher

    async def __call__(self, client_id: str, client_secret: str) -> OidcClient:
        client = await self._clients.get(client_id)
        given = self._hasher.hash(secret_scope(client_id), client_secret)
        if client is None or not client.enabled or not hmac.compare_digest(given, client.secret_hash):
            raise InvalidClient()
        return client
