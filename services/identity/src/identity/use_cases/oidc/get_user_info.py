"""The userinfo endpoint: the claims of an access token's scopes, as they are now.

A token speaks for its person only while the SSO session it came from is open: a logout
anywhere ends it too. A session replaced by a step-up lives on in its successor.
"""

from collections.abc import Callable
from datetime import datetime

from contracts.oidc import GetUserInfoV1, UserInfoV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidToken
from identity.domain.oidc import hash_of, scope_claims
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.oidc.person import PersonFinder
from identity.use_cases.oidc.ports import AccessTokenRepository, OidcClientRepository
from identity.use_cases.sessions.ports import SessionRepository

MAX_REPLACEMENTS = 20


class GetUserInfo:
    def __init__(
        self,
        tokens: AccessTokenRepository,
        sessions: SessionRepository,
        clients: OidcClientRepository,
        accounts: AccountRepository,
        people: PersonFinder,
        clock: Callable[[], datetime],
    ) -> None:
        self._tokens = tokens
        self._sessions = sessions
        self._clients = clients
        self._accounts = accounts
        self._people = people
        self._clock = clock

    async def __call__(self, request: GetUserInfoV1, context: MessageContext) -> UserInfoV1:
        token = await self._tokens.get(hash_of(request.access_token))
        if token is None or not token.active(self._clock()):
            raise InvalidToken()
        session = await self._sessions.get(token.session_id)
        # Step-ups replace the session: follow them (a few a login at most; bounded all the same).
        for _ in range(MAX_REPLACEMENTS):
            if session is None or session.revoked_at is None or session.replaced_by is None:
                break
            session = await self._sessions.get(session.replaced_by)
        client = await self._clients.get(token.client_id)
        account = await self._accounts.get(token.account_id)
        if session is None or session.revoked_at is not None or client is None or not client.enabled or not account:
            raise InvalidToken()
        claims = scope_claims(await self._people(account), token.scope)
        return UserInfoV1.model_validate(
            {**claims, "account_kind": account.kind.value, "service": client.service, "scope": list(token.scope)}
        )
