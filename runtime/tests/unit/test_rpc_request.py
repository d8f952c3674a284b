"""A request names its result model once (`Request[ResultV1]`); the client parses the reply into it."""

from typing import ClassVar, Literal

import pytest

from contracts.habilitation import ActorV1
from contracts.habilitation_management import DoneV1, GetRolesV1, RolesV1, RoleV1, TermsV1, WithdrawManagerV1
from contracts.rpc import PingV1, PongV1, Request, RpcReply
from efp_runtime.rpc import RpcClient, RpcUnavailable

ACTOR = ActorV1(account_id="acc-1", kind="user", siren="123456789")


def test_the_type_parameter_is_the_result_model_through_an_intermediate_base() -> None:
    assert PingV1.RESULT is PongV1
    assert GetRolesV1.RESULT is RolesV1
    # Through the contracts' `_ActorRequest[ResultT]`, and what the service answers (was OrganisationUserV1).
    assert WithdrawManagerV1.RESULT is DoneV1


def test_a_request_that_names_no_result_is_refused_when_it_is_declared() -> None:
    with pytest.raises(TypeError, match="must name its result"):

        class NoResultV1(Request):  # type: ignore[type-arg]
            MESSAGE_TYPE: ClassVar[str] = "test.no_result.v1"
            kind: Literal["test.no_result.v1"] = "test.no_result.v1"


def test_the_request_on_the_wire_is_its_fields_only() -> None:
    assert GetRolesV1(service="ceres").model_dump_json() == '{"kind":"habilitation.get_roles.v1","service":"ceres"}'
    withdraw = WithdrawManagerV1(actor=ACTOR, siren="123456789", account_id="acc-2")
    assert withdraw.model_dump_json() == (
        '{"kind":"habilitation.withdraw_manager.v1",'
        '"actor":{"account_id":"acc-1","kind":"user","siren":"123456789","region":null,'
        '"amr":["pwd"],"second_factor_at":null,"second_factor_enrolled":false},'
        '"siren":"123456789","account_id":"acc-2"}'
    )
    assert "RESULT" not in GetRolesV1.model_json_schema()["properties"]


def test_a_reply_reads_back_into_the_request_result() -> None:
    roles = RolesV1(roles=[RoleV1(role="centre_agree", label="Centre agréé", description="Un centre.")])
    body = RpcReply(result=roles).model_dump_json()

    parsed = RpcReply[GetRolesV1.RESULT].model_validate_json(body)  # type: ignore[name-defined]

    assert body == (
        '{"result":{"roles":[{"role":"centre_agree","label":"Centre agréé","description":"Un centre."}]},"error":null}'
    )
    assert parsed.result == roles


async def test_a_third_argument_other_than_the_request_result_is_refused_before_sending() -> None:
    client = RpcClient("amqp://unused", "test", 1)

    with pytest.raises(TypeError, match="answers RolesV1, not TermsV1"):
        await client.call("habilitation", GetRolesV1(service="ceres"), TermsV1)  # type: ignore[arg-type]
    # The same model as the request's is still accepted during the transition.
    with pytest.raises(RpcUnavailable):
        await client.call("habilitation", GetRolesV1(service="ceres"), RolesV1)
