"""An agent revokes an activation code still issued (a letter sent to the wrong place, an agrément withdrawn)."""

from contracts.activation import ActivationCodeV1
from contracts.habilitation import ActorV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.errors import NotFound, WrongState
from habilitation.use_cases.activation_outgoing import activation_code_v1, code_events, record_expiry, require_agent
from habilitation.use_cases.activation_ports import ActivationCodes
from habilitation.use_cases.outgoing import Outgoing
from habilitation.use_cases.ports import Accounts, Clock


class RevokeActivationCode:
    def __init__(self, codes: ActivationCodes, accounts: Accounts, clock: Clock) -> None:
        self._codes = codes
        self._accounts = accounts
        self._clock = clock

    async def __call__(
        self, actor: ActorV1, code_id: str, reason: str | None, context: MessageContext
    ) -> ActivationCodeV1:
        require_agent(actor)
        code = await self._codes.get(code_id)
        if code is None:
            raise NotFound("Ce code d'activation est introuvable.")
        now = self._clock()
        if code.is_due(now):
            await record_expiry(self._codes, code, now, context)
            raise WrongState("Ce code d'activation a déjà expiré.")
        code.revoke(actor.account_id, now, (reason or "").strip() or None)
        outgoing = Outgoing(context)
        code_events(outgoing, code)
        await self._codes.update(code, outgoing.messages)
        names = await self._accounts.many([code.issued_by, actor.account_id])
        return activation_code_v1(code, names, now)
