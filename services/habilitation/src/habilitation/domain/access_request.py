"""AccessRequest: a collaborator asks the access managers of an organisation for access to a service."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from transitions import Machine

from efp_runtime.state_machine import IllegalTransition, fire
from habilitation.domain.errors import Forbidden, TooEarly, WrongState
from habilitation.domain.history import Transition


class RequestState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    CANCELLED = "cancelled"


TRANSITIONS = [
    {"trigger": "accept", "source": RequestState.PENDING, "dest": RequestState.ACCEPTED},
    {"trigger": "refuse", "source": RequestState.PENDING, "dest": RequestState.REFUSED},
    {"trigger": "cancel", "source": RequestState.PENDING, "dest": RequestState.CANCELLED},
    {"trigger": "resend", "source": RequestState.PENDING, "dest": RequestState.PENDING},
]
# Guide §4: « Vous pourrez relancer la demande dans 30 jours. »
RESEND_AFTER = timedelta(days=30)
MESSAGE_MAX = 1000

_MACHINE = Machine(
    model=None,
    states=RequestState,
    transitions=cast(Any, TRANSITIONS),
    initial=RequestState.PENDING,
    auto_transitions=False,
)


class RequestEvent(StrEnum):
    """What happened to an access request in one step: each becomes its public event."""

    SUBMITTED = "submitted"
    RESENT = "resent"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    CANCELLED = "cancelled"


@dataclass
class AccessRequest:
    id: str
    account_id: str
    service: str
    siren: str
    siret: str
    message: str | None
    created_at: datetime
    last_sent_at: datetime
    state: RequestState = RequestState.PENDING
    # Snapshots taken at submission, so lists and e-mails need no directory look-up.
    organisation_name: str | None = None
    establishment_name: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    version: int = 0
    history: list[Transition] = field(default_factory=list)
    events: list[RequestEvent] = field(default_factory=list)

    @classmethod
    def submit(cls, **fields: Any) -> "AccessRequest":
        request = cls(**fields)
        request.history.append(Transition(request.created_at, "submit", request.account_id))
        request.events.append(RequestEvent.SUBMITTED)
        return request

    @property
    def resendable_at(self) -> datetime:
        return self.last_sent_at + RESEND_AFTER

    def resend(self, by: str, now: datetime) -> None:
        self._own(by)
        if self.state is RequestState.PENDING and now < self.resendable_at:
            raise TooEarly(
                f"Vous pourrez relancer la demande à partir du {self.resendable_at:%d/%m/%Y}.",
                extra={"resendable_at": self.resendable_at.isoformat()},
            )
        self._fire("resend", now, by)
        self.last_sent_at = now
        self.events.append(RequestEvent.RESENT)

    def cancel(self, by: str, now: datetime) -> None:
        self._own(by)
        self._fire("cancel", now, by)
        self.events.append(RequestEvent.CANCELLED)

    def accept(self, by: str, now: datetime) -> None:
        self._decide("accept", by, now, None)
        self.events.append(RequestEvent.ACCEPTED)

    def refuse(self, by: str, now: datetime, reason: str | None) -> None:
        self._decide("refuse", by, now, reason)
        self.reason = reason
        self.events.append(RequestEvent.REFUSED)

    def _decide(self, trigger: str, by: str, now: datetime, why: str | None) -> None:
        self._fire(trigger, now, by, why)
        self.decided_by, self.decided_at = by, now

    def _own(self, by: str) -> None:
        if by != self.account_id:
            raise Forbidden("Seul le demandeur peut relancer ou annuler sa demande.")

    def _fire(self, trigger: str, now: datetime, by: str, why: str | None = None) -> None:
        try:
            self.state = fire(_MACHINE, self.state, trigger)
        except IllegalTransition as exc:
            raise WrongState("Cette demande d'accès a déjà été traitée.") from exc
        self.history.append(Transition(now, trigger, by, why))
