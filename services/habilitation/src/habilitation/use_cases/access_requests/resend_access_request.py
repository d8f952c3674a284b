"""« Relancer ma demande »: 30 days after the last send, the managers are notified again."""

from contracts import access_requests as ar
from contracts.access_requests import AccessRequestV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.errors import NoManager
from habilitation.use_cases.access_requests.find_access_request import find_own_request
from habilitation.use_cases.access_requests.messages import request_events, request_to_managers
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.access_requests.views import access_request_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, ManagerRights


class ResendAccessRequest:
    def __init__(
        self, requests: AccessRequests, rights: ManagerRights, accounts: Accounts, links: Links, clock: Clock
    ) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts
        self._links = links
        self._clock = clock

    async def __call__(self, command: ar.ResendAccessRequestV1, context: MessageContext) -> AccessRequestV1:
        request = await find_own_request(self._requests, command.actor, command.access_request_id)
        request.resend(command.actor.account_id, self._clock())
        managers = await self._rights.managers_of(request.siren)
        if not managers:
            raise NoManager()
        accounts = await self._accounts.many([request.account_id, *(m.account_id for m in managers)])
        requester = accounts[request.account_id]
        outgoing = Outgoing(PRODUCER, context)
        request_events(outgoing, request)
        manager_accounts = [accounts[m.account_id] for m in managers if m.account_id in accounts]
        request_to_managers(outgoing, request, requester, manager_accounts, self._links, resent=True)
        await self._requests.update(request, outgoing.messages)
        return access_request_v1(request, accounts)
