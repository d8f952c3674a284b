"""The notification RPC queue: readiness ping (message history queries come with issue 5)."""

from typing import Any

from contracts.notification import NotificationRequest
from contracts.rpc import PongV1, RpcReply


async def on_notification_request(request: NotificationRequest) -> RpcReply[Any]:
    return RpcReply(result=PongV1(service="notification"))
