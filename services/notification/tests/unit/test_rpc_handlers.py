"""The notification RPC handler: each request to its use case, refusals and failures as replies."""

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
from faststream.exceptions import RejectMessage

from contracts.messages import ListAccountMessagesV1, MessagePageV1
from contracts.rpc import PingV1, PongV1
from notification.bootstrap import Notification
from notification.entrypoints.rpc_handlers import make_rpc_handler
from notification.use_cases.list_account_messages import UnknownCursor

PAGE = MessagePageV1(items=[], next_before=None)
FIRST_DELIVERY = SimpleNamespace(message_id="m-1", raw_message=SimpleNamespace(redelivered=False))


def handler(list_account_messages: Any) -> Any:
    return make_rpc_handler(cast(Notification, SimpleNamespace(list_account_messages=list_account_messages)))


async def test_ping_answers_pong() -> None:
    reply = await handler(None)(PingV1(), FIRST_DELIVERY)

    assert reply.result == PongV1(service="notification")


async def test_the_history_request_reaches_its_use_case() -> None:
    calls = []

    async def history(account_id: str, limit: int, before: str | None) -> MessagePageV1:
        calls.append((account_id, limit, before))
        return PAGE

    reply = await handler(history)(ListAccountMessagesV1(account_id="a-1", limit=5, before="m-9"), FIRST_DELIVERY)

    assert (reply.result, calls) == (PAGE, [("a-1", 5, "m-9")])


async def test_an_unknown_cursor_is_a_validation_error_on_before() -> None:
    async def history(account_id: str, limit: int, before: str | None) -> MessagePageV1:
        raise UnknownCursor(before)

    reply = await handler(history)(ListAccountMessagesV1(account_id="a-1", before="nope"), FIRST_DELIVERY)

    assert reply.error.code == "validation_error"
    assert [e.field for e in reply.error.errors] == ["cursor"]


async def test_a_failure_is_answered_at_once_as_an_internal_error() -> None:
    async def history(account_id: str, limit: int, before: str | None) -> MessagePageV1:
        raise ConnectionError(datetime.now(UTC))

    reply = await handler(history)(ListAccountMessagesV1(account_id="a-1"), FIRST_DELIVERY)

    assert reply.error.code == "internal_error"


async def test_a_request_delivered_again_is_dropped_unanswered() -> None:
    again = SimpleNamespace(message_id="m-1", raw_message=SimpleNamespace(redelivered=True))

    with pytest.raises(RejectMessage):
        await handler(None)(PingV1(), again)
