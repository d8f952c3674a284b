"""Give or withdraw the access-manager right of a user of the organisation; never the last one.

An appointed manager must accept the charter before using the right (charter article 2): the
appointment starts an activation without code, and the e-mail links to its charter page.
"""

import uuid

from contracts import habilitation_management as hm
from contracts.habilitation import ManagerRightWithdrawnV1
from contracts.habilitation_management import DoneV1, OrganisationUserV1
from contracts.notification import ManagerRightGrantedV1 as RightGrantedEmail
from contracts.notification import ManagerRightWithdrawnV1 as RightWithdrawnEmail
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.activation import Activation
from habilitation.domain.catalogue import CERES, CHARTER_VERSION
from habilitation.domain.errors import LastManager, NotFound
from habilitation.domain.manager_right import ManagerRight
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.activation.ports import Activations
from habilitation.use_cases.links import Links
from habilitation.use_cases.managers.access_control import require_manager
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.organisation.list_organisation_users import ListOrganisationUsers
from habilitation.use_cases.ports import Accounts, Clock, Directory, Establishment, ManagerRights


class AppointManager:
    def __init__(
        self,
        rights: ManagerRights,
        activations: Activations,
        accounts: Accounts,
        directory: Directory,
        users: ListOrganisationUsers,
        links: Links,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._rights = rights
        self._activations = activations
        self._accounts = accounts
        self._directory = directory
        self._users = users
        self._links = links
        self._clock = clock
        self._second_factor = second_factor

    async def appoint(self, command: hm.AppointManagerV1, context: MessageContext) -> OrganisationUserV1:
        siren, account_id = command.siren, command.account_id
        # The reply: the person as the users list shows them.
        shown = hm.GetOrganisationUserV1(actor=command.actor, siren=siren, account_id=account_id)
        await require_manager(self._rights, command.actor, siren, self._second_factor)
        self._second_factor.require_fresh(command.actor, self._clock())
        person = await self._accounts.get(account_id)
        if person is None or person.siren != siren:
            raise NotFound("Cet utilisateur n'appartient pas à la structure.")
        now = self._clock()
        right = await self._rights.get(account_id, siren)
        if right is not None and right.held:  # already manager or appointed: nothing to do
            return await self._users.one(shown, context)
        establishments = await self._directory.establishments(siren)
        organisation = _organisation_name(establishments, siren)
        # Written first: a crash before the right leaves an activation nobody is pointed to.
        activation = Activation.start(
            id=str(uuid.uuid4()),
            account_id=account_id,
            activation_code_id=None,
            service=CERES.code,
            siret=establishments[0].siret if establishments else "",
            siren=siren,
            organisation_name=organisation,
            charter_version=CHARTER_VERSION,
            started_at=now,
        )
        await self._activations.add(activation)
        if right is None:
            right = ManagerRight.appoint(account_id, siren, command.actor.account_id, now, activation.id)
        else:
            right.reappoint(command.actor.account_id, now, activation.id)
        granter = await self._accounts.get(command.actor.account_id)
        outgoing = Outgoing(PRODUCER, context)
        # The granted event waits for the charter (AcceptCharter): until then the right is not usable.
        outgoing.email(
            person.email,
            RightGrantedEmail(
                service_label=CERES.label,
                organisation_name=organisation,
                siren=siren,
                granted_by_first_name=granter.first_name if granter else "",
                granted_by_last_name=granter.last_name if granter else "",
                granted_on=now.date(),
                link=self._links.charter(activation.id),
            ),
            account_id=account_id,
            siren=siren,
            mentions=[command.actor.account_id],
        )
        await self._rights.save(right, outgoing.messages)
        return await self._users.one(shown, context)

    async def withdraw(self, command: hm.WithdrawManagerV1, context: MessageContext) -> DoneV1:
        siren, account_id = command.siren, command.account_id
        await require_manager(self._rights, command.actor, siren, self._second_factor)
        self._second_factor.require_fresh(command.actor, self._clock())
        right = await self._rights.get(account_id, siren)
        if right is None or not right.held:
            raise NotFound("Cet utilisateur n'est pas responsable des accès de la structure.")
        # Another usable manager must remain (an appointed one who has not accepted the charter does not count).
        if not [m for m in await self._rights.managers_of(siren) if m.account_id != account_id]:
            raise LastManager()
        now = self._clock()
        right.withdraw(command.actor.account_id, now)
        person, withdrawer = await self._accounts.get(account_id), await self._accounts.get(command.actor.account_id)
        outgoing = Outgoing(PRODUCER, context)
        outgoing.event(
            ManagerRightWithdrawnV1(account_id=account_id, siren=siren, withdrawn_by=command.actor.account_id)
        )
        if person is not None:
            outgoing.email(
                person.email,
                RightWithdrawnEmail(
                    service_label=CERES.label,
                    organisation_name=_organisation_name(await self._directory.establishments(siren), siren),
                    siren=siren,
                    withdrawn_by_first_name=withdrawer.first_name if withdrawer else "",
                    withdrawn_by_last_name=withdrawer.last_name if withdrawer else "",
                    withdrawn_on=now.date(),
                    link=self._links.my_habilitations(),
                ),
                account_id=account_id,
                siren=siren,
                mentions=[command.actor.account_id],
            )
        await self._rights.withdraw(right, outgoing.messages)  # refused there too if another withdrawal won
        return DoneV1()


def _organisation_name(establishments: list[Establishment], siren: str) -> str:
    return establishments[0].organisation_name if establishments else siren
