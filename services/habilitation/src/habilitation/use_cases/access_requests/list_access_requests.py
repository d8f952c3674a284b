"""Access requests as their requester and as the organisation's managers see them."""

from contracts import access_requests as ar
from contracts.access_requests import AccessRequestsV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.access_request import RequestState
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.access_requests.views import access_request_v1
from habilitation.use_cases.managers.access_control import require_manager
from habilitation.use_cases.organisation.ports import UserListing
from habilitation.use_cases.paging import RecordFilter, cursor, next_cursor
from habilitation.use_cases.ports import Accounts, ManagerRights


class ListMyAccessRequests:
    def __init__(self, requests: AccessRequests, accounts: Accounts) -> None:
        self._requests = requests
        self._accounts = accounts

    async def __call__(self, command: ar.ListMyAccessRequestsV1, context: MessageContext) -> AccessRequestsV1:
        requests = await self._requests.of_account(command.actor.account_id)
        names = await self._accounts.many([command.actor.account_id])
        return AccessRequestsV1(access_requests=[access_request_v1(r, names) for r in requests], total=len(requests))


class ListOrganisationAccessRequests:
    def __init__(
        self,
        requests: AccessRequests,
        rights: ManagerRights,
        accounts: Accounts,
        listing: UserListing,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts
        self._listing = listing
        self._second_factor = second_factor

    async def __call__(self, command: ar.ListOrganisationAccessRequestsV1, context: MessageContext) -> AccessRequestsV1:
        await require_manager(self._rights, command.actor, command.siren, self._second_factor)
        after = cursor(command.after)
        # Requesters are people of the organisation (guide §4): its users listing finds them by name or e-mail.
        account_ids = await self._listing.matching(command.siren, command.q) if command.q else None
        filters = RecordFilter(command.siret, account_ids, command.q, after, command.limit)
        page = await self._requests.of_organisation(
            command.siren, RequestState(command.status) if command.status else None, filters
        )
        names = await self._accounts.many([r.account_id for r in page.items])
        return AccessRequestsV1(
            access_requests=[access_request_v1(r, names) for r in page.items],
            next_after=next_cursor(page.next_after),
            total=page.total,
        )
