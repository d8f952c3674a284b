"""RFC 7009: a client revokes one of its own access tokens; anything else changes nothing (and says 200)."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import DoneV1
from contracts.oidc import RevokeOidcTokenV1
from efp_runtime.message_context import MessageContext
from identity.domain.oidc import hash_of
from identity.use_cases.oidc.authenticate_client import AuthenticateClient
from identity.use_cases.oidc.ports import AccessTokenRepository


class RevokeOidcToken:
    def __init__(
        self, authenticate: AuthenticateClient, tokens: AccessTokenRepository, clock: Callable[[], datetime]
    ) -> None:
        self._authenticate = authenticate
        self._tokens = tokens
        self._clock = clock

    async def __call__(self, request: RevokeOidcTokenV1, context: MessageContext) -> DoneV1:
        client = await self._authenticate(request)
        token = await self._tokens.get(hash_of(request.token))
        if token is not None and token.client_id == client.id:
            await self._tokens.revoke(token.id, self._clock())
        return DoneV1()
