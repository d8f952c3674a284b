"""Access requests as their requester and as the organisation's managers see them."""

from contracts.access_requests import AccessRequestsV1
from contracts.habilitation import ActorV1
from habilitation.domain.access_request import RequestState
from habilitation.use_cases.access_control import require_manager
from habilitation.use_cases.ports import AccessRequests, Accounts, ManagerRights
from habilitation.use_cases.views import access_request_v1


class ListMyAccessRequests:
    def __init__(self, requests: AccessRequests, accounts: Accounts) -> None:
        self._requests = requests
        self._accounts = accounts

    async def __call__(self, actor: ActorV1) -> AccessRequestsV1:
        requests = await self._requests.of_account(actor.account_id)
        names = await self._accounts.many([actor.account_id])
        return AccessRequestsV1(access_requests=[access_request_v1(r, names) for r in requests])


class ListOrganisationAccessRequests:
    def __init__(self, requests: AccessRequests, rights: ManagerRights, accounts: Accounts) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts

    async def __call__(self, actor: ActorV1, siren: str, status: str | None) -> AccessRequestsV1:
        await require_manager(self._rights, actor, siren)
        requests = await self._requests.of_organisation(siren, RequestState(status) if status else None)
        names = await self._accounts.many([r.account_id for r in requests])
        return AccessRequestsV1(access_requests=[access_request_v1(r, names) for r in requests])
