"""« Télécharger mes données », habilitation's part: every record about the person, with its history.

The records as the person's own pages show them (the same views); the history lines name accounts by
id only, as they are kept.
"""

from typing import Literal

from contracts.privacy import ExportHabilitationDataV1, HabilitationDataV1, HistoryEntryV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.history import Transition
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.access_requests.views import access_request_v1
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.invitations.ports import Invitations
from habilitation.use_cases.invitations.views import invitation_v1
from habilitation.use_cases.managers.views import manager_right_v1
from habilitation.use_cases.ports import AccountCopy, Accounts, Clock, Habilitations, ManagerRights

Record = Literal["habilitation", "access_request", "invitation"]


class ExportHabilitationData:
    def __init__(
        self,
        habilitations: Habilitations,
        rights: ManagerRights,
        requests: AccessRequests,
        invitations: Invitations,
        accounts: Accounts,
        clock: Clock,
    ) -> None:
        self._habilitations = habilitations
        self._rights = rights
        self._requests = requests
        self._invitations = invitations
        self._accounts = accounts
        self._clock = clock

    async def __call__(self, query: ExportHabilitationDataV1, _: MessageContext) -> HabilitationDataV1:
        me = query.actor.account_id
        habilitations = await self._habilitations.of_account(me, active_only=False)
        rights = await self._rights.of_account(me)
        requests = await self._requests.of_account(me)
        invitations = await self._invitations.of_person(me)
        people = {me, *(h.granted_by for h in habilitations), *(r.granted_by or "" for r in rights)}
        people |= {i.invited_by for i in invitations}
        names = await self._accounts.many(sorted(p for p in people if p))
        now = self._clock()
        history = [
            *(_line("habilitation", h.id, t) for h in habilitations for t in h.history),
            *(
                HistoryEntryV1(record="manager_right", record_id=r.id, what=what, at=at, by=by)
                for r in rights
                for at, what, by in r.history
            ),
            *(_line("access_request", r.id, t) for r in requests for t in r.history),
            *(_line("invitation", i.id, t) for i in invitations for t in i.history),
        ]
        return HabilitationDataV1(
            habilitations=[habilitation_v1(h, names) for h in habilitations],
            manager_rights=[manager_right_v1(r, _name(names, r.granted_by)) for r in rights],
            access_requests=[access_request_v1(r, names) for r in requests],
            invitations_received=[invitation_v1(i, names, now) for i in invitations if i.account_id == me],
            invitations_sent=[invitation_v1(i, names, now) for i in invitations if i.invited_by == me],
            history=sorted(history, key=lambda e: e.at),
        )


def _line(record: Record, record_id: str, t: Transition) -> HistoryEntryV1:
    what = f"{t.trigger} ({t.why})" if t.why else t.trigger
    return HistoryEntryV1(record=record, record_id=record_id, what=what, at=t.at, by=t.by)


def _name(names: dict[str, AccountCopy], account_id: str | None) -> str | None:
    person = names.get(account_id or "")
    return person.display_name if person else None
