"""The requester withdraws a pending access request."""

from contracts.access_requests import AccessRequestV1
from contracts.habilitation import ActorV1
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.find_access_request import find_own_request
from habilitation.use_cases.outgoing import Outgoing
from habilitation.use_cases.ports import AccessRequests, Accounts, Clock
from habilitation.use_cases.views import access_request_v1


class CancelAccessRequest:
    def __init__(self, requests: AccessRequests, accounts: Accounts, clock: Clock) -> None:
        self._requests = requests
        self._accounts = accounts
        self._clock = clock

    async def __call__(self, actor: ActorV1, request_id: str, context: MessageContext) -> AccessRequestV1:
        request = await find_own_request(self._requests, actor, request_id)
        request.cancel(actor.account_id, self._clock())
        outgoing = Outgoing(context)
        outgoing.request_events(request)
        await self._requests.update(request, outgoing.messages)
        return access_request_v1(request, await self._accounts.many([request.account_id]))
