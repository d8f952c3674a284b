"""« J'ai lu et j'accepte les CGU » of a digital service: recorded with its version, once per version."""

from contracts import habilitation_management as hm
from contracts.habilitation_management import DoneV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import NotFound
from habilitation.use_cases.catalogue.ports import TermsAcceptances
from habilitation.use_cases.ports import Clock


class AcceptTerms:
    def __init__(self, acceptances: TermsAcceptances, clock: Clock) -> None:
        self._acceptances = acceptances
        self._clock = clock

    async def __call__(self, command: hm.AcceptTermsV1, context: MessageContext) -> DoneV1:
        found = SERVICES.get(command.service)
        if found is None:
            raise NotFound("Ce service numérique n'existe pas.")
        await self._acceptances.record(command.actor.account_id, command.service, found.terms_version, self._clock())
        return DoneV1()
