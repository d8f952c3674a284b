"""The notification RPC queue: readiness ping and the message history."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.rabbit import RabbitMessage
from pydantic import BaseModel

from contracts.messages import ListAccountMessagesV1, ListOrganisationMessagesV1, NotificationRequest
from contracts.rpc import FieldError, PingV1, PongV1, Request, RpcError, RpcReply
from efp_runtime.rpc import INTERNAL_ERROR, refuse_redelivered
from notification.bootstrap import Notification
from notification.use_cases.list_account_messages import UnknownCursor

logger = logging.getLogger(__name__)
Handler = Callable[[Any], Awaitable[BaseModel]]
UNKNOWN_CURSOR = RpcError(
    code="validation_error",
    detail="Certaines informations saisies sont invalides.",
    # `cursor`: what the gateway's lists call the page a request continues after (it carries `before`).
    errors=[
        FieldError(
            field="cursor", message="Ce curseur de pagination n'est pas valide : recommencez depuis la première page."
        )
    ],
)


def _routes(notification: Notification) -> dict[type[Request], Handler]:
    async def pong(_: PingV1) -> BaseModel:
        return PongV1(service="notification")

    async def messages(r: ListAccountMessagesV1) -> BaseModel:
        return await notification.list_account_messages(r.account_id, r.limit, r.before)

    async def organisation_messages(r: ListOrganisationMessagesV1) -> BaseModel:
        return await notification.list_organisation_messages(r.siren, r.limit, r.before)

    return {PingV1: pong, ListAccountMessagesV1: messages, ListOrganisationMessagesV1: organisation_messages}


def make_rpc_handler(notification: Notification) -> Any:
    routes = _routes(notification)

    async def on_notification_request(request: NotificationRequest, message: RabbitMessage) -> RpcReply[Any]:
        refuse_redelivered(message)
        try:
            return RpcReply(result=await routes[type(request)](request))
        except UnknownCursor:
            return RpcReply(error=UNKNOWN_CURSOR)
        except Exception:
            # The caller is waiting: answer now. A redelivery would come after it gave up.
            logger.exception("notification request %s failed", request.kind)
            return RpcReply(error=INTERNAL_ERROR)

    return on_notification_request
