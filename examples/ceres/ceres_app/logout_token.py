"""Back-Channel Logout 1.0 §2.6: is this logout token really EFP Connect telling us a session ended?"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
MAX_AGE_SECONDS = 300  # older tokens are refused: a captured one cannot be replayed much later
LEEWAY_SECONDS = 60  # clock skew between EFP Connect and us


class InvalidLogoutToken(Exception):
    pass


async def verify_logout_token(
    token: str,
    issuer: str,
    client_id: str,
    algorithms: list[str],
    jwks: Callable[[bool], Awaitable[Any]],
) -> dict[str, Any]:
    """The token's claims, or InvalidLogoutToken. `jwks(force)` gives the provider's key set; an unknown
    `kid` (EFP Connect rotated its keys) fetches it again once."""
    try:
        try:
            decoded = jwt.decode(token, KeySet.import_key_set(await jwks(False)), algorithms=algorithms)
        except InvalidKeyIdError:
            decoded = jwt.decode(token, KeySet.import_key_set(await jwks(True)), algorithms=algorithms)
        claims = decoded.claims
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            iat={"essential": True},
            jti={"essential": True},
        ).validate(claims)
    except (JoseError, ValueError) as refused:
        raise InvalidLogoutToken(f"signature or claims refused: {refused}") from refused
    if decoded.header.get("typ") not in (None, "logout+jwt"):
        raise InvalidLogoutToken("typ is not logout+jwt")
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), dict):
        raise InvalidLogoutToken("the back-channel logout event is missing")
    if not claims.get("sid") and not claims.get("sub"):
        raise InvalidLogoutToken("neither sid nor sub")
    if "nonce" in claims:
        raise InvalidLogoutToken("a logout token has no nonce (an ID token is not a logout token)")
    if claims["iat"] < time.time() - MAX_AGE_SECONDS:
        raise InvalidLogoutToken("issued too long ago")
    return claims
