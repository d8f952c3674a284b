"""A logged-in person signs in to a relying party: a single-use code bound to the client, the
redirect URI, the PKCE challenge and the person's habilitations on the client's service."""

import logging
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.oidc import ACR_SECOND_FACTOR, AuthorizationCodeV1, IssueAuthorizationCodeV1
from efp_runtime.message_context import MessageContext
from identity.domain.account import AccountKind
from identity.domain.errors import (
    InvalidOidcRequest,
    LoginRequired,
    NoAccess,
    SecondFactorRequired,
    StepUpRequired,
)
from identity.domain.oidc import SCOPES, AuthorizationCode, GrantedHabilitation, hash_of
from identity.domain.session import session_id_of
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.oidc.describe_client import registered_client
from identity.use_cases.oidc.ports import AuthorizationCodeRepository, OidcClientRepository, SsoSessions
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository

# RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters of the URL-safe alphabet.
S256_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
MFA_NOT_ENROLLED = "{client} demande une double authentification : configurez-la d'abord depuis « Mon compte »."
logger = logging.getLogger(__name__)


class IssueAuthorizationCode:
    def __init__(
        self,
        clients: OidcClientRepository,
        codes: AuthorizationCodeRepository,
        sessions: SessionRepository,
        sso: SsoSessions,
        accounts: AccountRepository,
        second_factors: SecondFactorRepository,
        clock: Callable[[], datetime],
    ) -> None:
        self._clients = clients
        self._codes = codes
        self._sessions = sessions
        self._sso = sso
        self._accounts = accounts
        self._second_factors = second_factors
        self._clock = clock

    async def __call__(self, request: IssueAuthorizationCodeV1, context: MessageContext) -> AuthorizationCodeV1:
        client = await registered_client(self._clients, request.client_id, request.redirect_uri)
        if "openid" not in request.scope:
            raise InvalidOidcRequest("La portée « openid » est obligatoire.", field="scope")
        # PKCE S256 for every client, public or confidential (RFC 9700 §2.1.1).
        if request.code_challenge_method != "S256" or not S256_CHALLENGE.match(request.code_challenge):
            raise InvalidOidcRequest("PKCE avec la méthode S256 est obligatoire.", field="code_challenge")
        now = self._clock()
        session = await self._sessions.get(session_id_of(request.session_token))
        if session is None or not session.active(now):
            raise LoginRequired()
        if request.max_age is not None and now - session.created_at > timedelta(seconds=request.max_age):
            raise LoginRequired()
        account = await self._accounts.get(session.account_id)
        if account is None:
            raise LoginRequired()
        # The client asks for a second factor: the web sends the person through it (or enrolment) and back.
        if ACR_SECOND_FACTOR in request.acr_values and not session.proved_second_factor:
            if await self._second_factors.enrolled(account.id):
                raise StepUpRequired()
            raise SecondFactorRequired(MFA_NOT_ENROLLED.format(client=client.name))
        granted = tuple(
            GrantedHabilitation(h.role, h.siret, h.end_date)
            for h in request.habilitations
            if h.service == client.service
        )
        # Agents reach the ministry's applications by being agents; everyone else needs a habilitation.
        if not granted and account.kind != AccountKind.AGENT:
            raise NoAccess(f"Vous n'avez pas accès au service numérique {client.name}.")
        code = secrets.token_urlsafe(32)
        await self._codes.add(
            AuthorizationCode(
                id=hash_of(code),
                client_id=client.id,
                account_id=account.id,
                session_id=session.id,
                redirect_uri=request.redirect_uri,
                # Unknown scopes are ignored (RFC 6749 §3.3), in our order.
                scope=tuple(s for s in SCOPES if s in request.scope),
                nonce=request.nonce,
                code_challenge=request.code_challenge,
                auth_time=session.created_at,
                created_at=now,
                habilitations=granted,
                amr=tuple(session.amr),
                sso_id=session.sso_session_id,
            )
        )
        await self._sso.signed_in(session.id, client.id)
        if client.backchannel_logout_uri:
            await self._sso.attach_client(session.id, client.id)
        logger.info("authorization code issued to client %s for account %s", client.id, account.id)
        return AuthorizationCodeV1(code=code)
