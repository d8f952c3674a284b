"""Password reset by code (guide §5.2), identity service."""

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.accounts import (
    PasswordResetStepV1,
    RequestPasswordResetV1,
    ResetPasswordV1,
    VerifyPasswordResetCodeV1,
)
from gateway.problems import problem_responses
from gateway.routes.passwords import NewPasswordIn
from gateway.rpc import IDENTITY, rpc_client

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])


class ResetIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254)
    captcha_id: str = Field(min_length=1, max_length=64)
    captcha_answer: str = Field(min_length=1, max_length=32)


class ResetOut(BaseModel):
    reset_id: str
    step: str


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=16)


@router.post(
    "/password-resets",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ResetOut,
    responses=problem_responses(400, 422, 429, 503),
)
async def request_reset(body: ResetIn, request: Request) -> ResetOut:
    """Toujours 202, que l'adresse ait un compte ou non ; un code à usage unique (24 h) est envoyé au titulaire."""
    step = await rpc_client(request).call(
        IDENTITY,
        RequestPasswordResetV1(email=body.email, captcha_id=body.captcha_id, captcha_answer=body.captcha_answer),
        PasswordResetStepV1,
    )
    return ResetOut(reset_id=step.reset_id, step=step.step)


@router.post(
    "/password-resets/{reset_id}/verify",
    response_model=ResetOut,
    responses=problem_responses(400, 404, 409, 410, 422, 503),
)
async def verify_reset_code(reset_id: str, body: CodeIn, request: Request) -> ResetOut:
    step = await rpc_client(request).call(
        IDENTITY, VerifyPasswordResetCodeV1(reset_id=reset_id, code=body.code), PasswordResetStepV1
    )
    return ResetOut(reset_id=step.reset_id, step=step.step)


@router.post(
    "/password-resets/{reset_id}/password",
    response_model=ResetOut,
    responses=problem_responses(404, 409, 410, 422, 503),
)
async def reset_password(reset_id: str, body: NewPasswordIn, request: Request) -> ResetOut:
    """Le nouveau mot de passe ; toutes les sessions du compte sont fermées."""
    step = await rpc_client(request).call(
        IDENTITY, ResetPasswordV1(reset_id=reset_id, password=body.password), PasswordResetStepV1
    )
    return ResetOut(reset_id=step.reset_id, step=step.step)
