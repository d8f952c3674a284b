"""How a route reaches the services: the RPC client the lifespan connected, as a route dependency.

A route declares `rpc: Rpc` and awaits `rpc.call(HABILITATION, command)`: the reply is parsed into the
command's own result model (`contracts.rpc.Request[ResultT]`), so the route's type is checked end to end.
"""

from typing import Annotated, Protocol

from fastapi import Depends, Request

from contracts.rpc import Request as RpcRequest
from contracts.rpc import ResultT

IDENTITY = "identity"
HABILITATION = "habilitation"
NOTIFICATION = "notification"


class Services(Protocol):
    """What the gateway needs of `efp_runtime.rpc.RpcClient` (unit tests put a fake in `app.state.rpc`)."""

    @property
    def connected(self) -> bool: ...

    async def call(
        self, service: str, request: RpcRequest[ResultT], *, timeout_seconds: float | None = None
    ) -> ResultT: ...


async def rpc_client(request: Request) -> Services:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a thread hop on every request.
    client: Services = request.app.state.rpc
    return client


Rpc = Annotated[Services, Depends(rpc_client)]
