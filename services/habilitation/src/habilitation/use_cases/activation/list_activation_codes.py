"""An agent lists the activation codes of a SIRET: states and who did what, never the codes."""

from contracts import activation as a
from contracts.activation import ActivationCodesV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.errors import InvalidInput
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.domain.siret import normalize_siret
from habilitation.use_cases.activation.access_control import require_agent, require_region_of_siret
from habilitation.use_cases.activation.ports import ActivationCodes
from habilitation.use_cases.activation.views import activation_code_v1
from habilitation.use_cases.ports import Accounts, Clock, Directory


class ListActivationCodes:
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

    async def __call__(self, command: a.ListActivationCodesV1, context: MessageContext) -> ActivationCodesV1:
        require_agent(command.actor, self._second_factor)
        compact = normalize_siret(command.siret)
        if compact is None:
            raise InvalidInput("Le SIRET doit comporter 14 chiffres.", field="siret")
        await require_region_of_siret(self._directory, command.actor, compact)
        codes = await self._codes.of_siret(compact)
        people = {c.issued_by for c in codes} | {c.redeemed_by for c in codes if c.redeemed_by}
        names = await self._accounts.many(sorted(people))
        now = self._clock()
        return ActivationCodesV1(activation_codes=[activation_code_v1(c, names, now) for c in codes])
