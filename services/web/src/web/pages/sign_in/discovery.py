"""OpenID Connect Discovery 1.0 / RFC 8414: what a relying party needs to know, from the issuer's address.

The issuer is this service's public address (sign-in happens on its pages); the machine endpoints
are the gateway's. Everything here follows from the settings: it is built once.
"""

from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from web.config import WebSettings

router = APIRouter()
SCOPES = ["openid", "email", "profile", "organization", "habilitations"]
CLAIMS = [
    "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid",
    "email", "email_verified", "given_name", "family_name", "civility", "siren", "organization_name", "habilitations",
]  # fmt: skip


@cache
def _document(issuer: str, api: str) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oidc/authorize",
        "end_session_endpoint": f"{issuer}/oidc/logout",
        "token_endpoint": f"{api}/oidc/token",
        "userinfo_endpoint": f"{api}/oidc/userinfo",
        "revocation_endpoint": f"{api}/oidc/revoke",
        "jwks_uri": f"{api}/oidc/jwks",
        "scopes_supported": SCOPES,
        "claims_supported": CLAIMS,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login"],
        "acr_values_supported": ["efp:pwd", "efp:mfa"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
        "ui_locales_supported": ["fr"],
    }


@router.get("/.well-known/openid-configuration")
async def openid_configuration(request: Request) -> JSONResponse:
    settings: WebSettings = request.app.state.settings
    document = _document(settings.origin(), settings.gateway_public_origin())
    # Relying parties may cache it: it changes only with a deployment.
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"})
