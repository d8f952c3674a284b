"""Login and logout (identity service): a server-side session behind an HttpOnly cookie."""

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.accounts import LogInV1, LogOutOtherSessionsV1, LogOutV1
from gateway import auth
from gateway.problems import problem_responses
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


@router.post("/session", response_model=SessionOut, responses=problem_responses(400, 401, 422, 429, 503))
async def log_in(body: LoginIn, request: Request, rpc: Rpc, response: Response) -> SessionOut:
    """« Je m'identifie avec EFP CONNECT » : identifiant, mot de passe et code de sécurité."""
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
    return SessionOut(
        account=account_out(opened.account, opened.csrf_token),
        csrf_token=opened.csrf_token,
        expires_at=opened.expires_at.isoformat().replace("+00:00", "Z"),
    )


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403, 503))
async def log_out(session: auth.Session, request: Request, rpc: Rpc) -> Response:
    """Déconnexion : la session est fermée côté serveur."""
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
