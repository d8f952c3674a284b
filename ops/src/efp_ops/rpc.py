"""Asking a running service over RPC, as the gateway does, with the operators' broker account."""

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from contracts.rpc import Request
from efp_ops.settings import OpsSettings
from efp_ops.verbs import Outcome, refused
from efp_runtime.rpc import RpcClient, RpcRefused

PRODUCER = "efp-ops"
logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def service_rpc(service: str) -> AsyncIterator[Callable[[Request, type[Any]], Awaitable[Any]]]:
    """A connected client whose calls go to `service`; raises RpcUnavailable when it does not answer."""
    settings = OpsSettings()
    client = RpcClient(settings.amqp_url, PRODUCER, settings.rpc_timeout_seconds)
    await client.connect()
    try:

        async def call(request: Request, result_model: type[Any]) -> Any:
            return await client.call(service, request, result_model)

        yield call
    finally:
        await client.close()


def habilitation_rpc() -> contextlib.AbstractAsyncContextManager[Callable[[Request, type[Any]], Awaitable[Any]]]:
    return service_rpc("habilitation")


def rpc_refusal(refusal: RpcRefused, **context: Any) -> Outcome:
    """The service's stable code and the fields at fault; its French explanation goes to the log."""
    error = refusal.error
    logger.warning("refused (%s): %s", error.code, error.detail)
    return refused(
        error.code, **{**error.details, **context, "fields": list(dict.fromkeys(e.field for e in error.errors))}
    )
