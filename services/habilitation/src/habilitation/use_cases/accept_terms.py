"""« J'ai lu et j'accepte les CGU » of a digital service: recorded with its version, once per version."""

from datetime import datetime
from typing import Protocol

from contracts.habilitation import ActorV1
from contracts.habilitation_management import DoneV1
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import NotFound
from habilitation.use_cases.ports import Clock


class TermsAcceptances(Protocol):
    async def record(self, account_id: str, service: str, version: str, at: datetime) -> None: ...


class AcceptTerms:
    def __init__(self, acceptances: TermsAcceptances, clock: Clock) -> None:
        self._acceptances = acceptances
        self._clock = clock

    async def __call__(self, actor: ActorV1, service: str) -> DoneV1:
        found = SERVICES.get(service)
        if found is None:
            raise NotFound("Ce service numérique n'existe pas.")
        await self._acceptances.record(actor.account_id, service, found.terms_version, self._clock())
        return DoneV1()
