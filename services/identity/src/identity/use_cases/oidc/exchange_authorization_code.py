"""The token endpoint: a code, its PKCE verifier and the client's secret → an access token and an ID token.

A code redeemed twice means it leaked (RFC 6749 §4.1.2, RFC 9700 §4.2.1): the second attempt is
refused and the access token the first one got is revoked.
"""

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from authlib.oauth2.rfc7636.challenge import CODE_VERIFIER_PATTERN, compare_s256_code_challenge

from contracts.oidc import ExchangeAuthorizationCodeV1, TokenSetV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidGrant
from identity.domain.oidc import (
    ACCESS_TOKEN_LIFETIME,
    ID_TOKEN_LIFETIME,
    AccessToken,
    acr_of,
    habilitation_claims,
    hash_of,
    scope_claims,
    sid_of,
)
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.oidc.authenticate_client import AuthenticateClient
from identity.use_cases.oidc.person import PersonFinder
from identity.use_cases.oidc.ports import AccessTokenRepository, AuthorizationCodeRepository, TokenSigner

logger = logging.getLogger(__name__)


class ExchangeAuthorizationCode:
    def __init__(
        self,
        authenticate: AuthenticateClient,
        codes: AuthorizationCodeRepository,
        tokens: AccessTokenRepository,
        accounts: AccountRepository,
        people: PersonFinder,
        signer: TokenSigner,
        issuer: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._authenticate = authenticate
        self._codes = codes
        self._tokens = tokens
        self._accounts = accounts
        self._people = people
        self._signer = signer
        self._issuer = issuer
        self._clock = clock

    async def __call__(self, request: ExchangeAuthorizationCodeV1, context: MessageContext) -> TokenSetV1:
        client = await self._authenticate(request)
        now = self._clock()
        code, first_time = await self._codes.redeem(hash_of(request.code), client.id, now)
        if code is None:
            raise InvalidGrant()
        if not first_time:
            revoked = await self._tokens.revoke_issued_by(code.id, now)
            logger.warning("authorization code of client %s redeemed again: %d token(s) revoked", client.id, revoked)
            raise InvalidGrant()
        if code.expired(now) or code.redirect_uri != request.redirect_uri:
            raise InvalidGrant()
        verifier = request.code_verifier
        if not CODE_VERIFIER_PATTERN.match(verifier) or not compare_s256_code_challenge(verifier, code.code_challenge):
            raise InvalidGrant("Le code_verifier ne correspond pas au code_challenge (PKCE).")
        account = await self._accounts.get(code.account_id)
        if account is None:
            raise InvalidGrant()
        person = await self._people(account)
        access_token = secrets.token_urlsafe(32)
        await self._tokens.add(
            AccessToken(
                id=hash_of(access_token),
                client_id=client.id,
                account_id=account.id,
                session_id=code.session_id,
                code_id=code.id,
                scope=code.scope,
                created_at=now,
            )
        )
        issued_at = int(now.timestamp())
        claims: dict[str, object] = {
            "iss": self._issuer,
            "aud": client.id,
            "iat": issued_at,
            "exp": issued_at + int(ID_TOKEN_LIFETIME.total_seconds()),
            "auth_time": int(code.auth_time.timestamp()),
            "acr": acr_of(code.amr),
            "amr": list(code.amr),
            "sid": sid_of(code.sso_id or code.session_id),
            **scope_claims(person, code.scope),
        }
        if code.nonce is not None:
            claims["nonce"] = code.nonce
        if "habilitations" in code.scope:
            claims["habilitations"] = habilitation_claims(code.habilitations)
        id_token = await self._signer.sign(claims, "JWT")
        logger.info("tokens issued to client %s for account %s", client.id, account.id)
        return TokenSetV1(
            access_token=access_token,
            expires_in=int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            id_token=id_token,
            scope=" ".join(code.scope),
        )
