"""Identity asks, before deleting an account: of which organisations is it the last access manager?

Indexed reads only (rights by account, then by organisation): it sits on the deletion request's path.
The organisation's name is the one its activation recorded here, so identity is not asked back.
"""

from contracts.privacy import BlockingOrganisationV1, DeletionBlockersV1, GetDeletionBlockersV1
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.activation.ports import Activations
from habilitation.use_cases.ports import ManagerRights


class GetDeletionBlockers:
    def __init__(self, rights: ManagerRights, activations: Activations) -> None:
        self._rights = rights
        self._activations = activations

    async def __call__(self, query: GetDeletionBlockersV1, _: MessageContext) -> DeletionBlockersV1:
        blocking: list[str] = []
        for siren in await self._rights.managed_by(query.account_id):
            managers = [m.account_id for m in await self._rights.managers_of(siren)]
            # An appointed holder (charter not accepted) is no manager yet: it neither counts nor blocks.
            if query.account_id in managers and len(managers) == 1:
                blocking.append(siren)
        if not blocking:
            return DeletionBlockersV1(organisations=[])
        names: dict[str, str] = {}
        for activation in await self._activations.of_account(query.account_id):  # newest first
            if activation.organisation_name:
                names.setdefault(activation.siren, activation.organisation_name)
        return DeletionBlockersV1(organisations=[BlockingOrganisationV1(siren=s, name=names.get(s)) for s in blocking])
