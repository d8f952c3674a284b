"""Guide 000 §3.2, step 17: « J'accepte de devenir responsable des accès » — the code is redeemed, the right granted.

Three single-document writes, in an order that makes a retry after a crash finish the job:
the code first (its version check lets one activation win; its outbox carries the redeemed
event and the other managers' notices), then the right (with `ManagerRightGrantedV1`), then
the activation. A retry finds the code redeemed through this very activation and goes on.

An activation without code was started by a colleague's appointment: accepting the charter makes
the appointed right usable (charter article 2); a right withdrawn meanwhile is not given back.
"""

from datetime import datetime

from contracts import activation as a
from contracts.activation import ActivationCompletedV1
from contracts.habilitation import ActorV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.activation import Activation
from habilitation.domain.activation_code import ActivationCode, ActivationCodeExpired
from habilitation.domain.errors import Conflict, InvalidInput, NotFound
from habilitation.domain.manager_right import ManagerRight, ManagerRightState
from habilitation.use_cases.activation.expire_activation_codes import record_expiry
from habilitation.use_cases.activation.messages import code_events, redeemed_notice
from habilitation.use_cases.activation.ports import ActivationCodes, Activations
from habilitation.use_cases.activation.start_activation import ALREADY_MANAGER
from habilitation.use_cases.links import Links
from habilitation.use_cases.managers.messages import right_events
from habilitation.use_cases.managers.views import manager_right_v1
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, ManagerRights

VIA = "activation_code"
WITHDRAWN_MEANWHILE = "Ce droit de responsable des accès vous a été retiré entre-temps."


class AcceptCharter:
    def __init__(
        self,
        codes: ActivationCodes,
        activations: Activations,
        rights: ManagerRights,
        accounts: Accounts,
        links: Links,
        clock: Clock,
    ) -> None:
        self._codes = codes
        self._activations = activations
        self._rights = rights
        self._accounts = accounts
        self._links = links
        self._clock = clock

    async def __call__(self, command: a.AcceptManagerCharterV1, context: MessageContext) -> ActivationCompletedV1:
        if not command.accept:
            raise InvalidInput("Cochez « J'accepte de devenir responsable des accès » pour continuer.", field="accept")
        activation = await self._activations.get(command.activation_id)
        # Somebody else's activation is invisible, like one that does not exist.
        if activation is None or activation.account_id != command.actor.account_id:
            raise NotFound("Cette activation est introuvable. Saisissez à nouveau votre code d'activation.")
        if activation.completed:
            return await self._completed(activation)  # a repeated click: same answer
        now = self._clock()
        if activation.appointed:
            right = await self._appointed_right(activation, now, context)
        else:
            right = await self._code_right(activation, command.actor, now, context)
        activation.accept_charter(command.actor.account_id, now)
        await self._activations.update(activation)
        return _reply(activation, right)

    async def _appointed_right(self, activation: Activation, now: datetime, context: MessageContext) -> ManagerRight:
        right = await self._rights.get(activation.account_id, activation.siren)
        if right is None or right.state is ManagerRightState.WITHDRAWN:
            raise NotFound(WITHDRAWN_MEANWHILE)
        if right.awaiting_charter:  # else accepted by a previous attempt that crashed before the end
            right.accept_charter(activation.charter_version, now)
            granter = await self._accounts.get(right.granted_by or "")
            granted = Outgoing(PRODUCER, context)
            right_events(granted, right, granter.display_name if granter else None)
            await self._rights.save(right, granted.messages)
        return right

    async def _code_right(
        self, activation: Activation, actor: ActorV1, now: datetime, context: MessageContext
    ) -> ManagerRight:
        code = await self._codes.get(activation.activation_code_id or "")
        if code is None:
            raise NotFound("Ce code d'activation est introuvable.")
        if not code.redeemed_through(activation.id):
            await self._redeem(code, activation, actor, now, context)
        right = await self._rights.get(actor.account_id, activation.siren)
        if right is None:
            right = ManagerRight.grant(
                account_id=actor.account_id,
                siren=activation.siren,
                granted_by=None,
                granted_at=now,
                via=VIA,
                charter_version=activation.charter_version,
            )
        elif right.awaiting_charter:  # appointed by a colleague meanwhile: this charter is accepted too
            right.accept_charter(activation.charter_version, now)
        elif not right.active:
            right.regrant(None, now, VIA, activation.charter_version)
        if right.events:  # else granted by a previous attempt that crashed before the end
            granted = Outgoing(PRODUCER, context)
            right_events(granted, right)
            await self._rights.save(right, granted.messages)
        return right

    async def _redeem(
        self, code: ActivationCode, activation: Activation, actor: ActorV1, now: datetime, context: MessageContext
    ) -> None:
        if code.is_due(now):
            await record_expiry(self._codes, code, now, context)
            raise ActivationCodeExpired()
        code.check_redeemable(now)
        managers = [m.account_id for m in await self._rights.managers_of(code.siren)]
        if actor.account_id in managers:
            # Named manager by a colleague meanwhile: leave the code unused rather than spend it on nothing.
            raise Conflict(ALREADY_MANAGER)
        manager = await self._accounts.get(actor.account_id) if managers else None
        if managers and manager is None:
            raise InvalidInput("Votre compte n'est pas encore connu de ce service. Réessayez dans un instant.")
        code.redeem(actor.account_id, activation.id, now)
        outgoing = Outgoing(PRODUCER, context)
        code_events(outgoing, code)
        if manager is not None:
            copies = await self._accounts.many(managers)
            redeemed_notice(outgoing, code, manager, [copies[m] for m in managers if m in copies], self._links)
        await self._codes.update(code, outgoing.messages)

    async def _completed(self, activation: Activation) -> ActivationCompletedV1:
        right = await self._rights.get(activation.account_id, activation.siren)
        if right is None:
            raise NotFound("Cette activation est introuvable. Saisissez à nouveau votre code d'activation.")
        return _reply(activation, right)


def _reply(activation: Activation, right: ManagerRight) -> ActivationCompletedV1:
    return ActivationCompletedV1(
        activation_id=activation.id,
        service=activation.service,
        siret=activation.siret,
        siren=activation.siren,
        organisation_name=activation.organisation_name,
        charter_version=activation.charter_version,
        manager_right=manager_right_v1(right),
    )
