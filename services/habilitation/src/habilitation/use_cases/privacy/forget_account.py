"""The identity service deleted an account: end what the person held here and pseudonymise their records.

Each step reads by account id what is still to do, so a redelivery does nothing more and a crash midway is
finished by the redelivery. The public events of each transition go out as usual (the gateway's
authorization copy drops the habilitations), but no e-mail: the person's address is gone, and the
managers are not told more than on any other withdrawal. Who granted what to whom and when stays, by ids.
"""

import logging

from contracts.habilitation import HabilitationRevokedV1, ManagerRightWithdrawnV1
from contracts.privacy import AccountDeletedV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.access_request import RequestState
from habilitation.domain.errors import Conflict
from habilitation.domain.invitation import SYSTEM, InvitationState
from habilitation.use_cases.access_requests.messages import request_events
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.invitations.messages import invitation_events
from habilitation.use_cases.invitations.ports import Invitations
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, Habilitations, ManagerRights

REASON = "compte supprimé"
# A record changed meanwhile (a manager revoking the same habilitation): the pass is run again from the store.
ATTEMPTS = 3
logger = logging.getLogger(__name__)


class ForgetAccount:
    def __init__(
        self,
        accounts: Accounts,
        habilitations: Habilitations,
        rights: ManagerRights,
        requests: AccessRequests,
        invitations: Invitations,
        clock: Clock,
    ) -> None:
        self._accounts = accounts
        self._habilitations = habilitations
        self._rights = rights
        self._requests = requests
        self._invitations = invitations
        self._clock = clock

    async def __call__(self, event: AccountDeletedV1, context: MessageContext) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await self._forget(event, context)
            except Conflict:
                if attempt == ATTEMPTS:
                    raise  # the broker's redelivery (or an operator's replay) tries again
                continue
            logger.info("account %s forgotten", event.account_id)
            return

    async def _forget(self, event: AccountDeletedV1, context: MessageContext) -> None:
        account_id = event.account_id
        # First: from now on no use case finds the person (no e-mail to them), no late event restores the copy.
        await self._accounts.forget(account_id, event.deleted_at)
        # Their own deletion is theirs; an inactive account's is the system's.
        by = account_id if event.reason == "requested" else SYSTEM
        await self._requests_of(account_id, context)
        await self._habilitations_of(account_id, by, context)
        await self._rights_of(account_id, by, context)
        await self._invitations_of(account_id, by, context)

    async def _requests_of(self, account_id: str, context: MessageContext) -> None:
        for request in await self._requests.of_account(account_id):
            if request.state is RequestState.PENDING:
                request.cancel(account_id, self._clock())
            erased = request.erase_message()
            if not request.events and not erased:
                continue  # done by an earlier delivery
            outgoing = Outgoing(PRODUCER, context)
            request_events(outgoing, request)
            await self._requests.update(request, outgoing.messages)

    async def _habilitations_of(self, account_id: str, by: str, context: MessageContext) -> None:
        for habilitation in await self._habilitations.of_account(account_id, active_only=True):
            habilitation.revoke(by, self._clock(), REASON)
            names = await self._accounts.many([habilitation.granted_by])
            outgoing = Outgoing(PRODUCER, context)
            view = habilitation_v1(habilitation, names)
            outgoing.event(HabilitationRevokedV1(habilitation=view, revoked_by=by, reason=REASON))
            await self._habilitations.update(habilitation, outgoing.messages)

    async def _rights_of(self, account_id: str, by: str, context: MessageContext) -> None:
        for siren in await self._rights.managed_by(account_id):
            right = await self._rights.get(account_id, siren)
            if right is None or not right.held:
                continue
            right.withdraw(by, self._clock())
            right.events.clear()  # the withdrawn event is built here, as the managers' withdrawal does
            outgoing = Outgoing(PRODUCER, context)
            outgoing.event(ManagerRightWithdrawnV1(account_id=account_id, siren=siren, withdrawn_by=by))
            if not [m for m in await self._rights.managers_of(siren) if m.account_id != account_id]:
                # Identity refuses to delete the last manager; an account deleted anyway (a race) still goes.
                logger.warning("organisation %s left without access manager by the deletion of %s", siren, account_id)
            # Not `withdraw`: its last-manager guard cannot keep a right for a person who no longer exists.
            await self._rights.save(right, outgoing.messages)

    async def _invitations_of(self, account_id: str, by: str, context: MessageContext) -> None:
        for invitation in await self._invitations.of_person(account_id):
            now = self._clock()
            received = invitation.account_id == account_id
            if received and invitation.state in (InvitationState.SENT, InvitationState.EXPIRED):
                invitation.revoke(by, now, REASON)  # an expired one could be resent to them
            elif invitation.invited_by == account_id and invitation.effective_state(now) is InvitationState.SENT:
                invitation.revoke(by, now, REASON)
            erased = received and invitation.erase_invitee()
            if not invitation.events and not erased:
                continue
            outgoing = Outgoing(PRODUCER, context)
            invitation_events(outgoing, invitation)
            await self._invitations.update(invitation, outgoing.messages)
