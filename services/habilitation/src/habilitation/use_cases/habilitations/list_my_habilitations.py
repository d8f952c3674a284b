"""The caller's own habilitations (« Mes habilitations »), active ones first, with their provenance."""

from contracts import habilitation_management as hm
from contracts.habilitation_management import HabilitationsV1
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.ports import Accounts, Habilitations


class ListMyHabilitations:
    def __init__(self, habilitations: Habilitations, accounts: Accounts) -> None:
        self._habilitations = habilitations
        self._accounts = accounts

    async def __call__(self, command: hm.ListMyHabilitationsV1, context: MessageContext) -> HabilitationsV1:
        held = await self._habilitations.of_account(command.actor.account_id, active_only=False)
        held.sort(key=lambda h: (h.state.value != "active", h.granted_at))
        names = await self._accounts.many([h.granted_by for h in held])
        return HabilitationsV1(habilitations=[habilitation_v1(h, names) for h in held])
