"""An access manager accepts (granting at least one habilitation) or refuses an access request."""

from contracts import access_requests as ar
from contracts.access_requests import AccessRequestV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.errors import InvalidInput
from habilitation.domain.habilitation import Via
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.access_requests.find_access_request import find_managed_request
from habilitation.use_cases.access_requests.messages import access_refused, request_events
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.access_requests.views import access_request_v1
from habilitation.use_cases.habilitations.grant_habilitations import GrantHabilitations
from habilitation.use_cases.habilitations.messages import access_granted
from habilitation.use_cases.links import Links
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, ManagerRights

REASON_MAX = 1000


class AcceptAccessRequest:
    def __init__(
        self,
        requests: AccessRequests,
        rights: ManagerRights,
        accounts: Accounts,
        grants: GrantHabilitations,
        links: Links,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts
        self._grants = grants
        self._links = links
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: ar.AcceptAccessRequestV1, context: MessageContext) -> AccessRequestV1:
        habilitations = list(command.habilitations)
        request = await find_managed_request(
            self._requests, self._rights, command.actor, command.access_request_id, self._second_factor
        )
        request.accept(command.actor.account_id, self._clock())  # refuses a decided request before any grant
        establishments = await self._grants.check(request.siren, habilitations, service=request.service)
        requester = await self._accounts.get(request.account_id)
        assert requester is not None  # it asked, so it is known
        # The habilitations first, with ids derived from the request: a retry after a crash
        # before the request is saved finds them instead of granting twice.
        await self._grants.grant(
            request.account_id,
            request.siren,
            habilitations,
            command.actor.account_id,
            Via.ACCESS_REQUEST,
            context,
            key=request.id,
        )
        outgoing = Outgoing(PRODUCER, context)
        request_events(outgoing, request)
        access_granted(
            outgoing, requester, request.siren, habilitations, establishments, self._links, after_request=True
        )
        await self._requests.update(request, outgoing.messages)
        # The requester read above: the answer names them without a second read of the same copy.
        return access_request_v1(request, {requester.account_id: requester})


class RefuseAccessRequest:
    def __init__(
        self,
        requests: AccessRequests,
        rights: ManagerRights,
        accounts: Accounts,
        links: Links,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts
        self._links = links
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: ar.RefuseAccessRequestV1, context: MessageContext) -> AccessRequestV1:
        text = (command.reason or "").strip() or None
        if text is not None and len(text) > REASON_MAX:
            raise InvalidInput(f"Le motif ne doit pas dépasser {REASON_MAX} caractères.", field="reason")
        request = await find_managed_request(
            self._requests, self._rights, command.actor, command.access_request_id, self._second_factor
        )
        request.refuse(command.actor.account_id, self._clock(), text)
        requester = await self._accounts.get(request.account_id)
        outgoing = Outgoing(PRODUCER, context)
        request_events(outgoing, request)
        if requester is not None:
            access_refused(outgoing, request, requester, self._links)
        await self._requests.update(request, outgoing.messages)
        # The requester read above (none once their account is deleted): no second read of the same copy.
        return access_request_v1(request, {requester.account_id: requester} if requester is not None else {})
