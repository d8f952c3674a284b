"""The notification RPC queue, as the service declares it: each request to its use case, refusals and
failures as replies (the routes are the service's own, on use cases built over in-memory fakes)."""

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from faststream.exceptions import RejectMessage

from contracts.catalogue import requests_of
from contracts.messages import ListAccountMessagesV1, MessagePageV1
from contracts.rpc import PingV1, PongV1
from efp_runtime.message_context import MessageContext
from efp_runtime.service import serve_requests
from notification import composition
from notification.config import NotificationSettings
from notification.entrypoints.rpc_handlers import routes
from notification.fakes import in_memory_adapters

FIRST_DELIVERY = SimpleNamespace(
    message_id="m-1", correlation_id="c-1", headers={}, raw_message=SimpleNamespace(redelivered=False, user_id=None)
)


def handler(**use_cases: Any) -> Any:
    notification = composition.use_cases(in_memory_adapters(), NotificationSettings())
    return serve_requests("notification", routes(replace(notification, **use_cases)))


def test_every_notification_request_of_the_contracts_is_routed_and_nothing_else() -> None:
    notification = composition.use_cases(in_memory_adapters(), NotificationSettings())

    assert set(routes(notification)) == requests_of("notification")
    assert len(requests_of("notification")) == 4  # ping, the two histories and the export of a person's e-mails


async def test_ping_answers_pong() -> None:
    reply = await handler()(PingV1(), FIRST_DELIVERY)

    assert reply.result == PongV1(service="notification")


async def test_the_history_request_reaches_its_use_case() -> None:
    reply = await handler()(ListAccountMessagesV1(account_id="a-1", limit=5), FIRST_DELIVERY)

    assert reply.result == MessagePageV1(items=[], next_before=None, total=0)


async def test_an_unknown_cursor_is_a_validation_error_on_cursor() -> None:
    reply = await handler()(ListAccountMessagesV1(account_id="a-1", before="nope"), FIRST_DELIVERY)

    assert reply.error.code == "validation_error"
    assert [e.field for e in reply.error.errors] == ["cursor"]


async def test_a_failure_is_answered_at_once_as_an_internal_error() -> None:
    async def failing(request: ListAccountMessagesV1, context: MessageContext) -> MessagePageV1:
        raise ConnectionError(datetime.now(UTC))

    reply = await handler(list_account_messages=failing)(ListAccountMessagesV1(account_id="a-1"), FIRST_DELIVERY)

    assert reply.error.code == "internal_error"


async def test_a_request_delivered_again_is_dropped_unanswered() -> None:
    again = SimpleNamespace(message_id="m-1", raw_message=SimpleNamespace(redelivered=True))

    with pytest.raises(RejectMessage):
        await handler()(PingV1(), again)
