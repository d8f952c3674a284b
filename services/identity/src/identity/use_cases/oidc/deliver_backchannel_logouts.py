"""Back-channel logout 1.0: tell each relying party of an ended session, with a signed logout token.

The sessions are the truth: an ended session keeps the clients not yet told, so a crash between
ending it and telling them only delays the telling (the next pass, on any replica, does it).
A client that does not answer 200 is tried again with a growing delay, then given up (logged).
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from identity.domain.oidc import BACKCHANNEL_LOGOUT_EVENT, sid_of
from identity.use_cases.oidc.ports import LogoutSender, OidcClientRepository, SsoSessions, TokenSigner

MAX_ATTEMPTS = 6
LOGOUT_TOKEN_LIFETIME = timedelta(minutes=2)
logger = logging.getLogger(__name__)


class DeliverBackchannelLogouts:
    def __init__(
        self,
        sso: SsoSessions,
        clients: OidcClientRepository,
        signer: TokenSigner,
        sender: LogoutSender,
        issuer: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._sso = sso
        self._clients = clients
        self._signer = signer
        self._sender = sender
        self._issuer = issuer
        self._clock = clock

    async def __call__(self) -> int:
        """One pass; how many relying parties were told."""
        told_count = 0
        for session_id, account_id, client_ids, attempts, sso_id in await self._sso.ended_with_clients(
            self._clock(), limit=100
        ):
            told, left = [], []
            for client_id in client_ids:
                client = await self._clients.get(client_id)
                if client is None or not client.enabled or not client.backchannel_logout_uri:
                    told.append(client_id)
                elif await self._sender.send(
                    client.backchannel_logout_uri, await self._token(client_id, account_id, sso_id)
                ):
                    told.append(client_id)
                    told_count += 1
                else:
                    left.append(client_id)
            if left and attempts + 1 >= MAX_ATTEMPTS:
                logger.error("back-channel logout of session to %s given up after %d attempts", left, MAX_ATTEMPTS)
                told, left = told + left, []
            retry_at = self._clock() + timedelta(seconds=2 ** (attempts + 1)) if left else None
            await self._sso.clients_told(session_id, told, retry_at)
        return told_count

    async def _token(self, client_id: str, account_id: str, session_id: str) -> str:
        now = int(self._clock().timestamp())
        claims = {
            "iss": self._issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + int(LOGOUT_TOKEN_LIFETIME.total_seconds()),
            "jti": str(uuid.uuid4()),
            "sub": account_id,
            "sid": sid_of(session_id),
            "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        }
        return await self._signer.sign(claims, "logout+jwt")
