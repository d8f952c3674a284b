"""Captcha routes (identity service): a challenge, its image and its audio alternative."""

import base64

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from contracts.identity import (
    CaptchaMediaV1,
    CreateCaptchaV1,
    GetCaptchaAudioV1,
    GetCaptchaImageV1,
)
from gateway import auth
from gateway.problems import problem_responses
from gateway.rpc import IDENTITY, Rpc

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])


class CaptchaOut(BaseModel):
    captcha_id: str
    image_url: str = Field(description="Image PNG des caractères à recopier.")
    audio_url: str = Field(description="Alternative audio : les mêmes caractères épelés en français (WAV).")
    expires_at: str


@router.post(
    "/captchas", status_code=status.HTTP_201_CREATED, response_model=CaptchaOut, responses=problem_responses(429, 503)
)
async def create_captcha(request: Request, rpc: Rpc) -> CaptchaOut:
    """Un nouveau code de sécurité. Limité par adresse (429 `rate_limited` et `Retry-After` au-delà)."""
    created = await rpc.call(IDENTITY, CreateCaptchaV1(client_ip=auth.client_ip(request)))
    return CaptchaOut(
        captcha_id=created.captcha_id,
        image_url=str(request.url_for("captcha_image", captcha_id=created.captcha_id).path),
        audio_url=str(request.url_for("captcha_audio", captcha_id=created.captcha_id).path),
        expires_at=created.expires_at.isoformat().replace("+00:00", "Z"),
    )


@router.get(
    "/captchas/{captcha_id}/image",
    name="captcha_image",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **problem_responses(404, 429, 503)},
)
async def captcha_image(captcha_id: str, request: Request, rpc: Rpc) -> Response:
    image = await rpc.call(IDENTITY, GetCaptchaImageV1(captcha_id=captcha_id, client_ip=auth.client_ip(request)))
    return _media(image)


@router.get(
    "/captchas/{captcha_id}/audio",
    name="captcha_audio",
    response_class=Response,
    # 503 also when the speech engine is missing (`audio_unavailable`): the image still works.
    responses={200: {"content": {"audio/wav": {}}}, **problem_responses(404, 429, 503)},
)
async def captcha_audio(captcha_id: str, request: Request, rpc: Rpc) -> Response:
    audio = await rpc.call(IDENTITY, GetCaptchaAudioV1(captcha_id=captcha_id, client_ip=auth.client_ip(request)))
    return _media(audio)


def _media(media: CaptchaMediaV1) -> Response:
    # no-store: each captcha is single use, and a cached copy would outlive it.
    return Response(
        base64.b64decode(media.content_base64), media_type=media.media_type, headers={"Cache-Control": "no-store"}
    )
