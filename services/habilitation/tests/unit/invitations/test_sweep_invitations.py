"""The invitation sweep: the clock's time and the contract's event, filled in per invitation by the store."""

import json

from contracts.invitations import InvitationExpiredV1
from efp_runtime.clock import ManualClock
from habilitation.adapters.mongo_invitation_repository import body_expression
from habilitation.fakes import InMemory
from habilitation.fakes.sweeps import FakeInvitationSweep
from services.habilitation.tests.unit.samples import T0


async def test_one_pass_asks_the_store_at_the_clocks_time_with_the_expired_event() -> None:
    sweep = FakeInvitationSweep(expired=3)

    assert await InMemory(clock=ManualClock(T0), invitation_sweep=sweep).use_cases().sweep_invitations() == 3

    [(now, event)] = sweep.calls
    assert now == T0
    assert (event.type, event.routing_key, event.producer) == (InvitationExpiredV1.MESSAGE_TYPE,) * 2 + (
        "habilitation",
    )
    assert json.loads(event.body) == {
        "invitation_id": "@@invitation_id@@",
        "siren": "@@siren@@",
        "account_id": "@@account_id@@",
    }


async def test_each_pass_is_a_new_cause_with_its_own_ids() -> None:
    sweep = FakeInvitationSweep(expired=0)
    sweeper = InMemory(clock=ManualClock(T0), invitation_sweep=sweep).use_cases().sweep_invitations

    await sweeper()
    await sweeper()

    first, second = (event for _, event in sweep.calls)
    assert first.message_id != second.message_id
    assert first.correlation_id != second.correlation_id


def test_the_store_fills_each_invitations_fields_into_the_body_and_nothing_else() -> None:
    body = '{"invitation_id":"@@invitation_id@@","siren":"@@siren@@","account_id":"@@account_id@@"}'

    expression = body_expression(body)

    assert expression == {
        "$concat": [
            {"$literal": '{"invitation_id":"'},
            "$_id",
            {"$literal": '","siren":"'},
            "$siren",
            {"$literal": '","account_id":"'},
            "$account_id",
            {"$literal": '"}'},
        ]
    }
    # Filled in as the store would, the body is the contract's JSON again.
    values = {"$_id": "i-1", "$siren": "123456789", "$account_id": "a-1"}
    text = "".join(p["$literal"] if isinstance(p, dict) else values[p] for p in expression["$concat"])
    assert InvitationExpiredV1.model_validate_json(text) == InvitationExpiredV1(
        invitation_id="i-1", siren="123456789", account_id="a-1"
    )
