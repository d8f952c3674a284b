"""OpenID Connect's machine endpoints, for relying parties: token, userinfo, revocation, JWKS.

They speak OAuth 2.0, not this API's problem+json: errors are `{error, error_description}`
(RFC 6749 §5.2, RFC 6750 §3) with the codes every OIDC library knows. The discovery document is
the web service's (the issuer); it points here.
"""

import base64
import binascii
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from contracts.errors import ErrorCode
from contracts.habilitation import ActorV1
from contracts.oidc import (
    ExchangeAuthorizationCodeV1,
    GetSigningKeysV1,
    GetUserInfoV1,
    JwksV1,
    RevokeOidcTokenV1,
    TokenSetV1,
)
from efp_runtime.rpc import RpcRefused, RpcUnavailable
from gateway.problems import problem_responses
from gateway.routes.oidc_sign_in import active_habilitations
from gateway.rpc import IDENTITY, Rpc, Services

router = APIRouter(prefix="/oidc", tags=["Authentification unique (OpenID Connect)"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# The next key is published before it signs: relying parties may cache the set this long.
JWKS_MAX_AGE = 300
FORM = "application/x-www-form-urlencoded"
MAX_FIELD = 2000
NOT_A_FORM = "Le corps doit être un formulaire application/x-www-form-urlencoded."


class OAuthError(BaseModel):
    error: str
    error_description: str | None = None


OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OAuthError, "description": "invalid_request, invalid_grant, unsupported_grant_type"},
    401: {"model": OAuthError, "description": "invalid_client / invalid_token"},
    503: {"model": OAuthError, "description": "temporarily_unavailable"},
    # The gateway's body limit answers before any route, as everywhere (problem+json).
    **problem_responses(413),
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


def _form_body(*fields: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The OpenAPI description of a form body (read by hand: validation errors must stay OAuth's)."""
    properties = {name: {"type": "string", "maxLength": MAX_FIELD} for name in fields}
    schema = {"type": "object", "properties": properties, "required": list(required)}
    return {"requestBody": {"content": {FORM: {"schema": schema}}, "required": bool(required)}}


async def _form(request: Request) -> dict[str, str] | None:
    """The urlencoded body's fields (the first of each); None when it is not one or a field is too long."""
    if request.headers.get("content-type", "").split(";")[0].strip() not in (FORM, ""):
        return None
    fields: dict[str, str] = {}
    for name, value in parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True):
        if len(value) > MAX_FIELD:
            return None
        fields.setdefault(name, value)
    return fields


def _unavailable() -> JSONResponse:
    return oauth_error(
        503, "temporarily_unavailable", "Le service est momentanément indisponible.", {"Retry-After": "5"}
    )


async def _client_form(request: Request) -> tuple[dict[str, str], tuple[str, str]] | JSONResponse:
    """A relying party's form and its credentials, or OAuth's refusal of either."""
    form = await _form(request)
    if form is None:
        return oauth_error(400, "invalid_request", NOT_A_FORM)
    credentials = _client_credentials(request, form.get("client_id"), form.get("client_secret"))
    return _invalid_client() if credentials is None else (form, credentials)


TOKEN_FIELDS = ("grant_type", "code", "redirect_uri", "code_verifier", "client_id", "client_secret")


@router.post("/token", response_model=TokenSetV1, responses=OAUTH_ERRORS, openapi_extra=_form_body(*TOKEN_FIELDS))
async def token(request: Request, rpc: Rpc) -> Response:
    """Jeton : le code d'autorisation (grant `authorization_code`, PKCE S256) contre un ID token et un jeton d'accès."""
    given = await _client_form(request)
    if isinstance(given, JSONResponse):
        return given
    form, credentials = given
    if form.get("grant_type") != "authorization_code":
        return oauth_error(400, "unsupported_grant_type", "Seul le grant authorization_code est accepté.")
    code, redirect_uri, code_verifier = (form.get(name, "") for name in ("code", "redirect_uri", "code_verifier"))
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
        tokens = await rpc.call(IDENTITY, exchange)
    except RpcRefused as refused:
        if refused.error.code == ErrorCode.INVALID_CLIENT:
            return _invalid_client()
        return oauth_error(400, refused.error.code, refused.error.detail)
    except RpcUnavailable:
        return _unavailable()
    return JSONResponse(tokens.model_dump(), headers=NO_STORE)


def _bearer(request: Request, form_token: str | None) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return form_token or None


async def _userinfo(rpc: Services, access_token: str | None) -> Response:
    invalid = {"WWW-Authenticate": 'Bearer realm="EFP Connect", error="invalid_token"'}
    if access_token is None or len(access_token) > 200:
        return oauth_error(401, "invalid_token", "Jeton d'accès manquant ou invalide.", invalid)
    try:
        info = await rpc.call(IDENTITY, GetUserInfoV1(access_token=access_token))
        claims: dict[str, Any] = info.model_dump(exclude={"account_kind", "service", "scope"}, exclude_none=True)
        if "habilitations" in info.scope:
            actor = ActorV1(account_id=info.sub, kind=info.account_kind)
            claims["habilitations"] = [
                {"role": h.role, "siret": h.siret, "end_date": h.end_date.isoformat() if h.end_date else None}
                for h in await active_habilitations(rpc, actor)
                if h.service == info.service
            ]
    except RpcRefused as refused:
        if refused.error.code == ErrorCode.INVALID_TOKEN:
            return oauth_error(401, "invalid_token", refused.error.detail, invalid)
        raise
    except RpcUnavailable:
        return _unavailable()
    return JSONResponse(claims, headers=NO_STORE)


@router.get("/userinfo", responses=OAUTH_ERRORS)
async def userinfo(request: Request, rpc: Rpc) -> Response:
    """Les informations de la personne pour les portées accordées (`Authorization: Bearer`), à cet instant."""
    return await _userinfo(rpc, _bearer(request, None))


@router.post("/userinfo", responses=OAUTH_ERRORS, openapi_extra=_form_body("access_token"))
async def userinfo_post(request: Request, rpc: Rpc) -> Response:
    """Comme `GET`, le jeton dans l'en-tête ou dans le corps (RFC 6750 §2.2)."""
    form = await _form(request) or {}
    return await _userinfo(rpc, _bearer(request, form.get("access_token")))


REVOKE_FIELDS = ("token", "token_type_hint", "client_id", "client_secret")


@router.post("/revoke", responses=OAUTH_ERRORS, openapi_extra=_form_body(*REVOKE_FIELDS, required=("token",)))
async def revoke(request: Request, rpc: Rpc) -> Response:
    """Révocation (RFC 7009) d'un jeton d'accès de l'application ; un jeton inconnu répond aussi 200."""
    given = await _client_form(request)
    if isinstance(given, JSONResponse):
        return given
    form, credentials = given
    if not form.get("token"):
        return oauth_error(400, "invalid_request", "Le paramètre token est obligatoire.")
    revocation = RevokeOidcTokenV1(client_id=credentials[0], client_secret=credentials[1], token=form["token"])
    try:
        await rpc.call(IDENTITY, revocation)
    except RpcRefused as refused:
        if refused.error.code == ErrorCode.INVALID_CLIENT:
            return _invalid_client()
        raise
    except RpcUnavailable:
        return _unavailable()
    return Response(status_code=200, headers=NO_STORE)


class JwkSetResponse(JSONResponse):
    media_type = "application/jwk-set+json"  # RFC 7517 §8.5.1, documented as such


@router.get("/jwks", response_model=JwksV1, response_class=JwkSetResponse, responses={503: OAUTH_ERRORS[503]})
async def jwks(rpc: Rpc) -> Response:
    """Les clés publiques de signature (ES256) : la courante, la suivante et celles encore valables."""
    try:
        keys = await rpc.call(IDENTITY, GetSigningKeysV1())
    except RpcUnavailable:
        return _unavailable()
    return JwkSetResponse(keys.model_dump(), headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE}"})
