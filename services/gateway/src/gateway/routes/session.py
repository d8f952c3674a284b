"""Login and logout (identity service): a server-side session behind an HttpOnly cookie.

An account with a second factor logs in in two steps: the password opens a *pending* session (the
cookie is set, `second_factor_pending` is true) that opens nothing but the second step; the second
step replaces it by a full session (a new cookie and CSRF token). The same step on a full session is
the step-up. A pending session cannot be authenticated (`auth.current_session` refuses it), so these
routes give identity the cookie's token and the `X-CSRF-Token` header, and identity checks the CSRF.
"""

import contextlib
import json
from typing import Any, Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.accounts import LogInV1, LogOutOtherSessionsV1, LogOutV1, SessionOpenedV1
from contracts.errors import ErrorCode
from contracts.rpc import FieldError
from contracts.second_factor import SECOND_FACTOR_AMR, ProveSecondFactorV1, StartSecondFactorChallengeV1
from gateway import auth
from gateway.problems import problem_response, problem_responses
from gateway.routes.bodies import Body, Credential, credential_text
from gateway.routes.me import AccountOut, account_out
from gateway.rpc import IDENTITY, Rpc

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])
# OWASP's device cookie: sent back only to the login, it lets this browser's owner through while
# failures elsewhere keep the address locked; a year, renewed at each successful login.
DEVICE_COOKIE = "efp_device"
DEVICE_COOKIE_SECONDS = 365 * 24 * 3600


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254, examples=["jean.dupont@entreprise.fr"])
    password: str = Field(min_length=1, max_length=256)
    captcha_id: str = Field(min_length=1, max_length=64)
    captcha_answer: str = Field(min_length=1, max_length=32)


class SessionOut(BaseModel):
    account: AccountOut
    csrf_token: str
    expires_at: str
    # True: the session waits for its second step (`POST /api/v1/session/second-factor`), nothing else opens.
    second_factor_pending: bool = False
    # RFC 8176: "pwd", then "otp" (a code) or "hwk" (a passkey) and "mfa" once a second factor is proved.
    amr: list[str] = ["pwd"]


def opened_session(request: Request, response: Response, opened: SessionOpenedV1) -> SessionOut:
    """The cookies of a session identity just opened (login or second step), and the body both answer."""
    secure = request.app.state.settings.secure_cookies()
    auth.set_session_cookie(response, opened.session_token, secure)
    if opened.device_token:
        response.set_cookie(
            DEVICE_COOKIE,
            opened.device_token,
            max_age=DEVICE_COOKIE_SECONDS,
            httponly=True,
            samesite="strict",
            secure=secure,
            path="/api/v1/session",
        )
    enrolled = opened.second_factor_pending or bool(SECOND_FACTOR_AMR & set(opened.amr))
    return SessionOut(
        account=account_out(opened.account, opened.csrf_token, amr=opened.amr, second_factor_enrolled=enrolled),
        csrf_token=opened.csrf_token,
        expires_at=opened.expires_at.isoformat().replace("+00:00", "Z"),
        second_factor_pending=opened.second_factor_pending,
        amr=opened.amr,
    )


@router.post("/session", response_model=SessionOut, responses=problem_responses(400, 401, 422, 429, 503))
async def log_in(body: LoginIn, request: Request, rpc: Rpc, response: Response) -> SessionOut:
    """« Je m'identifie avec EFP CONNECT » : identifiant, mot de passe et code de sécurité.

    Avec une double authentification, la session ouverte attend sa seconde étape (`second_factor_pending`).
    """
    opened = await rpc.call(
        IDENTITY,
        LogInV1(
            email=body.email,
            password=body.password,
            captcha_id=body.captcha_id,
            captcha_answer=body.captcha_answer,
            client_ip=auth.client_ip(request),
            previous_session_token=auth.session_token(request),
            device_token=request.cookies.get(DEVICE_COOKIE),
        ),
    )
    return opened_session(request, response, opened)


def _token_and_csrf(request: Request) -> tuple[str, str]:
    """A pending or full session's cookie and the CSRF header, which identity compares (it can read a pending
    session; the gateway cannot). Missing ones are refused here, as every other route refuses them."""
    token = auth.session_token(request)
    if not token:
        raise auth.Unauthenticated()
    csrf = request.headers.get(auth.CSRF_HEADER, "")
    if not csrf or len(csrf) > 200:
        raise auth.CsrfFailed()
    return token, csrf


class ChallengeOut(BaseModel):
    options: dict[str, Any] = Field(description="PublicKeyCredentialRequestOptions (JSON de WebAuthn).")


@router.post(
    "/session/second-factor/challenge", response_model=ChallengeOut, responses=problem_responses(400, 401, 403, 503)
)
async def second_factor_challenge(request: Request, rpc: Rpc) -> ChallengeOut:
    """Seconde étape par clé d'accès : les options de `navigator.credentials.get()` (un défi à usage unique)."""
    token, csrf = _token_and_csrf(request)
    found = await rpc.call(IDENTITY, StartSecondFactorChallengeV1(session_token=token, csrf_token=csrf))
    return ChallengeOut(options=json.loads(found.options))


class SecondFactorIn(Body):
    method: Literal["totp", "recovery_code", "passkey"]
    code: str | None = Field(None, min_length=1, max_length=32, examples=["123456"])
    credential: Credential | None = Field(None, description="`credential.toJSON()` (clé d'accès).")

    def missing(self) -> str | None:
        """The field the method needs and the body lacks."""
        if self.method == "passkey":
            return "credential" if self.credential is None else None
        return "code" if self.code is None else None


@router.post(
    "/session/second-factor", response_model=SessionOut, responses=problem_responses(400, 401, 403, 422, 429, 503)
)
async def prove_second_factor(body: SecondFactorIn, request: Request, rpc: Rpc, response: Response) -> Any:
    """Seconde étape de la connexion, ou confirmation d'identité (step-up) : un code de l'application,
    un code de secours ou une clé d'accès. Une nouvelle session remplace la précédente (nouveau cookie,
    nouveau jeton CSRF)."""
    token, csrf = _token_and_csrf(request)
    missing = body.missing()
    if missing is not None:
        return problem_response(
            ErrorCode.VALIDATION_ERROR,
            "Certaines informations saisies sont invalides.",
            [FieldError(field=missing, message="Ce champ est obligatoire.")],
        )
    opened = await rpc.call(
        IDENTITY,
        ProveSecondFactorV1(
            session_token=token,
            csrf_token=csrf,
            method=body.method,
            code=body.code if body.method != "passkey" else None,
            credential=credential_text(body.credential) if body.method == "passkey" and body.credential else None,
            client_ip=auth.client_ip(request),
        ),
    )
    return opened_session(request, response, opened)


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403, 503))
async def log_out(request: Request, rpc: Rpc) -> Response:
    """Déconnexion : la session est fermée côté serveur (une session qui attend sa seconde étape aussi)."""
    # A pending session opens nothing and the gateway cannot read its CSRF token: abandoning a login closes it.
    with contextlib.suppress(auth.SecondFactorPending):
        await auth.current_session(request, rpc)
    token = auth.session_token(request)
    assert token is not None  # current_session found it
    await rpc.call(IDENTITY, LogOutV1(session_token=token))
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    auth.clear_session_cookie(response, request.app.state.settings.secure_cookies())
    return response


class OtherSessionsOut(BaseModel):
    closed: int


@router.delete("/session/others", response_model=OtherSessionsOut, responses=problem_responses(401, 403, 503))
async def log_out_other_sessions(session: auth.Session, request: Request, rpc: Rpc) -> OtherSessionsOut:
    """« Se déconnecter de mes autres sessions » : toutes les sessions du compte sauf celle-ci sont fermées."""
    token = auth.session_token(request)
    assert token is not None  # current_session found it
    closed = await rpc.call(IDENTITY, LogOutOtherSessionsV1(session_token=token))
    return OtherSessionsOut(closed=closed.closed)
