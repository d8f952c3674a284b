"""create_app()'s subscriptions, in memory (FastStream's TestRabbitBroker) over the service's fakes: the RPC
queue answers its routes and refusals, the credentials queue the requests that carry a secret."""

from typing import Any

from faststream.rabbit import TestRabbitBroker
from pydantic import BaseModel

from contracts.accounts import GetProfileV1, LogOutV1
from contracts.identity import CaptchaCreatedV1, CreateCaptchaV1
from contracts.rpc import PingV1, PongV1, Request, RpcReply
from contracts.topology import credentials_queue, rpc_queue
from identity.config import IdentitySettings
from identity.domain.session import Session, session_id_of
from identity.fakes import T0, Fakes
from identity.main import create_app

SETTINGS = IdentitySettings(IDENTITY_SECRET_KEY="k" * 32)  # type: ignore[call-arg]


async def ask(fakes: Fakes, request: Request[Any], queue: str) -> RpcReply[Any]:
    app = create_app(SETTINGS, fakes.adapters())
    async with TestRabbitBroker(app.broker) as broker:  # type: ignore[arg-type]
        reply = await broker.request(request.model_dump(), queue, correlation_id="c-1", message_id="m-1")
    return RpcReply[request.RESULT].model_validate_json(reply.body)  # type: ignore[name-defined]


async def test_the_rpc_queue_answers_a_ping() -> None:
    reply = await ask(Fakes(), PingV1(), rpc_queue("identity"))

    assert reply.result == PongV1(service="identity")


async def test_a_request_reaches_its_use_case_on_the_fakes() -> None:
    fakes = Fakes()

    reply = await ask(fakes, CreateCaptchaV1(), rpc_queue("identity"))

    assert isinstance(reply.result, CaptchaCreatedV1)
    assert list(fakes.captchas.captchas) == [reply.result.captcha_id]


async def test_a_refusal_is_answered_with_its_code() -> None:
    reply = await ask(Fakes(), GetProfileV1(account_id="nobody"), rpc_queue("identity"))

    assert reply.result is None
    assert reply.error is not None
    assert (reply.error.code, reply.error.detail) == ("not_found", "Ce compte est introuvable.")


async def test_a_request_carrying_a_secret_is_answered_on_the_credentials_queue() -> None:
    fakes = Fakes()
    await fakes.sessions.add(Session(session_id_of("token"), "a-1", "csrf", T0, T0), [])

    reply = await ask(fakes, LogOutV1(session_token="token"), credentials_queue("identity"))

    assert isinstance(reply.result, BaseModel)
    assert fakes.sessions.sessions[session_id_of("token")].revoked_at is not None
