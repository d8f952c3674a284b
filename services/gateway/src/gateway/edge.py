"""The gateway's one middleware: what every request gets before and after its route.

The body limit (413, 411), the correlation id (set for the request, echoed on the answer), the security
headers, and the request metrics. One pure ASGI middleware rather than one each: every layer wraps the
response's `send` in a closure of its own, and the authorization check, the path other systems call most,
is small enough for four of them to show (issue 16). Pure ASGI, not `@app.middleware("http")`: that one
runs every request's app in a task of its own behind memory streams. The app runs in the request's own
task, so the context variable set here is the one the routes read.
"""

import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from efp_runtime.message_context import correlation_id_var
from gateway.body_limit import refusal
from gateway.correlation import CORRELATION_HEADER, correlation_id_of
from gateway.observability import METHODS, METRICS_PATH, HttpMetrics, route_template
from gateway.security_headers import headers_for


class Edge:
    def __init__(self, app: ASGIApp, *, max_bytes: int, hsts: bool, metrics: HttpMetrics) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.hsts = hsts
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = Headers(scope=scope)
        correlation_id = correlation_id_of(headers.get(CORRELATION_HEADER, ""))
        wanted = headers_for(scope["path"], self.hsts)
        status = 500  # if nothing is sent, the server answers 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                answer = MutableHeaders(scope=message)
                answer[CORRELATION_HEADER] = correlation_id
                for name, value in wanted.items():
                    answer.setdefault(name, value)  # a route that chose its own Cache-Control keeps it
            await send(message)

        token = correlation_id_var.set(correlation_id)
        try:
            # Refused before routing: the answer still carries the id and the headers, and is counted.
            refused = refusal(scope["method"], headers, self.max_bytes)
            await (refused or self.app)(scope, receive, send_with_headers)
        finally:
            correlation_id_var.reset(token)
            if scope["path"] != METRICS_PATH:
                method = scope["method"] if scope["method"] in METHODS else "other"
                self.metrics.record(route_template(scope), method, str(status), time.perf_counter() - started)
