"""Captcha and sign-up routes (identity service). Paths and fields follow API.md « Account »."""

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.identity import (
    CaptchaCreatedV1,
    CaptchaImageV1,
    CreateCaptchaV1,
    GetCaptchaImageV1,
    RegistrationStepV1,
    StartRegistrationV1,
    VerifyRegistrationCodeV1,
)
from efp_runtime.rpc import RpcClient
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])
IDENTITY = "identity"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CaptchaOut(BaseModel):
    captcha_id: str
    image_url: str
    audio_url: str | None = Field(None, description="Alternative audio (pas encore disponible).")
    expires_at: str


class RegistrationIn(_Body):
    email: str = Field(min_length=3, max_length=254, examples=["jean.dupont@entreprise.fr"])
    captcha_id: str = Field(min_length=1, max_length=64)
    captcha_answer: str = Field(min_length=1, max_length=32)


class RegistrationOut(BaseModel):
    registration_id: str
    step: str


class VerifyIn(_Body):
    code: str = Field(min_length=1, max_length=16, examples=["764906"])


def _rpc(request: Request) -> RpcClient:
    rpc: RpcClient = request.app.state.rpc
    return rpc


@router.post(
    "/captchas", status_code=status.HTTP_201_CREATED, response_model=CaptchaOut, responses=problem_responses(503)
)
async def create_captcha(request: Request) -> CaptchaOut:
    created = await _rpc(request).call(IDENTITY, CreateCaptchaV1(), CaptchaCreatedV1)
    return CaptchaOut(
        captcha_id=created.captcha_id,
        image_url=str(request.url_for("captcha_image", captcha_id=created.captcha_id).path),
        expires_at=created.expires_at.isoformat().replace("+00:00", "Z"),
    )


@router.get(
    "/captchas/{captcha_id}/image",
    name="captcha_image",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, **problem_responses(404, 503)},
)
async def captcha_image(captcha_id: str, request: Request) -> Response:
    image = await _rpc(request).call(IDENTITY, GetCaptchaImageV1(captcha_id=captcha_id), CaptchaImageV1)
    return Response(image.content, media_type=image.media_type, headers={"Cache-Control": "no-store"})


@router.post(
    "/registrations",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationOut,
    responses=problem_responses(400, 422, 503),
)
async def start_registration(body: RegistrationIn, request: Request) -> RegistrationOut:
    """Étape 1 sur 5 : l'e-mail de connexion et le code de sécurité. Un code de validation est envoyé par e-mail."""
    step = await _rpc(request).call(
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
    step = await _rpc(request).call(
        IDENTITY, VerifyRegistrationCodeV1(registration_id=registration_id, code=body.code), RegistrationStepV1
    )
    return RegistrationOut(registration_id=step.registration_id, step=step.step)
