"""Asking a running service over RPC, as the gateway does, with the operators' broker account."""

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

from contracts.rpc import Request, ResultT
from efp_ops.settings import OpsSettings
from efp_ops.verbs import Outcome, refused
from efp_runtime.rpc import RpcClient, RpcRefused

PRODUCER = "efp-ops"
logger = logging.getLogger(__name__)


class ServiceCall(Protocol):
    """Ask one service: the reply's result is parsed into the request's own result model."""

    async def __call__(self, request: Request[ResultT]) -> ResultT: ...


class _ToService:
    def __init__(self, client: RpcClient, service: str) -> None:
        self._client = client
        self._service = service

    async def __call__(self, request: Request[ResultT]) -> ResultT:
        return await self._client.call(self._service, request)


@contextlib.asynccontextmanager
async def service_rpc(service: str) -> AsyncIterator[ServiceCall]:
    """A connected client whose calls go to `service`; raises RpcUnavailable when it does not answer."""
    settings = OpsSettings()
    client = RpcClient(settings.amqp_url, PRODUCER, settings.rpc_timeout_seconds)
    await client.connect()
    try:
        yield _ToService(client, service)
    finally:
        await client.close()


def habilitation_rpc() -> contextlib.AbstractAsyncContextManager[ServiceCall]:
    return service_rpc("habilitation")


def rpc_refusal(refusal: RpcRefused, **context: Any) -> Outcome:
    """The service's stable code and the fields at fault; its French explanation goes to the log."""
    error = refusal.error
    logger.warning("refused (%s): %s", error.code, error.detail)
    return refused(
        error.code, **{**error.details, **context, "fields": list(dict.fromkeys(e.field for e in error.errors))}
    )
