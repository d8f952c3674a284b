"""The gateway's captcha routes in memory: each request carries the client address identity counts on."""

import base64
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.identity import (
    CaptchaCreatedV1,
    CaptchaMediaV1,
    CreateCaptchaV1,
    GetCaptchaAudioV1,
    GetCaptchaImageV1,
)
from contracts.rpc import RpcError
from gateway import problems
from gateway.fakes import FakeServices
from gateway.routes import captchas

CREATED = CaptchaCreatedV1(captcha_id="c-1", expires_at=datetime(2030, 1, 15, 9, 10, tzinfo=UTC))
MEDIA = CaptchaMediaV1(media_type="image/png", content_base64=base64.b64encode(b"png").decode())
# Starlette's test client connects as « testclient »: the address the route reads.
PEER = "testclient"


def client(rpc: FakeServices) -> TestClient:
    app = FastAPI()
    problems.install(app)
    app.state.rpc = rpc
    app.include_router(captchas.router)
    return TestClient(app)


def test_creating_a_captcha_tells_identity_the_client_address() -> None:
    rpc = FakeServices(CREATED)

    response = client(rpc).post("/api/v1/captchas")

    assert response.status_code == 201
    assert rpc.requests == [CreateCaptchaV1(client_ip=PEER)]


def test_the_image_and_the_audio_tell_identity_the_client_address() -> None:
    rpc = FakeServices(MEDIA)
    http = client(rpc)

    assert http.get("/api/v1/captchas/c-1/image").content == b"png"
    assert http.get("/api/v1/captchas/c-1/audio").status_code == 200

    assert rpc.requests == [
        GetCaptchaImageV1(captcha_id="c-1", client_ip=PEER),
        GetCaptchaAudioV1(captcha_id="c-1", client_ip=PEER),
    ]


def test_an_address_over_its_budget_gets_429_with_the_wait() -> None:
    refusal = RpcError(code="rate_limited", detail="Trop de codes de sécurité…", retry_after_seconds=17)

    response = client(FakeServices(refusal=refusal)).post("/api/v1/captchas")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "17"
    assert response.json()["code"] == "rate_limited"
