"""One access request by id (the managers' e-mail link): for its requester and the organisation's active managers."""

from contracts.access_requests import AccessRequestV1
from contracts.habilitation import ActorV1
from habilitation.use_cases.find_access_request import find_managed_request, find_own_request
from habilitation.use_cases.ports import AccessRequests, Accounts, ManagerRights
from habilitation.use_cases.views import access_request_v1


class GetAccessRequest:
    def __init__(self, requests: AccessRequests, rights: ManagerRights, accounts: Accounts) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts

    async def __call__(self, actor: ActorV1, request_id: str) -> AccessRequestV1:
        """The same view as the lists; anyone else finds nothing (404), whether or not it exists."""
        found = await self._requests.get(request_id)
        if found is not None and found.account_id == actor.account_id:
            request = await find_own_request(self._requests, actor, request_id)
        else:
            request = await find_managed_request(self._requests, self._rights, actor, request_id)
        names = await self._accounts.many([request.account_id])
        return access_request_v1(request, names)
