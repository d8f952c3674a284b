"""Hand-written fakes of the invitation and sweep ports, and a world that wires the invitation use cases."""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast
from urllib.parse import parse_qs, urlparse

from contracts.habilitation import HabilitationGrantV1
from efp_runtime.outbox import OutboxMessage
from habilitation.domain.errors import Conflict, InvalidInput
from habilitation.domain.habilitation import HabilitationState
from habilitation.domain.invitation import DUPLICATE_PENDING, Invitation, InvitationState, InvitedGrant, hash_token
from habilitation.use_cases.accept_invitation import AcceptInvitation
from habilitation.use_cases.grant_habilitations import GrantHabilitations
from habilitation.use_cases.invitation_ports import InvitedAccount
from habilitation.use_cases.invite_user import InviteUser
from habilitation.use_cases.list_invitations import ListInvitations
from habilitation.use_cases.page_ports import EVERYTHING, RecordFilter, RecordPage
from habilitation.use_cases.resend_invitation import ResendInvitation
from habilitation.use_cases.revoke_invitation import RevokeInvitation
from habilitation.use_cases.sweep_ports import EndingHabilitation
from services.habilitation.tests.unit.core_fakes import (
    CONTEXT,
    LINKS,
    SIREN,
    SIRET,
    T0,
    TODAY,
    World,
    _Store,
    actor,
    emails,
)
from services.habilitation.tests.unit.page_fakes import newest_first


class FakeInvitations(_Store):
    """Keeps the Mongo adapter's rules: one pending per (address, organisation), listing by effective state."""

    async def add(self, invitation: Invitation, messages: list[OutboxMessage]) -> None:
        if await self.pending(invitation.email, invitation.siren) is not None:
            raise Conflict(DUPLICATE_PENDING)
        self.put_new(invitation.id, invitation, messages)

    async def get(self, invitation_id: str) -> Invitation | None:
        return cast("Invitation | None", self.load(invitation_id))

    async def update(self, invitation: Invitation, messages: list[OutboxMessage]) -> None:
        other = await self.pending(invitation.email, invitation.siren)
        if invitation.state is InvitationState.SENT and other is not None and other.id != invitation.id:
            raise Conflict(DUPLICATE_PENDING)
        self.put(invitation.id, invitation, messages)

    async def pending(self, email: str, siren: str) -> Invitation | None:
        return next(
            (
                i
                for i in self.all()
                if (i.email.lower(), i.siren) == (email.lower(), siren) and i.state is InvitationState.SENT
            ),
            None,
        )

    async def of_organisation(
        self, siren: str, state: InvitationState | None, now: datetime, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[Invitation]:
        found = [i for i in self.all() if i.siren == siren and (state is None or i.effective_state(now) is state)]
        return newest_first(found, filters, lambda i: {g.siret for g in i.grants})


class FakeInvitedAccounts:
    """The identity service's side: an address gets one account; a new one needs the identity fields."""

    def __init__(self) -> None:
        self.accounts: dict[str, InvitedAccount] = {}
        self.calls: list[dict[str, Any]] = []

    def existing(
        self, account_id: str, email: str, password_set: bool = True, kind: str = "user", siren: str | None = SIREN
    ) -> None:
        self.accounts[email] = InvitedAccount(account_id, email, kind, "Jeanne", "Martin", password_set, siren)

    async def ensure(
        self,
        email: str,
        civility: str | None,
        last_name: str | None,
        first_name: str | None,
        job_title: str | None,
        siren: str,
    ) -> InvitedAccount:
        address = email.strip().lower()
        self.calls.append({"email": address, "last_name": last_name, "siren": siren})
        if address in self.accounts:
            return self.accounts[address]
        if not (civility and last_name and first_name):
            raise InvalidInput("Renseignez l'identité de la personne.", field="last_name")
        account = InvitedAccount(f"new-{len(self.accounts)}", address, "user", first_name, last_name, False, siren)
        self.accounts[address] = account
        return account


class FakeHabilitationSweep:
    """Answers from the habilitation fake's items; the warning record keeps its guard (state, version, once)."""

    def __init__(self, world: World) -> None:
        self._habilitations = world.habilitations
        self.warned: dict[str, datetime] = {}
        self.outbox: list[OutboxMessage] = []

    async def reached_end(self, today: date, limit: int) -> list[str]:
        due = [h for h in self._active() if h.end_date is not None and h.end_date <= today]
        return [h.id for h in sorted(due, key=lambda h: h.end_date or today)][:limit]

    async def ending_unwarned(self, today: date, until: date, limit: int) -> list[EndingHabilitation]:
        return [
            EndingHabilitation(h.id, h.version, h.account_id, h.service, h.role, h.siret, h.siren, h.end_date)
            for h in self._active()
            if h.end_date is not None and today < h.end_date <= until and h.id not in self.warned
        ][:limit]

    async def record_warning(
        self, habilitation: EndingHabilitation, now: datetime, messages: list[OutboxMessage]
    ) -> bool:
        stored = self._habilitations.items.get(habilitation.id)
        if stored is None or stored.version != habilitation.version or stored.state is not HabilitationState.ACTIVE:
            return False
        if habilitation.id in self.warned:
            return False
        self.warned[habilitation.id] = now
        stored.version += 1
        self.outbox.extend(messages)
        return True

    def _active(self) -> list[Any]:
        return [h for h in self._habilitations.all() if h.state is HabilitationState.ACTIVE]


@dataclass
class Invites:
    """The invitation use cases over the core fakes: a manager of SIREN, the invitee's identity service."""

    world: World = field(default_factory=World)
    invitations: FakeInvitations = field(default_factory=FakeInvitations)
    identity: FakeInvitedAccounts = field(default_factory=FakeInvitedAccounts)

    def __post_init__(self) -> None:
        w = self.world
        w.manager("manager")
        grants = GrantHabilitations(w.habilitations, w.directory, w.accounts, w.clock)
        self.invite_user = InviteUser(
            self.invitations, w.rights, w.accounts, self.identity, w.habilitations, grants, LINKS, w.clock
        )
        self.resend = ResendInvitation(self.invitations, w.rights, w.accounts, w.directory, LINKS, w.clock)
        self.revoke = RevokeInvitation(self.invitations, w.rights, w.accounts, w.clock)
        self.accept = AcceptInvitation(self.invitations, w.rights, w.accounts, grants, w.clock)
        self.list = ListInvitations(self.invitations, w.rights, w.accounts, w.clock)

    async def invite(
        self,
        email: str = "jeanne.martin@example.fr",
        grants: list[HabilitationGrantV1] | None = None,
        by: str = "manager",
        siren: str = SIREN,
        **identity: str,
    ) -> tuple[str, str]:
        """Sends an invitation; returns its id and the token of the e-mail's link."""
        names = identity or {"civility": "madame", "last_name": "Martin", "first_name": "Jeanne"}
        view = await self.invite_user(
            actor(by),
            siren,
            email,
            names.get("civility"),
            names.get("last_name"),
            names.get("first_name"),
            names.get("job_title"),
            grants or [HabilitationGrantV1(role="centre_agree", siret=SIRET)],
            CONTEXT,
        )
        return view.id, last_token(self.invitations.outbox)


def make_invitation(email: str = "jeanne@example.fr", siren: str = SIREN, at: datetime = T0) -> Invitation:
    """A sent invitation to two habilitations (one with an end date), as a manager sends it."""
    return Invitation.send(
        at,
        hash_token(f"{email}.secret"),
        id=str(uuid.uuid4()),
        email=email,
        account_id=f"account-{email}",
        first_name="Jeanne",
        last_name="Martin",
        siren=siren,
        grants=(
            InvitedGrant("ceres", "centre_agree", SIRET, TODAY + timedelta(days=30)),
            InvitedGrant("ceres", "gestionnaire_centres", SIRET),
        ),
        invited_by="manager",
        has_account=False,
        organisation_name="Formation Plus",
    )


def last_token(messages: list[OutboxMessage]) -> str:
    """The token of the link in the last invitation e-mail."""
    link = [e for e in emails(messages) if e["content"]["template"].startswith("invitation")][-1]["content"]["link"]
    return str(parse_qs(urlparse(link).query)["token"][0])


def bodies(messages: list[OutboxMessage], message_type: str) -> list[dict[str, Any]]:
    return [json.loads(m.body) for m in messages if m.type == message_type]


def secrets_in(messages: list[OutboxMessage], token: str) -> list[str]:
    """The message types whose body shows the token's secret part."""
    secret = re.escape(token.partition(".")[2])
    return [m.type for m in messages if re.search(secret, m.body)]
