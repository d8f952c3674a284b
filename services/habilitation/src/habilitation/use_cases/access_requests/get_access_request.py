"""One access request by id (the managers' e-mail link): for its requester and the organisation's active managers."""

from contracts import access_requests as ar
from contracts.access_requests import AccessRequestV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.access_requests.find_access_request import find_managed_request, find_own_request
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.access_requests.views import access_request_v1
from habilitation.use_cases.ports import Accounts, ManagerRights


class GetAccessRequest:
    def __init__(
        self, requests: AccessRequests, rights: ManagerRights, accounts: Accounts, second_factor: SecondFactorPolicy
    ) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts
        self._second_factor = second_factor

    async def __call__(self, command: ar.GetAccessRequestV1, context: MessageContext) -> AccessRequestV1:
        """The same view as the lists; anyone else finds nothing (404), whether or not it exists."""
        found = await self._requests.get(command.access_request_id)
        if found is not None and found.account_id == command.actor.account_id:
            request = await find_own_request(self._requests, command.actor, command.access_request_id)
        else:
            request = await find_managed_request(
                self._requests, self._rights, command.actor, command.access_request_id, self._second_factor
            )
        names = await self._accounts.many([request.account_id])
        return access_request_v1(request, names)
