"""Sign-up routes (identity service). Paths and fields follow API.md « Account »."""

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.identity import RegistrationStepV1, StartRegistrationV1, VerifyRegistrationCodeV1
from gateway.problems import problem_responses
from gateway.rpc import IDENTITY, rpc_client

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegistrationIn(_Body):
    email: str = Field(min_length=3, max_length=254, examples=["jean.dupont@entreprise.fr"])
    captcha_id: str = Field(min_length=1, max_length=64)
    captcha_answer: str = Field(min_length=1, max_length=32)


class RegistrationOut(BaseModel):
    registration_id: str
    step: str


class VerifyIn(_Body):
    code: str = Field(min_length=1, max_length=16, examples=["764906"])


@router.post(
    "/registrations",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationOut,
    responses=problem_responses(400, 422, 503),
)
async def start_registration(body: RegistrationIn, request: Request) -> RegistrationOut:
    """Étape 1 sur 5 : l'e-mail de connexion et le code de sécurité. Un code de validation est envoyé par e-mail."""
    step = await rpc_client(request).call(
        IDENTITY,
        StartRegistrationV1(email=body.email, captcha_id=body.captcha_id, captcha_answer=body.captcha_answer),
        RegistrationStepV1,
    )
    return RegistrationOut(registration_id=step.registration_id, step=step.step)


@router.post(
    "/registrations/{registration_id}/verify",
    response_model=RegistrationOut,
    responses=problem_responses(400, 404, 409, 410, 422, 503),
)
async def verify_registration(registration_id: str, body: VerifyIn, request: Request) -> RegistrationOut:
    """Étape 2 sur 5 : le code de validation reçu par e-mail (6 chiffres, valable 1 heure)."""
    step = await rpc_client(request).call(
        IDENTITY, VerifyRegistrationCodeV1(registration_id=registration_id, code=body.code), RegistrationStepV1
    )
    return RegistrationOut(registration_id=step.registration_id, step=step.step)
