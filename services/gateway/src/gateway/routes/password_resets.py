"""Password reset by code (guide §5.2), identity service."""

from fastapi import APIRouter, Request, status
from pydantic import BaseModel

from contracts.accounts import (
    PasswordResetStepV1,
    RequestPasswordResetV1,
    ResetPasswordV1,
    VerifyPasswordResetCodeV1,
)
from gateway import auth
from gateway.problems import problem_responses
from gateway.routes.bodies import CaptchaIn, CodeIn
from gateway.routes.passwords import NewPasswordIn
from gateway.rpc import IDENTITY, Rpc

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])


class ResetIn(CaptchaIn):
    pass


class ResetOut(BaseModel):
    reset_id: str
    step: str

    @classmethod
    def of(cls, step: PasswordResetStepV1) -> "ResetOut":
        return cls(reset_id=step.reset_id, step=step.step)


@router.post(
    "/password-resets",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ResetOut,
    responses=problem_responses(400, 422, 429, 503),
)
async def request_reset(body: ResetIn, request: Request, rpc: Rpc) -> ResetOut:
    """Toujours 202, que l'adresse ait un compte ou non ; un code à usage unique (24 h) est envoyé au titulaire."""
    step = await rpc.call(
        IDENTITY,
        RequestPasswordResetV1(
            email=body.email,
            captcha_id=body.captcha_id,
            captcha_answer=body.captcha_answer,
            client_ip=auth.client_ip(request),
        ),
    )
    return ResetOut.of(step)


@router.post(
    "/password-resets/{reset_id}/verify",
    response_model=ResetOut,
    responses=problem_responses(400, 404, 409, 410, 422, 503),
)
async def verify_reset_code(reset_id: str, body: CodeIn, rpc: Rpc) -> ResetOut:
    step = await rpc.call(IDENTITY, VerifyPasswordResetCodeV1(reset_id=reset_id, code=body.code))
    return ResetOut.of(step)


@router.post(
    "/password-resets/{reset_id}/password",
    response_model=ResetOut,
    responses=problem_responses(404, 409, 410, 422, 503),
)
async def reset_password(reset_id: str, body: NewPasswordIn, rpc: Rpc) -> ResetOut:
    """Le nouveau mot de passe ; toutes les sessions du compte sont fermées."""
    step = await rpc.call(IDENTITY, ResetPasswordV1(reset_id=reset_id, password=body.password))
    return ResetOut.of(step)
