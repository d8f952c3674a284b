"""AccessRequest: a collaborator asks the access managers of an organisation for access to a service."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from efp_runtime.state_machine import IllegalTransition, fire, machine
from habilitation.domain.errors import Forbidden, RateLimited, TooEarly, WrongState
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
# Issue 14, finding 7: cancelling and asking again must not restart the 30 days, and one account
# must not flood managers. A person asks their own organisation, so a few a day is plenty.
OPEN_MAX = 10  # pending requests of one account, all services and organisations
SUBMISSIONS_MAX = 5  # new requests of one account in any SUBMISSIONS_WINDOW
SUBMISSIONS_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class RequestLimits:
    """The per-account caps; settings may raise them (a benchmark's few accounts ask many times)."""

    open_max: int = OPEN_MAX
    submissions_max: int = SUBMISSIONS_MAX


DEFAULT_LIMITS = RequestLimits()


# How far back check_new_request() must see an account's requests (pending ones are seen at any age).
LOOK_BACK = max(RESEND_AFTER, SUBMISSIONS_WINDOW)

_MACHINE = machine(RequestState, TRANSITIONS, initial=RequestState.PENDING)


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

    def erase_message(self) -> bool:
        """The requester's account is deleted: their free text goes (the record stays, by ids); True if it held one."""
        erased, self.message = self.message is not None, None
        return erased

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


def check_new_request(
    recent: Sequence[AccessRequest], service: str, siren: str, now: datetime, limits: RequestLimits = DEFAULT_LIMITS
) -> None:
    """Refuses a new request that the account's `recent` ones forbid: those pending, and those
    last sent since `now - LOOK_BACK`. A pending one for the same service and organisation is left
    to the store's uniqueness (a Conflict), as before."""
    withdrawn = [r for r in recent if r.state is RequestState.CANCELLED and (r.service, r.siren) == (service, siren)]
    last_sent = max((r.last_sent_at for r in withdrawn), default=None)
    if last_sent is not None and now < last_sent + RESEND_AFTER:
        # The same wait, code and wording as « Relancer ma demande »: a cancel does not reset it.
        again = last_sent + RESEND_AFTER
        raise TooEarly(
            f"Vous avez annulé une demande d'accès à ce service auprès de cette structure : "
            f"vous pourrez la renouveler à partir du {again:%d/%m/%Y}.",
            extra={"resendable_at": again.isoformat()},
        )
    if sum(r.state is RequestState.PENDING for r in recent) >= limits.open_max:
        raise RateLimited(
            f"Vous avez déjà {limits.open_max} demandes d'accès en attente. "
            "Attendez la réponse des responsables des accès ou annulez une demande."
        )
    window = [r.created_at for r in recent if r.created_at > now - SUBMISSIONS_WINDOW]
    if len(window) >= limits.submissions_max:
        wait = max(1, math.ceil((min(window) + SUBMISSIONS_WINDOW - now).total_seconds()))
        raise RateLimited(
            f"Vous avez envoyé {limits.submissions_max} demandes d'accès en 24 heures. "
            f"Réessayez dans {math.ceil(wait / 3600)} heure(s).",
            retry_after_seconds=wait,
        )
