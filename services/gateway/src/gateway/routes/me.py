"""The caller's own account: `GET` and `PATCH /api/v1/me`, `POST /api/v1/me/password`."""

import asyncio

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.accounts import AccountProfileV1, ChangePasswordV1, GetProfileV1, UpdateProfileV1
from contracts.errors import ErrorCode
from contracts.habilitation import HabilitationV1
from contracts.habilitation_management import AccessSummaryV1, GetAccessSummaryV1
from efp_runtime.rpc import RpcRefused
from gateway import auth
from gateway.problems import from_rpc_error, problem_responses
from gateway.routes.passwords import NewPasswordIn
from gateway.rpc import HABILITATION, IDENTITY, Rpc

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])


class AccountOut(BaseModel):
    account_id: str
    email: str
    civility: str | None
    last_name: str
    first_name: str
    job_title: str | None
    phone: str | None = Field(description="Format international : +33612345678.")
    kind: str
    siren: str | None
    agent_service: str | None = None
    region: str | None = None
    # From the habilitation service: organisations managed, habilitations, the red badge.
    manager_of: list[str] = []
    habilitations: list[HabilitationV1] = []
    pending_access_requests_to_review: int = 0
    # The habilitation service's: an agent or a manager who must enrol a second factor before using their rights.
    second_factor_required: bool = False
    # The session's (identity): the account has a factor enrolled; what this session proved (RFC 8176).
    second_factor_enrolled: bool = False
    amr: list[str] = []
    csrf_token: str


def account_out(
    profile: AccountProfileV1,
    csrf_token: str,
    summary: AccessSummaryV1 | None = None,
    *,
    amr: list[str],
    second_factor_enrolled: bool,
) -> AccountOut:
    extra = summary.model_dump() if summary else {}
    return AccountOut(
        **profile.model_dump(), **extra, amr=amr, second_factor_enrolled=second_factor_enrolled, csrf_token=csrf_token
    )


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    civility: str | None = Field(None, examples=["madame"])
    last_name: str | None = Field(None, max_length=80)
    first_name: str | None = Field(None, max_length=80)
    job_title: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30, examples=["06 12 34 56 78"])


@router.get("/me", response_model=AccountOut, responses=problem_responses(401, 503))
async def me(session: auth.Session, rpc: Rpc) -> AccountOut:
    profile, summary = await asyncio.gather(
        rpc.call(IDENTITY, GetProfileV1(account_id=session.account_id)),
        rpc.call(HABILITATION, GetAccessSummaryV1(actor=auth.actor_of(session))),
    )
    return account_out(
        profile, session.csrf_token, summary, amr=session.amr, second_factor_enrolled=session.second_factor_enrolled
    )


@router.patch("/me", response_model=AccountOut, responses=problem_responses(401, 403, 422, 503))
async def update_me(body: ProfileIn, session: auth.Session, rpc: Rpc) -> AccountOut:
    """Civilité, nom, prénom, poste, téléphone. Seuls les champs envoyés changent ; `null` efface poste ou téléphone."""
    changes = body.model_dump(exclude_unset=True)
    profile = await rpc.call(IDENTITY, UpdateProfileV1(account_id=session.account_id, changes=changes))
    return account_out(
        profile, session.csrf_token, amr=session.amr, second_factor_enrolled=session.second_factor_enrolled
    )


class ChangePasswordIn(NewPasswordIn):
    current_password: str = Field(min_length=1, max_length=256)


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(400, 401, 403, 422, 429, 503),
)
async def change_password(body: ChangePasswordIn, session: auth.Session, request: Request, rpc: Rpc) -> Response:
    """Changer son mot de passe : le mot de passe actuel, puis le nouveau (mêmes règles qu'à l'inscription).
    Les autres sessions du compte sont fermées ; celle-ci reste ouverte. Un e-mail confirme la modification."""
    token = auth.session_token(request)
    assert token is not None  # current_session found it
    try:
        await rpc.call(
            IDENTITY,
            ChangePasswordV1(session_token=token, current_password=body.current_password, password=body.password),
        )
    except RpcRefused as refused:
        if refused.error.code == ErrorCode.INVALID_CREDENTIALS:
            # A wrong current password is a field mistake here, not a lost session (401 would log the page out).
            return from_rpc_error(refused.error, status=status.HTTP_400_BAD_REQUEST)
        raise
    return Response(status_code=status.HTTP_204_NO_CONTENT)
