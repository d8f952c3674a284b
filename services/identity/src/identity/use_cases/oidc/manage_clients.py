"""Operators register relying parties (`efp-ops oidc-clients`): the secret is shown once, kept hashed."""

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from identity.domain.errors import InvalidInput, NotFound
from identity.domain.oidc import OidcClient
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.oidc.authenticate_client import secret_scope
from identity.use_cases.oidc.ports import OidcClientRepository

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def checked_uri(uri: str, field: str, production: bool) -> str:
    """Absolute, no fragment (RFC 6749 §3.1.2); HTTPS in production except on the machine itself."""
    parts = urlsplit(uri)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment:
        raise InvalidInput(f"{uri!r} n'est pas une adresse absolue valide.", field=field)
    if production and parts.scheme != "https" and parts.hostname not in LOOPBACK:
        raise InvalidInput(f"{uri!r} : HTTPS est obligatoire.", field=field)
    return uri


@dataclass(frozen=True, kw_only=True)
class NewOidcClient:
    """An operator's command: a relying party, its addresses; id and secret given only for development clients."""

    name: str
    service: str
    redirect_uris: Sequence[str]
    post_logout_redirect_uris: Sequence[str] = ()
    backchannel_logout_uri: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


class ManageOidcClients:
    def __init__(
        self, clients: OidcClientRepository, hasher: SecretHasher, clock: Callable[[], datetime], production: bool
    ) -> None:
        self._clients = clients
        self._hasher = hasher
        self._clock = clock
        self._production = production

    async def register(self, command: NewOidcClient) -> tuple[OidcClient, str]:
        """A new client and its secret (given ones: the development clients of the environment, replaced)."""
        name, service, redirect_uris = command.name, command.service, command.redirect_uris
        client_secret, backchannel_logout_uri = command.client_secret, command.backchannel_logout_uri
        if not name.strip() or not service.strip():
            raise InvalidInput("Le nom et le service sont obligatoires.", field="name")
        if not redirect_uris:
            raise InvalidInput("Au moins une adresse de retour est obligatoire.", field="redirect_uri")
        client_id = command.client_id or str(uuid.uuid4())
        secret = client_secret or secrets.token_urlsafe(32)
        client = OidcClient(
            id=client_id,
            name=name.strip(),
            service=service.strip(),
            secret_hash=self._hasher.hash(secret_scope(client_id), secret),
            redirect_uris=tuple(checked_uri(u, "redirect_uri", self._production) for u in redirect_uris),
            post_logout_redirect_uris=tuple(
                checked_uri(u, "post_logout_redirect_uri", self._production) for u in command.post_logout_redirect_uris
            ),
            backchannel_logout_uri=backchannel_logout_uri
            and checked_uri(backchannel_logout_uri, "backchannel_logout_uri", self._production),
            created_at=self._clock(),
        )
        if client_secret is None:
            await self._clients.add(client)
        else:
            await self._clients.put(client)
        return client, secret

    async def list(self) -> list[OidcClient]:
        return await self._clients.all()

    async def rotate_secret(self, client_id: str) -> tuple[OidcClient, str]:
        """A new secret; the old one stops working at once (the client's operators deploy the new one)."""
        client = await self._existing(client_id)
        secret = secrets.token_urlsafe(32)
        client = replace(client, secret_hash=self._hasher.hash(secret_scope(client_id), secret))
        await self._clients.update(client)
        return client, secret

    async def disable(self, client_id: str) -> OidcClient:
        client = await self._existing(client_id)
        if client.disabled_at is None:
            client = replace(client, disabled_at=self._clock())
            await self._clients.update(client)
        return client

    async def _existing(self, client_id: str) -> OidcClient:
        client = await self._clients.get(client_id)
        if client is None:
            raise NotFound("Aucune application n'est enregistrée avec cet identifiant.", field="client_id")
        return client
