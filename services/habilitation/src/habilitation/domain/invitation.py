"""Invitation: an access manager invites a person by e-mail to habilitations of their organisation."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from efp_runtime.state_machine import IllegalTransition, fire, machine
from habilitation.domain.errors import TooEarly, WrongState
from habilitation.domain.history import Transition


class InvitationState(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"


TRANSITIONS = [
    {"trigger": "accept", "source": InvitationState.SENT, "dest": InvitationState.ACCEPTED},
    {"trigger": "expire", "source": InvitationState.SENT, "dest": InvitationState.EXPIRED},
    {"trigger": "resend", "source": InvitationState.EXPIRED, "dest": InvitationState.SENT},
    {"trigger": "revoke", "source": [InvitationState.SENT, InvitationState.EXPIRED], "dest": InvitationState.REVOKED},
]
# Guide §6.3: « L'invitation expirant 1 jour après son envoi, il est possible de relancer l'utilisateur. »
VALID_FOR = timedelta(days=1)
SYSTEM = "system"
EXPIRY_REASON = "délai d'un jour écoulé"
DUPLICATE_PENDING = "Une invitation est déjà en attente pour cette adresse e-mail dans votre structure."

_MACHINE = machine(InvitationState, TRANSITIONS, initial=InvitationState.SENT)


def new_token(invitation_id: str) -> str:
    """The link's token: the invitation id (to find it without indexing secrets), then 256 random bits."""
    return f"{invitation_id}.{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    # The token is random and long: a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_id_of(token: str) -> str | None:
    invitation_id, dot, secret = token.strip().partition(".")
    return invitation_id if dot and invitation_id and secret else None


@dataclass(frozen=True)
class InvitedGrant:
    """A habilitation the invitation grants on acceptance."""

    service: str
    role: str
    siret: str
    end_date: date | None = None


class InvitationEvent(StrEnum):
    """What happened to an invitation in one step: each becomes its public event."""

    SENT = "sent"
    RESENT = "resent"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


@dataclass
class Invitation:
    id: str
    email: str
    # The invitee's account: existing, or prepared by the identity service at sending.
    account_id: str
    first_name: str
    last_name: str
    siren: str
    grants: tuple[InvitedGrant, ...]
    invited_by: str
    created_at: datetime
    last_sent_at: datetime
    last_sent_by: str
    expires_at: datetime
    token_hash: str
    # False while the invitee has no password: the e-mail tells them to set one (guide §5.2).
    has_account: bool
    organisation_name: str | None = None
    state: InvitationState = InvitationState.SENT
    accepted_by: str | None = None
    accepted_at: datetime | None = None
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    version: int = 0
    history: list[Transition] = field(default_factory=list)
    events: list[InvitationEvent] = field(default_factory=list)

    @classmethod
    def send(cls, now: datetime, token_hash: str, **fields: Any) -> "Invitation":
        by = fields["invited_by"]
        invitation = cls(
            created_at=now,
            last_sent_at=now,
            last_sent_by=by,
            expires_at=now + VALID_FOR,
            token_hash=token_hash,
            **fields,
        )
        invitation.history.append(Transition(now, "send", by))
        invitation.events.append(InvitationEvent.SENT)
        return invitation

    def is_due(self, now: datetime) -> bool:
        """Sent and past its expiry: the sweeper (or the next action on it) records the expiry."""
        return self.state is InvitationState.SENT and now >= self.expires_at

    def effective_state(self, now: datetime) -> InvitationState:
        return InvitationState.EXPIRED if self.is_due(now) else self.state

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(hash_token(token), self.token_hash)

    def expire(self, now: datetime) -> None:
        if self.state is InvitationState.SENT and not self.is_due(now):
            raise WrongState("Cette invitation est encore valable.")
        self._fire("expire", now, SYSTEM, EXPIRY_REASON)
        self.events.append(InvitationEvent.EXPIRED)

    def resend(self, by: str, now: datetime, token_hash: str) -> None:
        """« Relancer l'invitation »: only once expired; a new token and a new expiry."""
        if self.is_due(now):
            self.expire(now)  # past its day but not swept yet: recorded first, as the sweeper would
        if self.state is InvitationState.SENT:
            raise TooEarly(
                f"Vous pourrez relancer cette invitation à son expiration, "
                f"le {self.expires_at:%d/%m/%Y à %H:%M} (UTC).",
                extra={"expires_at": self.expires_at.isoformat(), "resendable_at": self.expires_at.isoformat()},
            )
        self._fire("resend", now, by)
        self.last_sent_at, self.last_sent_by = now, by
        self.expires_at = now + VALID_FOR
        self.token_hash = token_hash
        self.events.append(InvitationEvent.RESENT)

    def accept(self, by: str, now: datetime) -> None:
        if self.is_due(now) or self.state is InvitationState.EXPIRED:
            raise WrongState("Cette invitation a expiré. Demandez à votre responsable des accès de la relancer.")
        self._fire("accept", now, by)
        self.accepted_by, self.accepted_at = by, now
        self.events.append(InvitationEvent.ACCEPTED)

    def was_accepted_by(self, account_id: str) -> bool:
        """True once this account accepted it (a retry after a crash goes on from there)."""
        return self.state is InvitationState.ACCEPTED and self.accepted_by == account_id

    def revoke(self, by: str, now: datetime, why: str | None = None) -> None:
        self._fire("revoke", now, by, why)
        self.revoked_by, self.revoked_at = by, now
        self.events.append(InvitationEvent.REVOKED)

    def erase_invitee(self) -> bool:
        """The invitee's account is deleted: their address and names go (who invited whom stays, by ids).
        Only once it is no longer pending; True if anything was erased."""
        if self.state is InvitationState.SENT:
            raise WrongState("Une invitation en attente garde l'adresse de la personne invitée.")
        erased = bool(self.email or self.first_name or self.last_name)
        self.email, self.first_name, self.last_name = "", "", ""
        return erased

    def _fire(self, trigger: str, now: datetime, by: str, why: str | None = None) -> None:
        try:
            self.state = fire(_MACHINE, self.state, trigger)
        except IllegalTransition as exc:
            raise WrongState(f"Cette invitation a déjà été {_DONE[self.state]}.") from exc
        self.history.append(Transition(now, trigger, by, why))


_DONE = {
    InvitationState.SENT: "envoyée",
    InvitationState.ACCEPTED: "acceptée",
    InvitationState.EXPIRED: "expirée",
    InvitationState.REVOKED: "révoquée",
}
