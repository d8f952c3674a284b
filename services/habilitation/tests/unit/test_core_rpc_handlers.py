"""The habilitation RPC entrypoint: a route per request of the union, refusals and failures as replies."""

from types import SimpleNamespace
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from contracts.habilitation_management import DoneV1
from contracts.habilitation_requests import HabilitationRequest
from contracts.rpc import FieldError, PingV1, PongV1, Request, RpcError
from efp_runtime.rpc import INTERNAL_ERROR
from habilitation.domain.errors import HabilitationError, InvalidInput, TooEarly
from habilitation.entrypoints.rpc_handlers import _routes, all_routes, make_rpc_handler
from services.habilitation.tests.unit.core_fakes import CONTEXT

ACTIVATION_USE_CASES = (
    "issue_activation_code",
    "list_activation_codes",
    "revoke_activation_code",
    "get_activation_letter",
    "start_activation",
    "accept_charter",
    "invite_user",
    "list_invitations",
    "resend_invitation",
    "revoke_invitation",
    "accept_invitation",
)

MEMBERS: tuple[type[Request], ...] = get_args(get_args(HabilitationRequest)[0])
# Which use case answers each request, and whether it gets the message context (it sends messages).
ROUTED = {
    "SubmitAccessRequestV1": ("submit_access_request", True),
    "ListMyAccessRequestsV1": ("list_my_access_requests", False),
    "ResendAccessRequestV1": ("resend_access_request", True),
    "CancelAccessRequestV1": ("cancel_access_request", True),
    "ListOrganisationAccessRequestsV1": ("list_organisation_access_requests", False),
    "AcceptAccessRequestV1": ("accept_access_request", True),
    "RefuseAccessRequestV1": ("refuse_access_request", True),
    "GetAccessRequestV1": ("get_access_request", False),
    "GetRolesV1": ("get_roles", False),
    "AcceptTermsV1": ("accept_terms", False),
    "GetTermsV1": ("get_terms", False),
    "GetCharterV1": ("get_charter", False),
    "GetAccessSummaryV1": ("get_access_summary", False),
    "ListMyHabilitationsV1": ("list_my_habilitations", False),
    "AssignMyHabilitationV1": ("assign_habilitation.to_myself", True),
    "AddUserHabilitationV1": ("assign_habilitation.to_user", True),
    "RevokeHabilitationV1": ("revoke_habilitation", True),
    "ListOrganisationUsersV1": ("list_organisation_users", False),
    "GetOrganisationUserV1": ("list_organisation_users.one", False),
    "AppointManagerV1": ("appoint_manager.appoint", True),
    "WithdrawManagerV1": ("appoint_manager.withdraw", True),
}
# A request added to the union later must still have a route; its use case is checked once listed in ROUTED.
KNOWN = [m for m in MEMBERS if m.__name__ in ROUTED]


def container(failure: Exception | None = None) -> Any:
    """Stands in for `bootstrap.Habilitation`: each use case records its call and answers DoneV1 (or fails)."""
    calls: list[tuple[str, tuple[Any, ...]]] = []

    def use_case(name: str) -> Any:
        async def call(*args: Any) -> BaseModel:
            calls.append((name, args))
            if failure is not None:
                raise failure
            return DoneV1()

        return call

    x = SimpleNamespace(calls=calls)
    for name in {n for n, _ in ROUTED.values() if "." not in n}:
        setattr(x, name, use_case(name))
    x.assign_habilitation = SimpleNamespace(
        to_myself=use_case("assign_habilitation.to_myself"), to_user=use_case("assign_habilitation.to_user")
    )
    x.appoint_manager = SimpleNamespace(
        appoint=use_case("appoint_manager.appoint"), withdraw=use_case("appoint_manager.withdraw")
    )
    x.list_organisation_users.one = use_case("list_organisation_users.one")
    return x


def sample(request_type: type[Request]) -> Request:
    """A request whose every field holds a recognisable marker (a one-marker list for list fields)."""
    values: dict[str, Any] = {}
    for name, info in request_type.model_fields.items():
        if name != "kind":
            values[name] = [f"<{name}>"] if get_origin(info.annotation) is list else f"<{name}>"
    return request_type.model_construct(**values)


def message() -> SimpleNamespace:
    return SimpleNamespace(
        message_id="m-1", correlation_id="corr-1", headers={}, raw_message=SimpleNamespace(redelivered=False)
    )


def test_the_request_union_is_read_as_expected() -> None:
    assert PingV1 in MEMBERS
    assert set(ROUTED) <= {m.__name__ for m in MEMBERS}


def test_every_habilitation_request_has_a_route_and_no_route_is_left_over() -> None:
    x = container()
    for name in ACTIVATION_USE_CASES:
        setattr(x, name, object())  # the activation table only needs the attributes to exist
    assert set(all_routes(x)) == set(MEMBERS)


@pytest.mark.parametrize("request_type", KNOWN, ids=lambda m: m.__name__)
async def test_each_request_reaches_one_use_case_with_its_fields(request_type: type[Request]) -> None:
    x = container()
    request = sample(request_type)

    result = await _routes(x)[request_type](request, CONTEXT)

    assert result == DoneV1()
    [(_, args)] = x.calls
    markers = {f"<{name}>" for name in request_type.model_fields if name != "kind"}
    passed = {a for a in args if isinstance(a, str)} | {v for a in args if isinstance(a, list) for v in a}
    assert markers <= passed


async def test_ping_is_answered_by_the_service_itself() -> None:
    pong = await _routes(container())[PingV1](PingV1(), CONTEXT)

    assert pong == PongV1(service="habilitation")


@pytest.mark.parametrize("request_type", KNOWN, ids=lambda m: m.__name__)
async def test_each_request_goes_to_its_use_case_with_the_context_when_it_sends_messages(
    request_type: type[Request],
) -> None:
    x = container()

    await _routes(x)[request_type](sample(request_type), CONTEXT)

    [(name, args)] = x.calls
    expected, with_context = ROUTED[request_type.__name__]
    assert name == expected
    assert (bool(args) and args[-1] == CONTEXT) is with_context  # some take no argument at all


async def test_a_refusal_becomes_an_error_reply_with_code_detail_and_field() -> None:
    handler = make_rpc_handler(container(InvalidInput("Le SIRET est invalide.", field="siret")))

    reply = await handler(sample(_request("SubmitAccessRequestV1")), message())

    assert reply.result is None
    assert reply.error == RpcError(
        code="validation_error",
        detail="Le SIRET est invalide.",
        errors=[FieldError(field="siret", message="Le SIRET est invalide.")],
    )


async def test_a_too_early_resend_carries_resendable_at_in_details() -> None:
    refusal = TooEarly("Vous pourrez relancer la demande à partir du 14/02/2030.", extra={"resendable_at": "2030"})
    handler = make_rpc_handler(container(refusal))

    reply = await handler(sample(_request("ResendAccessRequestV1")), message())

    assert reply.error is not None
    assert (reply.error.code, reply.error.details, reply.error.errors) == ("too_early", {"resendable_at": "2030"}, [])
    assert "14/02/2030" in reply.error.detail


async def test_retry_after_seconds_is_passed_on() -> None:
    handler = make_rpc_handler(container(HabilitationError(retry_after_seconds=42)))

    reply = await handler(sample(_request("GetAccessSummaryV1")), message())

    assert reply.error is not None
    assert (reply.error.code, reply.error.retry_after_seconds) == ("habilitation_error", 42)
    assert reply.error.detail == HabilitationError.detail


async def test_an_unexpected_failure_becomes_internal_error() -> None:
    handler = make_rpc_handler(container(KeyError("boom")))

    reply = await handler(sample(_request("RevokeHabilitationV1")), message())

    assert reply.result is None
    assert reply.error == INTERNAL_ERROR


async def test_a_success_is_a_result_reply() -> None:
    handler = make_rpc_handler(container())

    reply = await handler(sample(_request("AppointManagerV1")), message())

    assert (reply.result, reply.error) == (DoneV1(), None)


def _request(name: str) -> type[Request]:
    return next(m for m in MEMBERS if m.__name__ == name)
