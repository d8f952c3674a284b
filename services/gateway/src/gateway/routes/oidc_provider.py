"""OpenID Connect's machine endpoints, for relying parties: token, userinfo, revocation, JWKS.

They speak OAuth 2.0, not this API's problem+json: errors are `{error, error_description}`
(RFC 6749 §5.2, RFC 6750 §3) with the codes every OIDC library knows. The discovery document is
the web service's (the issuer); it points here.
"""

import base64
import binascii
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from contracts.accounts import DoneV1
from contracts.habilitation import ActorV1
from contracts.oidc import (
    ExchangeAuthorizationCodeV1,
    GetSigningKeysV1,
    GetUserInfoV1,
    JwksV1,
    RevokeOidcTokenV1,
    TokenSetV1,
    UserInfoV1,
)
from efp_runtime.rpc import RpcRefused
from gateway.routes.oidc_sign_in import active_habilitations
from gateway.rpc import IDENTITY, rpc_client

router = APIRouter(prefix="/oidc", tags=["Authentification unique (OpenID Connect)"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# The next key is published before it signs: relying parties may cache the set this long.
JWKS_MAX_AGE = 300


class OAuthError(BaseModel):
    error: str
    error_description: str | None = None


OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OAuthError, "description": "invalid_request, invalid_grant, unsupported_grant_type"},
    401: {"model": OAuthError, "description": "invalid_client / invalid_token"},
    503: {"model": OAuthError, "description": "temporarily_unavailable"},
}


def oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers={**NO_STORE, **(headers or {})}
    )


def _client_credentials(request: Request, client_id: str | None, client_secret: str | None) -> tuple[str, str] | None:
    """client_secret_basic (RFC 6749 §2.3.1: each part form-encoded, then Basic), or client_secret_post."""
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        name, colon, secret = decoded.partition(":")
        return (unquote_plus(name), unquote_plus(secret)) if colon and name else None
    if client_id and client_secret:
        return client_id, client_secret
    return None


def _invalid_client() -> JSONResponse:
    return oauth_error(
        401,
        "invalid_client",
        "Authentification de l'application refusée.",
        {"WWW-Authenticate": 'Basic realm="EFP Connect"'},
    )


@router.post("/token", response_model=TokenSetV1, responses=OAUTH_ERRORS)
async def token(
    request: Request,
    grant_type: Annotated[str, Form(max_length=100)] = "",
    code: Annotated[str, Form(max_length=200)] = "",
    redirect_uri: Annotated[str, Form(max_length=2000)] = "",
    code_verifier: Annotated[str, Form(max_length=200)] = "",
    client_id: Annotated[str | None, Form(max_length=200)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    """Jeton : le code d'autorisation (grant `authorization_code`, PKCE S256) contre un ID token et un jeton d'accès."""
    credentials = _client_credentials(request, client_id, client_secret)
    if credentials is None:
        return _invalid_client()
    if grant_type != "authorization_code":
        return oauth_error(400, "unsupported_grant_type", "Seul le grant authorization_code est accepté.")
    if not code or not redirect_uri or not code_verifier:
        return oauth_error(400, "invalid_request", "code, redirect_uri et code_verifier sont obligatoires.")
    exchange = ExchangeAuthorizationCodeV1(
        client_id=credentials[0],
        client_secret=credentials[1],
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=code_verifier,
    )
    try:
        tokens = await rpc_client(request).call(IDENTITY, exchange, TokenSetV1)
    except RpcRefused as refused:
        if refused.error.code == "invalid_client":
            return _invalid_client()
        return oauth_error(400, refused.error.code, refused.error.detail)
    return JSONResponse(tokens.model_dump(), headers=NO_STORE)


def _bearer(request: Request, form_token: str | None) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return form_token or None


async def _userinfo(request: Request, access_token: str | None) -> Response:
    invalid = {"WWW-Authenticate": 'Bearer realm="EFP Connect", error="invalid_token"'}
    if access_token is None or len(access_token) > 200:
        return oauth_error(401, "invalid_token", "Jeton d'accès manquant ou invalide.", invalid)
    rpc = rpc_client(request)
    try:
        info = await rpc.call(IDENTITY, GetUserInfoV1(access_token=access_token), UserInfoV1)
    except RpcRefused as refused:
        if refused.error.code == "invalid_token":
            return oauth_error(401, "invalid_token", refused.error.detail, invalid)
        raise
    claims: dict[str, Any] = info.model_dump(exclude={"account_kind", "service", "scope"}, exclude_none=True)
    if "habilitations" in info.scope:
        actor = ActorV1(account_id=info.sub, kind=info.account_kind)
        claims["habilitations"] = [
            {"role": h.role, "siret": h.siret, "end_date": h.end_date.isoformat() if h.end_date else None}
            for h in await active_habilitations(rpc, actor)
            if h.service == info.service
        ]
    return JSONResponse(claims, headers=NO_STORE)


@router.get("/userinfo", responses=OAUTH_ERRORS)
async def userinfo(request: Request) -> Response:
    """Les informations de la personne pour les portées accordées (`Authorization: Bearer`), à cet instant."""
    return await _userinfo(request, _bearer(request, None))


@router.post("/userinfo", responses=OAUTH_ERRORS)
async def userinfo_post(request: Request, access_token: Annotated[str | None, Form(max_length=200)] = None) -> Response:
    """Comme `GET`, le jeton dans l'en-tête ou dans le corps (RFC 6750 §2.2)."""
    return await _userinfo(request, _bearer(request, access_token))


@router.post("/revoke", responses=OAUTH_ERRORS)
async def revoke(
    request: Request,
    token: Annotated[str, Form(max_length=200)] = "",
    token_type_hint: Annotated[str | None, Form(max_length=50)] = None,
    client_id: Annotated[str | None, Form(max_length=200)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    """Révocation (RFC 7009) d'un jeton d'accès de l'application ; un jeton inconnu répond aussi 200."""
    credentials = _client_credentials(request, client_id, client_secret)
    if credentials is None:
        return _invalid_client()
    if not token:
        return oauth_error(400, "invalid_request", "Le paramètre token est obligatoire.")
    try:
        await rpc_client(request).call(
            IDENTITY, RevokeOidcTokenV1(client_id=credentials[0], client_secret=credentials[1], token=token), DoneV1
        )
    except RpcRefused as refused:
        if refused.error.code == "invalid_client":
            return _invalid_client()
        raise
    return Response(status_code=200, headers=NO_STORE)


@router.get("/jwks", response_model=JwksV1)
async def jwks(request: Request) -> Response:
    """Les clés publiques de signature (ES256) : la courante, la suivante et celles encore valables."""
    keys = await rpc_client(request).call(IDENTITY, GetSigningKeysV1(), JwksV1)
    return JSONResponse(
        keys.model_dump(),
        media_type="application/jwk-set+json",
        headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE}"},
    )
