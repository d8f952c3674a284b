"""An agent lists the activation codes of a SIRET: states and who did what, never the codes."""

from contracts.activation import ActivationCodesV1
from contracts.habilitation import ActorV1
from habilitation.domain.activation_code import normalize_siret
from habilitation.domain.errors import InvalidInput
from habilitation.use_cases.activation_outgoing import activation_code_v1, require_agent
from habilitation.use_cases.activation_ports import ActivationCodes
from habilitation.use_cases.ports import Accounts, Clock


class ListActivationCodes:
    def __init__(self, codes: ActivationCodes, accounts: Accounts, clock: Clock) -> None:
        self._codes = codes
        self._accounts = accounts
        self._clock = clock

    async def __call__(self, actor: ActorV1, siret: str) -> ActivationCodesV1:
        require_agent(actor)
        compact = normalize_siret(siret)
        if compact is None:
            raise InvalidInput("Le SIRET doit comporter 14 chiffres.", field="siret")
        codes = await self._codes.of_siret(compact)
        people = {c.issued_by for c in codes} | {c.redeemed_by for c in codes if c.redeemed_by}
        names = await self._accounts.many(sorted(people))
        now = self._clock()
        return ActivationCodesV1(activation_codes=[activation_code_v1(c, names, now) for c in codes])
