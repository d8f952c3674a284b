"""« Relancer ma demande »: 30 days after the last send, the managers are notified again."""

from contracts.access_requests import AccessRequestV1
from contracts.habilitation import ActorV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.errors import NoManager
from habilitation.use_cases.find_access_request import find_own_request
from habilitation.use_cases.outgoing import Links, Outgoing
from habilitation.use_cases.ports import AccessRequests, Accounts, Clock, ManagerRights
from habilitation.use_cases.views import access_request_v1


class ResendAccessRequest:
    def __init__(
        self, requests: AccessRequests, rights: ManagerRights, accounts: Accounts, links: Links, clock: Clock
    ) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts
        self._links = links
        self._clock = clock

    async def __call__(self, actor: ActorV1, request_id: str, context: MessageContext) -> AccessRequestV1:
        request = await find_own_request(self._requests, actor, request_id)
        request.resend(actor.account_id, self._clock())
        managers = await self._rights.managers_of(request.siren)
        if not managers:
            raise NoManager()
        accounts = await self._accounts.many([request.account_id, *(m.account_id for m in managers)])
        requester = accounts[request.account_id]
        outgoing = Outgoing(context)
        outgoing.request_events(request)
        manager_accounts = [accounts[m.account_id] for m in managers if m.account_id in accounts]
        outgoing.request_to_managers(request, requester, manager_accounts, self._links, resent=True)
        await self._requests.update(request, outgoing.messages)
        return access_request_v1(request, accounts)
