"""The store away (killed, restarting, unreachable): told apart from a bug, and waited out.

A PyMongo error saying the store did not answer — a connection refused or cut, no server selected
in time, an operation past its time limit — means "not now", not "wrong". To an RPC caller that is
`service_unavailable` (503, never a 500: the person tries again); a consumed message is handled again
once the store answers, held unacknowledged meanwhile, rather than dead-lettered for an operator as if
it were poison. Handlers are idempotent (they deduplicate on the message id), so running one again
after a store error is what a redelivery would do, without spending one of its bounded deliveries.
"""

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from faststream.exceptions import NackMessage
from pymongo.errors import ConnectionFailure, PyMongoError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_fixed

from contracts.errors import ErrorCode
from contracts.rpc import RpcError

T = TypeVar("T")
logger = logging.getLogger(__name__)

STORE_UNAVAILABLE = RpcError(
    code=ErrorCode.SERVICE_UNAVAILABLE,
    detail="Le service est momentanément indisponible. Veuillez réessayer dans quelques instants.",
)
# How long a consumed message waits for the store before it goes back to its queue (`NackMessage`):
# past a restart or a pause, short of hoarding messages through a long outage.
PATIENCE_SECONDS = 120.0
PAUSE_SECONDS = 1.0


def store_unavailable(error: BaseException) -> bool:
    """Whether `error` says the store did not answer (as opposed to refusing what was asked).

    `ConnectionFailure` covers AutoReconnect (a connection cut, "not primary" while it starts),
    NetworkTimeout and ServerSelectionTimeoutError; `timeout` is PyMongo's own flag for an operation
    that ran out of time (`pymongo.timeout()`, timeoutMS)."""
    return isinstance(error, ConnectionFailure) or (isinstance(error, PyMongoError) and error.timeout)


async def until_store_answers(
    call: Callable[[], Awaitable[T]],
    what: str,
    *,
    patience: float = PATIENCE_SECONDS,
    pause: float = PAUSE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """`call()`, again every `pause` seconds while the store is away, for `patience` seconds at most;
    then, and for any other error, the error is raised."""
    deadline = clock() + patience

    def tell(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.warning("%s: the store does not answer (%s); trying again in %gs", what, type(error).__name__, pause)

    async for attempt in AsyncRetrying(
        retry=retry_if_exception(store_unavailable),
        stop=lambda _: clock() >= deadline,
        wait=wait_fixed(pause),
        before_sleep=tell,
        reraise=True,  # the store's own error, not tenacity's RetryError
    ):
        with attempt:
            return await call()
    raise AssertionError("tenacity ends with a result or an error")  # pragma: no cover


def waiting_for_the_store(
    handler: Callable[..., Awaitable[Any]],
    queue: str,
    *,
    patience: float = PATIENCE_SECONDS,
    pause: float = PAUSE_SECONDS,
) -> Callable[..., Any]:
    """A consumer's handler, run again while the store is away; past its patience the message goes
    back to its queue (nack, requeued: one of its bounded deliveries), never to the dead letters at once."""

    @functools.wraps(handler)
    async def handled(*args: Any, **kwargs: Any) -> Any:
        try:
            run = lambda: handler(*args, **kwargs)  # noqa: E731
            return await until_store_answers(run, f"message on {queue}", patience=patience, pause=pause)
        except Exception as error:
            if store_unavailable(error):
                raise NackMessage(requeue=True) from error
            raise

    return handled
