"""The store away: a request says 503 (not 500), a consumed message waits for it, a readiness ping says so."""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from faststream.exceptions import NackMessage
from pydantic import BaseModel
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    NetworkTimeout,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
)

from contracts.errors import ErrorCode
from contracts.rpc import PingV1, PongV1, RpcError, RpcReply
from efp_runtime.message_context import MessageContext
from efp_runtime.rpc import INTERNAL_ERROR, RpcClient, RpcRefused, RpcUnavailable
from efp_runtime.service import checked_first, serve_requests
from efp_runtime.store_outage import STORE_UNAVAILABLE, store_unavailable, until_store_answers, waiting_for_the_store

CONTEXT = MessageContext(message_id="m-1", correlation_id="c-1")
AWAY = [
    AutoReconnect("connection reset by peer"),
    ServerSelectionTimeoutError("127.0.0.1:27017: connection refused"),
    NetworkTimeout("timed out"),
    NotPrimaryError("not primary"),
]


def message() -> SimpleNamespace:
    return SimpleNamespace(
        message_id="m-1", correlation_id="c-1", headers={}, raw_message=SimpleNamespace(redelivered=False, user_id=None)
    )


class Flaky:
    """A call failing with `errors` in turn, then answering "done"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


@pytest.mark.parametrize("error", AWAY, ids=lambda e: type(e).__name__)
def test_errors_saying_the_store_did_not_answer_are_told_apart(error: Exception) -> None:
    assert store_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [DuplicateKeyError("E11000"), OperationFailure("bad query", 2), ValueError("a bug"), ConnectionError("broker")],
    ids=lambda e: type(e).__name__,
)
def test_a_refusal_from_the_store_or_a_bug_is_not_an_outage(error: Exception) -> None:
    assert not store_unavailable(error)


@pytest.mark.parametrize("error", AWAY, ids=lambda e: type(e).__name__)
async def test_a_request_meeting_the_store_away_is_answered_service_unavailable_not_internal_error(
    error: Exception,
) -> None:
    async def use_case(request: object, context: MessageContext) -> BaseModel:
        raise error

    handler = serve_requests("identity", {PingV1: use_case})

    reply = await handler(PingV1(), message())

    assert reply.error == STORE_UNAVAILABLE
    assert ErrorCode(reply.error.code).status == 503


async def test_any_other_failure_is_still_an_internal_error() -> None:
    async def use_case(request: object, context: MessageContext) -> BaseModel:
        raise KeyError("a bug")

    reply = await serve_requests("identity", {PingV1: use_case})(PingV1(), message())

    assert reply.error == INTERNAL_ERROR


async def test_a_call_is_made_again_until_the_store_answers() -> None:
    call = Flaky(AutoReconnect("reset"), ServerSelectionTimeoutError("refused"))

    assert await until_store_answers(call, "test", pause=0) == "done"
    assert call.calls == 3


async def test_an_error_that_is_not_an_outage_is_raised_at_once() -> None:
    call = Flaky(DuplicateKeyError("E11000"))

    with pytest.raises(DuplicateKeyError):
        await until_store_answers(call, "test", pause=0)
    assert call.calls == 1


async def test_past_its_patience_the_outage_is_raised() -> None:
    call = Flaky(*[AutoReconnect("reset")] * 10)
    ticks = iter(range(100))

    with pytest.raises(AutoReconnect):
        await until_store_answers(call, "test", patience=3, pause=0, clock=lambda: float(next(ticks)))
    assert call.calls == 3


async def test_a_consumed_message_is_handled_again_once_the_store_answers() -> None:
    handler = Flaky(AutoReconnect("reset"))

    done = await waiting_for_the_store(handler, "q", pause=0)(body="command")

    assert (done, handler.calls) == ("done", 2)


async def test_a_message_the_store_cannot_take_for_too_long_goes_back_to_its_queue_not_to_the_dead_letters() -> None:
    handler = Flaky(*[AutoReconnect("reset")] * 10)

    with pytest.raises(NackMessage) as nacked:
        await waiting_for_the_store(handler, "q", patience=0, pause=0)(body="command")
    assert nacked.value.extra_options == {"requeue": True}


async def test_a_message_failing_otherwise_is_rejected_as_before() -> None:
    handler = Flaky(ValueError("poison"))

    with pytest.raises(ValueError, match="poison"):
        await waiting_for_the_store(handler, "q", pause=0)(body="command")


async def test_the_readiness_ping_fails_while_a_check_does() -> None:
    checks_failing = [AutoReconnect("store away")]

    async def store_answers() -> None:
        if checks_failing:
            raise checks_failing.pop()

    async def pong(request: object, context: MessageContext) -> BaseModel:
        return PongV1(service="identity")

    handler = serve_requests("identity", {PingV1: checked_first([store_answers], pong)})

    away, back = await handler(PingV1(), message()), await handler(PingV1(), message())

    assert away.error == STORE_UNAVAILABLE
    assert back.result == PongV1(service="identity")


async def test_the_wait_between_attempts_is_a_real_pause() -> None:
    call = Flaky(AutoReconnect("reset"))
    loop = asyncio.get_running_loop()
    started = loop.time()

    await until_store_answers(call, "test", pause=0.05)

    assert loop.time() - started >= 0.05


class AnsweringChannel:
    """A channel whose every request is answered at once with `reply` (the client's own reply consumer)."""

    def __init__(self, client: RpcClient, reply: RpcReply[Any]) -> None:
        self.default_exchange = self
        self._client, self._reply = client, reply

    async def publish(self, message: Any, routing_key: str, mandatory: bool) -> None:
        answer = SimpleNamespace(correlation_id=message.correlation_id, body=self._reply.model_dump_json().encode())
        await self._client._on_reply(answer)  # type: ignore[arg-type]


def answered(reply: RpcReply[Any]) -> RpcClient:
    client = RpcClient("amqp://habilitation:x@127.0.0.1/", "habilitation", 1)
    client._channel = AnsweringChannel(client, reply)  # type: ignore[assignment]
    return client


async def test_a_service_answering_service_unavailable_is_unavailable_to_its_caller_not_a_refusal() -> None:
    client = answered(RpcReply(error=STORE_UNAVAILABLE))

    with pytest.raises(RpcUnavailable) as away:
        await client.call("identity", PingV1())
    assert away.value.error == STORE_UNAVAILABLE


async def test_another_refusal_is_still_a_refusal() -> None:
    client = answered(RpcReply(error=RpcError(code="not_found", detail="Introuvable.")))

    with pytest.raises(RpcRefused):
        await client.call("identity", PingV1())


async def test_a_service_this_one_asked_being_unavailable_makes_this_request_unavailable_too() -> None:
    async def use_case(request: object, context: MessageContext) -> BaseModel:
        raise RpcUnavailable("identity did not answer ping.v1")

    reply = await serve_requests("habilitation", {PingV1: use_case})(PingV1(), message())

    assert reply.error is not None
    assert reply.error.code == ErrorCode.SERVICE_UNAVAILABLE
