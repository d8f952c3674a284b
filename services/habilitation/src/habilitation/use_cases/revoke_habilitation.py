"""An access manager removes a habilitation (« Supprimer l'habilitation »); the holder is told by e-mail."""

from contracts.habilitation import ActorV1, HabilitationRevokedV1, HabilitationV1
from contracts.notification import HabilitationEndedV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import NotFound
from habilitation.use_cases.outgoing import Links, Outgoing
from habilitation.use_cases.ports import Accounts, Clock, Directory, Habilitations, ManagerRights
from habilitation.use_cases.views import habilitation_v1, role_label


class RevokeHabilitation:
    def __init__(
        self,
        habilitations: Habilitations,
        rights: ManagerRights,
        accounts: Accounts,
        directory: Directory,
        links: Links,
        clock: Clock,
    ) -> None:
        self._habilitations = habilitations
        self._rights = rights
        self._accounts = accounts
        self._directory = directory
        self._links = links
        self._clock = clock

    async def __call__(self, actor: ActorV1, habilitation_id: str, context: MessageContext) -> HabilitationV1:
        habilitation = await self._habilitations.get(habilitation_id)
        right = await self._rights.get(actor.account_id, habilitation.siren) if habilitation else None
        if habilitation is None or right is None or not right.active:
            raise NotFound("Cette habilitation est introuvable.")
        now = self._clock()
        habilitation.revoke(actor.account_id, now)
        names = await self._accounts.many([habilitation.account_id, habilitation.granted_by, actor.account_id])
        view = habilitation_v1(habilitation, names)
        outgoing = Outgoing(context)
        outgoing.event(HabilitationRevokedV1(habilitation=view, revoked_by=actor.account_id))
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
