"""Granting habilitations: checked against the catalogue and the organisation, saved each with its event.

Shared by every path that grants (accepting a request, a manager adding one, self-assignment,
invitations): the rules are the same whatever the door.
"""

import uuid
from datetime import datetime

from contracts.habilitation import HabilitationGrantedV1, HabilitationGrantV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import Conflict, InvalidInput
from habilitation.domain.habilitation import Habilitation, Via
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, Directory, Establishment, Habilitations


class GrantHabilitations:
    def __init__(self, habilitations: Habilitations, directory: Directory, accounts: Accounts, clock: Clock) -> None:
        self._habilitations = habilitations
        self._directory = directory
        self._accounts = accounts
        self._clock = clock

    async def check(
        self, siren: str, grants: list[HabilitationGrantV1], service: str | None = None
    ) -> dict[str, Establishment]:
        """Every grant valid for this organisation; returns its establishments by SIRET."""
        if not grants:
            raise InvalidInput("Ajoutez au moins une habilitation.", field="habilitations")
        establishments = {e.siret: e for e in await self._directory.establishments(siren)}
        today = self._clock().date()
        for index, grant in enumerate(grants):
            where = f"habilitations.{index}"
            known = SERVICES.get(grant.service)
            if known is None or (service is not None and grant.service != service):
                raise InvalidInput("Ce service numérique n'est pas disponible ici.", field=f"{where}.service")
            if known.role(grant.role) is None:
                raise InvalidInput(f"Ce rôle n'existe pas pour le service {known.label}.", field=f"{where}.role")
            if grant.siret not in establishments:
                raise InvalidInput(
                    "Cet établissement n'appartient pas à la structure, ou il est fermé.", field=f"{where}.siret"
                )
            if grant.end_date is not None and grant.end_date <= today:
                raise InvalidInput("La date de fin doit être postérieure à aujourd'hui.", field=f"{where}.end_date")
        return establishments

    async def grant(
        self,
        account_id: str,
        siren: str,
        grants: list[HabilitationGrantV1],
        by: str,
        via: Via,
        context: MessageContext,
        key: str | None = None,
        extra_messages: Outgoing | None = None,
    ) -> list[Habilitation]:
        """Save one habilitation per grant. With a `key` (e.g. the request id) the ids are derived from it,
        so a retry after a crash finds them instead of granting twice."""
        now: datetime = self._clock()
        # Past its end date a habilitation is gone (sweeper or not): it may be granted again.
        held = await self._habilitations.of_account(account_id)
        current = {(h.service, h.role, h.siret) for h in held if h.allows(now.date())}
        granted: list[Habilitation] = []
        for index, grant in enumerate(grants):
            if (grant.service, grant.role, grant.siret) in current:
                if key is None:
                    raise Conflict(
                        "Cette personne a déjà cette habilitation sur cet établissement.", field="habilitations"
                    )
                continue  # already granted by a previous attempt of the same decision
            habilitation_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key}/{index}")) if key else str(uuid.uuid4())
            habilitation = Habilitation.grant(
                id=habilitation_id,
                account_id=account_id,
                service=grant.service,
                role=grant.role,
                siret=grant.siret,
                siren=siren,
                end_date=grant.end_date,
                granted_by=by,
                granted_at=now,
                via=via,
            )
            outgoing = Outgoing(PRODUCER, context)
            names = await self._accounts.many([by])
            outgoing.event(HabilitationGrantedV1(habilitation=habilitation_v1(habilitation, names)))
            if extra_messages is not None and not granted:
                outgoing.messages.extend(extra_messages.messages)  # e.g. the e-mail, with the first one
            await self._habilitations.add(habilitation, outgoing.messages)
            granted.append(habilitation)
        return granted
