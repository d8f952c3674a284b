"""The identity RPC queues as the service declares them: a route per request, each to its use case, refusals
and failures as replies (served by the kit's handler)."""

import dataclasses
import re
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel

from contracts.accounts import DoneV1, LogOutV1, UpdateProfileV1
from contracts.catalogue import requests_of
from contracts.envelope import CORRELATION_HEADER
from contracts.rpc import FieldError, PingV1, PongV1, Request, RpcError
from efp_runtime.message_context import MessageContext
from efp_runtime.rpc import INTERNAL_ERROR
from efp_runtime.service import serve_requests
from identity.composition import Identity, Oidc
from identity.domain.errors import RateLimited, WeakPassword
from identity.entrypoints.rpc_handlers import routes
from identity.fakes import Fakes
from identity.my_data_wiring import MyData
from identity.privacy_wiring import Privacy
from identity.second_factor_wiring import SecondFactor

CONTEXT = MessageContext(message_id="m-13", correlation_id="corr-13")
MEMBERS = tuple(sorted(requests_of("identity"), key=lambda m: m.__name__))


class UseCases(SimpleNamespace):
    """Every use case of `Identity`, each recording its call and answering DoneV1 (or raising `failure`)."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        super().__init__(**{f.name: self._use_case(f.name, failure) for f in dataclasses.fields(Identity)})
        # The single sign-on's use cases are grouped (`identity.oidc.…`).
        self.oidc = SimpleNamespace(**{f.name: self._use_case(f.name, failure) for f in dataclasses.fields(Oidc)})
        self.second_factor = SimpleNamespace(
            **{f.name: self._use_case(f.name, failure) for f in dataclasses.fields(SecondFactor)}
        )
        self.my_data = SimpleNamespace(**{f.name: self._use_case(f.name, failure) for f in dataclasses.fields(MyData)})
        self.privacy = SimpleNamespace(**{f.name: self._use_case(f.name, failure) for f in dataclasses.fields(Privacy)})

    def _use_case(self, name: str, failure: Exception | None) -> Callable[..., Awaitable[BaseModel]]:
        async def use_case(*args: Any) -> BaseModel:
            self.calls.append((name, args))
            if failure is not None:
                raise failure
            return DoneV1()

        return use_case


def use_case_name(request_type: type[Request]) -> str:
    """LogInV1 → log_in."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", request_type.__name__.removesuffix("V1")).lower()


def message(headers: dict[str, str] | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        message_id="m-13",
        correlation_id="corr-13",
        headers=headers or {},
        raw_message=SimpleNamespace(redelivered=False, user_id=None),
    )


def test_the_request_union_is_read_as_expected() -> None:
    assert PingV1 in MEMBERS
    assert len(MEMBERS) == 45


def make_rpc_handler(use_cases: Any) -> Any:
    return serve_requests("identity", routes(use_cases))


def test_every_identity_request_has_a_route_and_no_route_is_left_over() -> None:
    table = routes(Fakes().use_cases())

    assert set(table) == set(MEMBERS)


@pytest.mark.parametrize("request_type", [m for m in MEMBERS if m is not PingV1], ids=lambda m: m.__name__)
async def test_each_request_goes_to_its_use_case_as_the_command_with_the_context(request_type: type[Request]) -> None:
    use_cases = UseCases()
    values = {name: f"<{name}>" for name in request_type.model_fields if name != "kind"}
    request = request_type.model_construct(**values)

    result = await routes(use_cases)[request_type](request, CONTEXT)  # type: ignore[arg-type]

    assert result == DoneV1()
    [(name, args)] = use_cases.calls
    assert name == use_case_name(request_type)
    assert args == (request, CONTEXT)


async def test_ping_is_answered_by_the_service_itself() -> None:
    use_cases = UseCases()

    pong = await routes(use_cases)[PingV1](PingV1(), CONTEXT)  # type: ignore[arg-type]

    assert pong == PongV1(service="identity")
    assert use_cases.calls == []


async def test_a_result_is_returned_in_the_reply() -> None:
    handler = make_rpc_handler(UseCases())  # type: ignore[arg-type]

    reply = await handler(LogOutV1(session_token="t"), message())

    assert (reply.result, reply.error) == (DoneV1(), None)


async def test_the_use_case_gets_the_correlation_of_the_message_headers() -> None:
    use_cases = UseCases()
    handler = make_rpc_handler(use_cases)  # type: ignore[arg-type]

    await handler(UpdateProfileV1(account_id="a-1", changes={}), message({CORRELATION_HEADER: "journey-1"}))

    [(_, (_, context))] = use_cases.calls
    assert context == MessageContext(message_id="m-13", correlation_id="journey-1")


async def test_an_identity_error_becomes_a_reply_error_with_its_fields() -> None:
    refusal = WeakPassword(
        "Trop court.", field="password", errors=[("password", "Trop court."), ("password", "Trop simple.")]
    )
    handler = make_rpc_handler(UseCases(failure=refusal))  # type: ignore[arg-type]

    reply = await handler(LogOutV1(session_token="t"), message())

    assert reply.result is None
    assert reply.error == RpcError(
        code="weak_password",
        detail="Trop court.",
        errors=[
            FieldError(field="password", message="Trop court."),
            FieldError(field="password", message="Trop simple."),
        ],
        retry_after_seconds=None,
    )


async def test_a_rate_limit_carries_its_wait_in_the_reply() -> None:
    handler = make_rpc_handler(UseCases(failure=RateLimited(retry_after_seconds=61)))  # type: ignore[arg-type]

    reply = await handler(LogOutV1(session_token="t"), message())

    assert reply.error is not None
    assert (reply.error.code, reply.error.retry_after_seconds) == ("rate_limited", 61)
    assert reply.error.detail == "Trop de tentatives. Veuillez réessayer plus tard."
    assert reply.error.errors == []


async def test_an_unexpected_exception_becomes_internal_error() -> None:
    handler = make_rpc_handler(UseCases(failure=RuntimeError("mongo is away")))  # type: ignore[arg-type]

    reply = await handler(LogOutV1(session_token="t"), message())

    assert (reply.result, reply.error) == (None, INTERNAL_ERROR)
    assert reply.error is not None
    assert reply.error.code == "internal_error"
    assert "mongo" not in reply.model_dump_json()
