"""Refuses a request body over the gateway's limit before reading it (413), and a chunked one (411).

Pure ASGI middleware, as security_headers and observability are: Starlette's `@app.middleware("http")`
runs every request's app in a task of its own behind memory streams, which cost each request more
CPU than an authorization check's own work.
"""

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.errors import ErrorCode
from gateway import problems

WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
TOO_LARGE = "Le contenu envoyé est trop volumineux."


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            # Refused before reading it; uvicorn rejects a body longer than its Content-Length.
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
                refused = problems.problem_response(ErrorCode.PAYLOAD_TOO_LARGE, TOO_LARGE)
                await refused(scope, receive, send)
                return
            if length is None and scope["method"] in WITH_BODY and "chunked" in headers.get("transfer-encoding", ""):
                refused = problems.problem_response(
                    ErrorCode.PAYLOAD_TOO_LARGE, "Indiquez la taille du contenu envoyé.", status=411
                )
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)
