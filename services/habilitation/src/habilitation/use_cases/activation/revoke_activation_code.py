"""An agent revokes an activation code still issued (a letter sent to the wrong place, an agrément withdrawn)."""

from contracts import activation as a
from contracts.activation import ActivationCodeV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.errors import WrongState
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.activation.access_control import agent_code_in_region
from habilitation.use_cases.activation.expire_activation_codes import record_expiry
from habilitation.use_cases.activation.messages import code_events
from habilitation.use_cases.activation.ports import ActivationCodes
from habilitation.use_cases.activation.views import activation_code_v1
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, Directory


class RevokeActivationCode:
    def __init__(
        self,
        codes: ActivationCodes,
        accounts: Accounts,
        directory: Directory,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._codes = codes
        self._directory = directory
        self._accounts = accounts
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: a.RevokeActivationCodeV1, context: MessageContext) -> ActivationCodeV1:
        code = await agent_code_in_region(
            self._codes, self._directory, command.actor, command.activation_code_id, self._second_factor
        )
        now = self._clock()
        if code.is_due(now):
            await record_expiry(self._codes, code, now, context)
            raise WrongState("Ce code d'activation a déjà expiré.")
        code.revoke(command.actor.account_id, now, (command.reason or "").strip() or None)
        outgoing = Outgoing(PRODUCER, context)
        code_events(outgoing, code)
        await self._codes.update(code, outgoing.messages)
        names = await self._accounts.many([code.issued_by, command.actor.account_id])
        return activation_code_v1(code, names, now)
