"""The caller's own habilitations (« Mes habilitations »), active ones first, with their provenance."""

from contracts.habilitation import ActorV1
from contracts.habilitation_management import HabilitationsV1
from habilitation.use_cases.ports import Accounts, Habilitations
from habilitation.use_cases.views import habilitation_v1


class ListMyHabilitations:
    def __init__(self, habilitations: Habilitations, accounts: Accounts) -> None:
        self._habilitations = habilitations
        self._accounts = accounts

    async def __call__(self, actor: ActorV1) -> HabilitationsV1:
        held = await self._habilitations.of_account(actor.account_id, active_only=False)
        held.sort(key=lambda h: (h.state.value != "active", h.granted_at))
        names = await self._accounts.many([h.granted_by for h in held])
        return HabilitationsV1(habilitations=[habilitation_v1(h, names) for h in held])
