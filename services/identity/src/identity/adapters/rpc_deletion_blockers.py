"""Whether the person is an organisation's last access manager, asked of habilitation over the bus."""

from contracts.privacy import DeletionBlockersV1, GetDeletionBlockersV1
from efp_runtime.rpc import RpcClient, RpcRefused, RpcUnavailable
from identity.domain.privacy import BlockersUnavailable

HABILITATION = "habilitation"


class RpcDeletionBlockers:
    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    async def of(self, account_id: str) -> DeletionBlockersV1:
        try:
            return await self._rpc.call(HABILITATION, GetDeletionBlockersV1(account_id=account_id))
        except (RpcUnavailable, RpcRefused) as error:
            # No answer is no permission: nothing is deleted without habilitation's say.
            raise BlockersUnavailable() from error
