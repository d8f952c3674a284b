"""Access requests as their requester and as the organisation's managers see them."""

from contracts.access_requests import AccessRequestsV1
from contracts.habilitation import ActorV1
from habilitation.domain.access_request import RequestState
from habilitation.domain.errors import InvalidInput
from habilitation.use_cases.access_control import require_manager
from habilitation.use_cases.page_ports import BAD_CURSOR, NEWEST_FIRST_KEY_LENGTH, RecordFilter
from habilitation.use_cases.ports import AccessRequests, Accounts, ManagerRights, UserListing
from habilitation.use_cases.views import access_request_v1


class ListMyAccessRequests:
    def __init__(self, requests: AccessRequests, accounts: Accounts) -> None:
        self._requests = requests
        self._accounts = accounts

    async def __call__(self, actor: ActorV1) -> AccessRequestsV1:
        requests = await self._requests.of_account(actor.account_id)
        names = await self._accounts.many([actor.account_id])
        return AccessRequestsV1(access_requests=[access_request_v1(r, names) for r in requests], total=len(requests))


class ListOrganisationAccessRequests:
    def __init__(
        self, requests: AccessRequests, rights: ManagerRights, accounts: Accounts, listing: UserListing
    ) -> None:
        self._requests = requests
        self._rights = rights
        self._accounts = accounts
        self._listing = listing

    async def __call__(
        self,
        actor: ActorV1,
        siren: str,
        status: str | None,
        siret: str | None = None,
        q: str | None = None,
        after: list[str] | None = None,
        limit: int | None = None,
    ) -> AccessRequestsV1:
        await require_manager(self._rights, actor, siren)
        if after is not None and len(after) != NEWEST_FIRST_KEY_LENGTH:
            raise InvalidInput(BAD_CURSOR, field="cursor")
        # Requesters are people of the organisation (guide §4): its users listing finds them by name or e-mail.
        account_ids = await self._listing.matching(siren, q) if q else None
        filters = RecordFilter(siret, account_ids, q, tuple(after) if after else None, limit)
        page = await self._requests.of_organisation(siren, RequestState(status) if status else None, filters)
        names = await self._accounts.many([r.account_id for r in page.items])
        return AccessRequestsV1(
            access_requests=[access_request_v1(r, names) for r in page.items],
            next_after=list(page.next_after) if page.next_after else None,
            total=page.total,
        )
