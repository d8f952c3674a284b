"""The request's correlation id: the caller's `X-Correlation-ID` if short and plain, else a new one; set for
the logs and the RPC envelopes of the request (`correlation_id_var`) and echoed on the answer.

Pure ASGI middleware (see body_limit): the app runs in the request's own task, so the context variable
set here is the one the routes read.
"""

import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from efp_runtime.message_context import correlation_id_var

CORRELATION_HEADER = "X-Correlation-ID"


def correlation_id_of(given: str) -> str:
    """A caller's id is kept only if it is short and plain, so logs cannot be forged through it."""
    return given if 0 < len(given) <= 64 and given.replace("-", "").isalnum() else str(uuid.uuid4())


class CorrelationIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = correlation_id_of(Headers(scope=scope).get(CORRELATION_HEADER, ""))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation_id
            await send(message)

        token = correlation_id_var.set(correlation_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id_var.reset(token)
