"""The habilitation RPC entrypoint: a route per request of the union, refusals and failures as replies."""

from types import SimpleNamespace
from typing import Any, get_origin

import pytest

from contracts import invitations as inv
from contracts.activation import StartActivationV1
from contracts.catalogue import requests_of
from contracts.habilitation_management import DoneV1
from contracts.rpc import FieldError, PingV1, PongV1, Request, RpcError
from efp_runtime.rpc import INTERNAL_ERROR
from habilitation.domain.errors import InvalidInput, RateLimited, TooEarly
from habilitation.entrypoints.rpc_handlers import all_routes, make_rpc_handler
from services.habilitation.tests.unit.samples import CONTEXT

MEMBERS = tuple(sorted(requests_of("habilitation"), key=lambda m: m.__name__))
ROUTED = [m for m in MEMBERS if m is not PingV1]


class Container:
    """Stands in for `bootstrap.Habilitation`: any use case (or its method) records its call and answers DoneV1."""

    def __init__(self, failure: Exception | None = None, path: str = "", calls: list[Any] | None = None) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = [] if calls is None else calls
        self._failure = failure
        self.path = path

    def __getattr__(self, name: str) -> "Container":
        return Container(self._failure, f"{self.path}.{name}".lstrip("."), self.calls)

    async def __call__(self, *args: Any) -> DoneV1:
        self.calls.append((self.path, args))
        if self._failure is not None:
            raise self._failure
        return DoneV1()


def sample(request_type: type[Request[Any]]) -> Request[Any]:
    """A request whose every field holds a recognisable marker (a one-marker list for list fields)."""
    values: dict[str, Any] = {}
    for name, info in request_type.model_fields.items():
        if name != "kind":
            values[name] = [f"<{name}>"] if get_origin(info.annotation) is list else f"<{name}>"
    return request_type.model_construct(**values)


def message() -> SimpleNamespace:
    return SimpleNamespace(
        message_id="m-1",
        correlation_id="corr-1",
        headers={},
        raw_message=SimpleNamespace(redelivered=False, user_id=None),
    )


def test_every_habilitation_request_has_a_route_and_no_route_is_left_over() -> None:
    assert PingV1 in MEMBERS
    assert set(all_routes(Container())) == set(MEMBERS)  # type: ignore[arg-type]


@pytest.mark.parametrize("request_type", ROUTED, ids=lambda m: m.__name__)
async def test_each_request_is_the_command_of_one_use_case_called_with_the_context(
    request_type: type[Request[Any]],
) -> None:
    x = Container()
    request = sample(request_type)

    result = await all_routes(x)[request_type](request, CONTEXT)  # type: ignore[arg-type]

    assert result == DoneV1()
    [(_, args)] = x.calls
    assert args == (request, CONTEXT)


def test_no_two_requests_share_a_use_case() -> None:
    routes = all_routes(Container())  # type: ignore[arg-type]
    # A route split by sender (the operator's activation-code requests) counts as its default use case.
    answering = [getattr(routes[m], "others", routes[m]).path for m in ROUTED]

    assert len(set(answering)) == len(answering)


async def test_ping_is_answered_by_the_service_itself() -> None:
    pong = await all_routes(Container())[PingV1](PingV1(), CONTEXT)  # type: ignore[arg-type]

    assert pong == PongV1(service="habilitation")


def test_only_the_requests_with_a_secret_go_to_the_credentials_queue() -> None:
    # The invitation token and the activation code grant rights: neither may rest on the broker's disk.
    assert [m for m in MEMBERS if m.CARRIES_SECRET] == [inv.AcceptInvitationV1, StartActivationV1]


async def test_a_refusal_becomes_an_error_reply_with_code_detail_and_field() -> None:
    handler = make_rpc_handler(Container(InvalidInput("Le SIRET est invalide.", field="siret")))  # type: ignore[arg-type]

    reply = await handler(sample(_request("SubmitAccessRequestV1")), message())

    assert reply.result is None
    assert reply.error == RpcError(
        code="validation_error",
        detail="Le SIRET est invalide.",
        errors=[FieldError(field="siret", message="Le SIRET est invalide.")],
    )


async def test_a_too_early_resend_carries_resendable_at_in_details() -> None:
    refusal = TooEarly("Vous pourrez relancer la demande à partir du 14/02/2030.", extra={"resendable_at": "2030"})
    handler = make_rpc_handler(Container(refusal))  # type: ignore[arg-type]

    reply = await handler(sample(_request("ResendAccessRequestV1")), message())

    assert reply.error is not None
    assert (reply.error.code, reply.error.details, reply.error.errors) == ("too_early", {"resendable_at": "2030"}, [])
    assert "14/02/2030" in reply.error.detail


async def test_retry_after_seconds_is_passed_on() -> None:
    handler = make_rpc_handler(Container(RateLimited(retry_after_seconds=42)))  # type: ignore[arg-type]

    reply = await handler(sample(_request("GetAccessSummaryV1")), message())

    assert reply.error is not None
    assert (reply.error.code, reply.error.retry_after_seconds) == ("rate_limited", 42)
    assert reply.error.detail == RateLimited.detail


async def test_an_unexpected_failure_becomes_internal_error() -> None:
    handler = make_rpc_handler(Container(KeyError("boom")))  # type: ignore[arg-type]

    reply = await handler(sample(_request("RevokeHabilitationV1")), message())

    assert reply.result is None
    assert reply.error == INTERNAL_ERROR


async def test_a_success_is_a_result_reply() -> None:
    handler = make_rpc_handler(Container())  # type: ignore[arg-type]

    reply = await handler(sample(_request("AppointManagerV1")), message())

    assert (reply.result, reply.error) == (DoneV1(), None)


def _request(name: str) -> type[Request[Any]]:
    return next(m for m in MEMBERS if m.__name__ == name)
