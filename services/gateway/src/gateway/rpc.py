"""How a route reaches the services: the RPC client the lifespan connected."""

from fastapi import Request

from efp_runtime.rpc import RpcClient

IDENTITY = "identity"
HABILITATION = "habilitation"
NOTIFICATION = "notification"


def rpc_client(request: Request) -> RpcClient:
    client: RpcClient = request.app.state.rpc
    return client
