"""The requester withdraws a pending access request."""

from contracts import access_requests as ar
from contracts.access_requests import AccessRequestV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.use_cases.access_requests.find_access_request import find_own_request
from habilitation.use_cases.access_requests.messages import request_events
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.access_requests.views import access_request_v1
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock


class CancelAccessRequest:
    def __init__(self, requests: AccessRequests, accounts: Accounts, clock: Clock) -> None:
        self._requests = requests
        self._accounts = accounts
        self._clock = clock

    async def __call__(self, command: ar.CancelAccessRequestV1, context: MessageContext) -> AccessRequestV1:
        request = await find_own_request(self._requests, command.actor, command.access_request_id)
        request.cancel(command.actor.account_id, self._clock())
        outgoing = Outgoing(PRODUCER, context)
        request_events(outgoing, request)
        await self._requests.update(request, outgoing.messages)
        return access_request_v1(request, await self._accounts.many([request.account_id]))
