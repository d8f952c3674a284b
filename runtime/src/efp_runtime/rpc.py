"""Request/reply over RabbitMQ: the caller's client and the services' middleware.

The client keeps one consumer on RabbitMQ's direct reply-to pseudo-queue and matches
replies by a fresh correlation id per request, so many requests are in flight at once
and a late reply can never answer the wrong request. Requests expire in the queue when
their caller has stopped waiting, so a service never acts on an abandoned request; and a service
handles a request at most once (`refuse_redelivered`).
"""

import asyncio
import logging
from datetime import UTC, datetime
from typing import cast

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from faststream.exceptions import RejectMessage
from faststream.rabbit import RabbitMessage

from contracts.envelope import CORRELATION_HEADER
from contracts.errors import ErrorCode
from contracts.rpc import Request, ResultT, RpcError, RpcReply
from contracts.topology import credentials_queue, rpc_queue
from efp_runtime.broker_addresses import connect_failover
from efp_runtime.message_context import correlation_id_var, new_id
from efp_runtime.senders import broker_user

REPLY_QUEUE = "amq.rabbitmq.reply-to"
logger = logging.getLogger(__name__)


def refuse_redelivered(message: RabbitMessage) -> None:
    """Drop a request delivered a second time, unanswered: at most once, never twice.

    A redelivered request was held by a replica that died (kill -9, lost connection) maybe after it
    did the work: doing it again would answer its caller wrongly (a sign-up step already taken, a
    captcha already spent) or repeat its effects (a second code e-mail). Its caller gets no answer and
    says 503 at its timeout, as for any outage; the person tries again and sees the state as it is.
    """
    if message.raw_message.redelivered:
        logger.warning("request %s delivered again after a failure: dropped unanswered", message.message_id)
        raise RejectMessage


class RpcUnavailable(Exception):
    """The service did not answer in time, its queue does not exist, or it answered that it cannot serve
    now (`service_unavailable`, its store away: `error` then holds its words)."""

    def __init__(self, message: str, error: RpcError | None = None) -> None:
        super().__init__(message)
        self.error = error


class RpcRefused(Exception):
    """The service answered with a refusal a user can read."""

    def __init__(self, error: RpcError) -> None:
        super().__init__(error.code)
        self.error = error


class RpcClient:
    def __init__(self, amqp_url: str, producer: str, timeout_seconds: float) -> None:
        self._url = amqp_url
        self._producer = producer
        self._timeout = timeout_seconds
        self._pending: dict[str, asyncio.Future[bytes]] = {}
        self._connection: AbstractRobustConnection | None = None
        self._channel: aio_pika.abc.AbstractChannel | None = None

    async def connect(self) -> None:
        self._connection = await connect_failover(self._url, client_properties={"connection_name": self._producer})
        self._channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        replies = await self._channel.declare_queue(REPLY_QUEUE, passive=True)
        await replies.consume(self._on_reply, no_ack=True)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
        for future in self._pending.values():
            future.cancel()

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed

    async def call(
        self,
        service: str,
        request: Request[ResultT],
        result_model: type[ResultT] | None = None,
        *,
        timeout_seconds: float | None = None,
    ) -> ResultT:
        """Send `request` to `service` and return its result, or raise `RpcRefused`/`RpcUnavailable`.

        `timeout_seconds` (how long the request may wait in the queue and for its answer) overrides the
        client's for a call known to take longer than a person's request should, e.g. a bulk read.

        The result is parsed into the request's own `RESULT`. `result_model` is accepted during the
        transition from the older three-argument call, and must be that same model (mypy checks it
        against the request's type parameter; here it is checked again, so a mismatch fails loudly).
        """
        if result_model is not None and result_model is not request.RESULT:
            raise TypeError(f"{request.MESSAGE_TYPE} answers {request.RESULT.__name__}, not {result_model.__name__}")
        if self._channel is None:
            raise RpcUnavailable("not connected")
        timeout = self._timeout if timeout_seconds is None else timeout_seconds
        request_id = new_id()
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        message = aio_pika.Message(
            request.model_dump_json().encode(),
            content_type="application/json",
            # A password or token must not be written to the broker's disk.
            delivery_mode=(
                aio_pika.DeliveryMode.NOT_PERSISTENT if request.CARRIES_SECRET else aio_pika.DeliveryMode.PERSISTENT
            ),
            correlation_id=request_id,
            message_id=request_id,
            reply_to=REPLY_QUEUE,
            type=request.MESSAGE_TYPE,
            app_id=self._producer,
            # RabbitMQ checks it is this connection's user: the service knows for sure who asks.
            user_id=broker_user(self._url),
            timestamp=datetime.now(UTC),
            expiration=timeout,
            headers={CORRELATION_HEADER: correlation_id_var.get() or request_id},
        )
        try:
            queue = credentials_queue(service) if request.CARRIES_SECRET else rpc_queue(service)
            await self._channel.default_exchange.publish(message, routing_key=queue, mandatory=True)
            body = await asyncio.wait_for(future, timeout)
        except (
            TimeoutError,
            aio_pika.exceptions.DeliveryError,
            aio_pika.exceptions.AMQPError,
            # The connection is down (a broker restart) and the robust channel not yet reopened:
            # the service is unavailable for now, not broken (503, not 500).
            aio_pika.exceptions.ChannelInvalidStateError,
            ConnectionError,
        ) as exc:
            raise RpcUnavailable(f"{service} did not answer {request.MESSAGE_TYPE}") from exc
        finally:
            self._pending.pop(request_id, None)
        # RESULT is the very model the request's type parameter names (set by contracts.rpc.Request).
        model = cast("type[ResultT]", request.RESULT)
        reply: RpcReply[ResultT] = RpcReply[model].model_validate_json(body)  # type: ignore[valid-type]
        if reply.error is not None and reply.error.code == ErrorCode.SERVICE_UNAVAILABLE:
            # Not a refusal to read and act on (a caller turning refusals into "not found" or a field error
            # would be wrong): the same as no answer, for its caller to pass on as 503 or try later.
            raise RpcUnavailable(f"{service} cannot answer {request.MESSAGE_TYPE} now", reply.error)
        if reply.error is not None:
            raise RpcRefused(reply.error)
        if reply.result is None:
            raise RpcUnavailable(f"{service} sent an empty reply to {request.MESSAGE_TYPE}")
        return reply.result

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        future = self._pending.get(message.correlation_id or "")
        if future is not None and not future.done():
            future.set_result(message.body)


INTERNAL_ERROR = RpcError(
    code="internal_error",
    detail="Une erreur technique est survenue. Veuillez réessayer dans quelques instants.",
)

# A stable code, not a French explanation: no person sees it, only a process that should not have asked.
SENDER_REFUSED = RpcError(code="sender_refused", detail="Cet expéditeur n'est pas autorisé à envoyer cette demande.")
