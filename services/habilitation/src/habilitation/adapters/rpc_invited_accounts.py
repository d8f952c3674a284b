"""The invitee's account, asked of the identity service over the bus (prepared there if the address has none)."""

from contracts.invited_accounts import CreateInvitedAccountV1
from efp_runtime.rpc import RpcClient, RpcRefused
from habilitation.domain.errors import InvalidInput
from habilitation.use_cases.invitations.ports import InvitedAccount

IDENTITY = "identity"


class RpcInvitedAccounts:
    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    async def ensure(self, invitee: CreateInvitedAccountV1) -> InvitedAccount:
        try:
            found = await self._rpc.call(IDENTITY, invitee)
        except RpcRefused as refused:
            # The identity service names the fields (email, civility, last_name…): the form's own names.
            error = refused.error
            first = error.errors[0] if error.errors else None
            detail = first.message if first is not None and len(error.errors) == 1 else error.detail
            raise InvalidInput(detail, field=first.field if first else None) from refused
        return InvitedAccount(
            account_id=found.account_id,
            email=found.email,
            kind=found.kind,
            first_name=found.first_name,
            last_name=found.last_name,
            password_set=found.password_set,
            siren=found.siren,
        )
