"""The service kit: what every service process does the same way, written once.

A service's `main.py` declares its queues, its routes and its background tasks on a `Service`; the kit
configures logging, the broker (with its metrics and tracing), declares the shared exchanges and the
dead-letter queue of every durable queue it consumes, serves requests, runs the tasks and stops it all.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Union

from faststream import FastStream
from faststream.rabbit import RabbitExchange, RabbitMessage, RabbitQueue
from pydantic import BaseModel, Field

from contracts.rpc import FieldError, PingV1, Request, RpcError, RpcReply
from contracts.topology import credentials_queue, rpc_queue
from efp_runtime.broker import (
    create_broker,
    declare_dead_letter_queues,
    declare_exchanges,
    rpc_request_queue,
    transient_queue,
)
from efp_runtime.message_context import MessageContext, context_of
from efp_runtime.metrics import MetricsSettings, ServiceMetrics
from efp_runtime.refusal import Refusal
from efp_runtime.rpc import INTERNAL_ERROR, SENDER_REFUSED, RpcUnavailable, refuse_redelivered
from efp_runtime.senders import SenderCheck
from efp_runtime.settings import RuntimeSettings
from efp_runtime.store_outage import STORE_UNAVAILABLE, store_unavailable, waiting_for_the_store
from efp_runtime.structured_logging import configure_logging
from efp_runtime.sweeper import Sweep, run_sweeper
from efp_runtime.telemetry import trace_messages, tracer_provider

logger = logging.getLogger(__name__)
# A use case as a route: its request (the command) and the message's context, to its result.
Route = Callable[[Any, MessageContext], Awaitable[BaseModel]]
Routes = Mapping[type[Request[Any]], Route]


@dataclass(frozen=True)
class BySender:
    """A route answered by `theirs` for requests the broker user `sender` published, by `others` otherwise."""

    sender: str
    theirs: Route
    others: Route

    async def __call__(self, request: Any, context: MessageContext) -> BaseModel:
        return await (self.theirs if context.sender == self.sender else self.others)(request, context)


Step = Callable[[], Awaitable[None]]
# A background task: a coroutine function, run until cancelled.
Task = Callable[[], Coroutine[Any, Any, None]]


def to_rpc_error(refused: Refusal) -> RpcError:
    """The reply of a refusal: its code, its French text, its fields' messages."""
    return RpcError(
        code=refused.code,
        detail=refused.detail,
        errors=[FieldError(field=field, message=message) for field, message in refused.errors],
        retry_after_seconds=refused.retry_after_seconds,
        details=refused.extra,
    )


def checked_first(checks: list[Step], route: Route) -> Route:
    """`route`, answered once every check passed (the list is read per request: checks declared later count)."""

    async def checked(request: Any, context: MessageContext) -> BaseModel:
        for check in checks:
            await check()
        return await route(request, context)

    return checked


def serve_requests(
    service: str,
    routes: Routes,
    to_error: Callable[[Refusal], RpcError] = to_rpc_error,
    senders: SenderCheck | None = None,
) -> Any:
    """The handler of a service's RPC queues: each request to its route, refusals and failures to replies.

    The queue accepts exactly the requests the routes name (their `kind` discriminates them), so the
    route table is the one list of what a service answers. A request from a broker user `senders` does
    not allow for its kind is not handled: its caller gets `sender_refused` at once, not a timeout.
    """
    kinds = tuple(routes)
    accepted: Any = kinds[0] if len(kinds) == 1 else Annotated[Union[kinds], Field(discriminator="kind")]  # noqa: UP007 — a runtime tuple

    async def on_request(request: Request[Any], message: RabbitMessage) -> RpcReply[Any]:
        refuse_redelivered(message)
        if senders is not None and not senders.allows(message.raw_message.user_id, request.MESSAGE_TYPE):
            return RpcReply(error=SENDER_REFUSED)
        sender = message.raw_message.user_id
        context = context_of(message.message_id, message.correlation_id, message.headers, sender)
        try:
            return RpcReply(result=await routes[type(request)](request, context))
        except Refusal as refused:
            return RpcReply(error=to_error(refused))
        except RpcUnavailable as away:
            # A service this one asked did not answer, or could not serve: "try again shortly" (503).
            logger.warning("%s request %s: %s", service, request.kind, away)
            return RpcReply(error=away.error or STORE_UNAVAILABLE)
        except Exception as error:
            if store_unavailable(error):
                # Killed, restarting or unreachable: "try again shortly" (503), not a fault of ours (500).
                logger.warning("%s request %s: the store does not answer (%s)", service, request.kind, error)
                return RpcReply(error=STORE_UNAVAILABLE)
            # The caller is waiting: answer now. A redelivery would come after it gave up.
            logger.exception("%s request %s failed", service, request.kind)
            return RpcReply(error=INTERNAL_ERROR)

    # FastStream parses the body into the handler's annotation: the union of the routed requests.
    on_request.__annotations__["request"] = accepted
    return on_request


class Service:
    """One service process. Declare on it, then `app()`; the order of each kind of step is kept."""

    def __init__(self, name: str, settings: RuntimeSettings) -> None:
        configure_logging(name, settings.log_level, settings.log_format)
        self.name = name
        self.settings = settings
        self.broker = create_broker(settings, name)
        self.senders = SenderCheck.of(settings.amqp_url, settings.environment)
        self.metrics = ServiceMetrics()
        self.broker.add_middleware(self.metrics.messages)
        self._tracing = tracer_provider(name)
        if self._tracing is not None:
            trace_messages(self.broker, self._tracing)
        self._dead_lettered: list[str] = []
        self._before_connect: list[Step] = []
        self._after_connect: list[Step] = []
        self._started: list[Step] = []
        self._tasks: dict[str, Task] = {}
        self._closers: list[Step] = []
        self._readiness: list[Step] = []

    def readiness(self, check: Step) -> None:
        """A check the readiness ping (`PingV1`) passes first, e.g. the store answering: a service whose
        store is away says so to the gateway's /health/ready, instead of answering pings and failing requests."""
        self._readiness.append(check)

    def serve_requests(self, routes: Routes, to_error: Callable[[Refusal], RpcError] = to_rpc_error) -> None:
        """Answer on the service's durable RPC queue and on its transient one for requests carrying secrets."""
        if PingV1 in routes:
            routes = {**routes, PingV1: checked_first(self._readiness, routes[PingV1])}
        answer = serve_requests(self.name, routes, to_error, self.senders)
        broker = self.broker

        async def handler(request: Request[Any]) -> RpcReply[Any]:
            # The message from the broker's context, not a `message: RabbitMessage` parameter: fast_depends
            # resolves such a parameter in anyio's thread pool, a thread hop on every request (~0.12 ms of CPU).
            # Looked up at each call: the application gives the broker its own context when it adds it.
            reply: RpcReply[Any] = await answer(request, broker.context.get_local("message"))
            return reply

        handler.__annotations__["request"] = answer.__annotations__["request"]
        queues = [rpc_request_queue(rpc_queue(self.name), self.settings)]
        if any(request.CARRIES_SECRET for request in routes):
            queues.append(transient_queue(credentials_queue(self.name)))
        for queue in queues:
            self.broker.subscriber(queue, title=queue.name)(handler)

    def consume(
        self, queue: RabbitQueue, handler: Callable[..., Any], exchange: RabbitExchange | None = None, **options: Any
    ) -> None:
        """Consume a durable queue; what it rejects goes to its dead-letter queue, declared before it starts.
        Only messages from the senders their type allows reach `handler` (efp_runtime.senders); one the
        store cannot take yet is handled again once it answers (efp_runtime.store_outage)."""
        handled = self.senders.guard(waiting_for_the_store(handler, queue.name), self.broker)
        self.broker.subscriber(queue, exchange, title=queue.name, **options)(handled)
        self._dead_lettered.append(queue.name)

    def before_connect(self, step: Step) -> None:
        """Before the broker connects (indexes, keys): a service that cannot prepare takes no message."""
        self._before_connect.append(step)

    def after_connect(self, step: Step) -> None:
        """Once the exchanges and dead-letter queues exist, before the subscribers start."""
        self._after_connect.append(step)

    def after_start(self, step: Step) -> None:
        """Once the subscribers run (e.g. ensure a bootstrap account)."""
        self._started.append(step)

    def task(self, name: str, run: Task) -> None:
        """A background task, started after the subscribers and cancelled at shutdown."""
        self._tasks[name] = run

    def sweeps(self, sweeps: Mapping[str, Sweep], every_seconds: float) -> None:
        """The sweeper task: each sweep once per period, measured, a failing one retried at the next."""
        measured = {name: self.metrics.sweeps.measured(name, sweep) for name, sweep in sweeps.items()}
        self.task("sweeper", lambda: run_sweeper(measured, every_seconds))

    def on_stop(self, close: Step) -> None:
        """At shutdown, after the tasks are cancelled, in the order given (clients, then the store)."""
        self._closers.append(close)

    def app(self) -> FastStream:
        app = FastStream(self.broker)
        running: list[asyncio.Task[None]] = []

        @app.on_startup
        async def prepare() -> None:
            for step in self._before_connect:
                await step()
            await self.broker.connect()
            await declare_exchanges(self.broker)
            if self._dead_lettered:
                await declare_dead_letter_queues(self.broker, self._dead_lettered)
            for step in self._after_connect:
                await step()
            self.metrics.serve(MetricsSettings())

        @app.after_startup
        async def start() -> None:
            running.extend(asyncio.create_task(run(), name=name) for name, run in self._tasks.items())
            for step in self._started:
                await step()

        @app.on_shutdown
        async def stop() -> None:
            for task in running:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            for close in self._closers:
                await close()
            self.metrics.stop()
            if self._tracing is not None:
                self._tracing.shutdown()

        return app
