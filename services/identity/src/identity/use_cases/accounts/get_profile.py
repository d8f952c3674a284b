"""The caller's own account, as `GET /api/v1/me` shows it."""

from contracts.accounts import AccountProfileV1, GetProfileV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import NotFound
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.accounts.views import profile_of


class GetProfile:
    def __init__(self, accounts: AccountRepository) -> None:
        self._accounts = accounts

    async def __call__(self, request: GetProfileV1, context: MessageContext) -> AccountProfileV1:
        account = await self._accounts.get(request.account_id)
        if account is None:
            raise NotFound("Ce compte est introuvable.")
        return profile_of(account)
