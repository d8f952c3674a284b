"""Test data of the invitation unit tests: their use cases over the core world, and readers of their e-mails."""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

from contracts import invitations as inv
from contracts.habilitation import HabilitationGrantV1
from efp_runtime.outbox import OutboxMessage
from habilitation.domain.invitation import Invitation, InvitedGrant, hash_token
from services.habilitation.tests.unit.samples import CONTEXT, SIREN, SIRET, T0, TODAY, World, actor, emails


@dataclass
class Invites:
    """The invitation use cases over the core fakes: a manager of SIREN, the invitee's identity service."""

    world: World = field(default_factory=World)

    def __post_init__(self) -> None:
        self.world.manager("manager")
        self.invitations = self.world.invitations
        self.identity = self.world.invited_accounts
        x = self.world.x
        self.invite_user = x.invite_user
        self.resend = x.resend_invitation
        self.revoke = x.revoke_invitation
        self.accept = x.accept_invitation
        self.list = x.list_invitations

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
            inv.InviteUserV1(
                actor=actor(by),
                siren=siren,
                email=email,
                civility=names.get("civility"),
                last_name=names.get("last_name"),
                first_name=names.get("first_name"),
                job_title=names.get("job_title"),
                habilitations=grants or [HabilitationGrantV1(role="centre_agree", siret=SIRET)],
            ),
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
