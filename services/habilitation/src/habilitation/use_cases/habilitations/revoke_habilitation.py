"""An access manager removes a habilitation (« Supprimer l'habilitation »); the holder is told by e-mail."""

from contracts import habilitation_management as hm
from contracts.habilitation import HabilitationRevokedV1, HabilitationV1
from contracts.notification import HabilitationEndedV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.catalogue import SERVICES, role_label
from habilitation.domain.errors import NotFound
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.managers.access_control import manages
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, Directory, Habilitations, ManagerRights


class RevokeHabilitation:
    def __init__(
        self,
        habilitations: Habilitations,
        rights: ManagerRights,
        accounts: Accounts,
        directory: Directory,
        links: Links,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._habilitations = habilitations
        self._rights = rights
        self._accounts = accounts
        self._directory = directory
        self._links = links
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: hm.RevokeHabilitationV1, context: MessageContext) -> HabilitationV1:
        habilitation = await self._habilitations.get(command.habilitation_id)
        if habilitation is None or not await manages(
            self._rights, command.actor, habilitation.siren, self._second_factor
        ):
            raise NotFound("Cette habilitation est introuvable.")
        now = self._clock()
        habilitation.revoke(command.actor.account_id, now)
        names = await self._accounts.many([habilitation.account_id, habilitation.granted_by, command.actor.account_id])
        view = habilitation_v1(habilitation, names)
        outgoing = Outgoing(PRODUCER, context)
        outgoing.event(HabilitationRevokedV1(habilitation=view, revoked_by=command.actor.account_id))
        holder = names.get(habilitation.account_id)
        if holder is not None:
            establishment = await self._directory.establishment(habilitation.siret)
            content = HabilitationEndedV1(
                kind="revoked",
                service_label=SERVICES[habilitation.service].label,
                role_label=role_label(habilitation.service, habilitation.role),
                establishment_name=establishment.name if establishment else habilitation.siret,
                siret=habilitation.siret,
                ended_on=now.date(),
                link=self._links.my_habilitations(),
            )
            outgoing.email(holder.email, content, account_id=holder.account_id, siren=habilitation.siren)
        await self._habilitations.update(habilitation, outgoing.messages)
        return view
