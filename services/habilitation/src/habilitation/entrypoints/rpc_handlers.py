"""The habilitation RPC queue: readiness ping for now; the access-management requests come with issue 4."""

from typing import Any

from contracts.habilitation import HabilitationRequest
from contracts.rpc import PongV1, RpcReply


async def on_habilitation_request(request: HabilitationRequest) -> RpcReply[Any]:
    return RpcReply(result=PongV1(service="habilitation"))
