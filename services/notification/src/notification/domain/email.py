"""Email: one e-mail the platform promised to send, and what happened to it."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from transitions import Machine

from efp_runtime.state_machine import fire


class EmailState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    RETRYING = "retrying"
    ABANDONED = "abandoned"


TRANSITIONS = [
    {"trigger": "send", "source": [EmailState.QUEUED, EmailState.RETRYING], "dest": EmailState.SENDING},
    {"trigger": "deliver", "source": EmailState.SENDING, "dest": EmailState.SENT},
    {"trigger": "defer", "source": EmailState.SENDING, "dest": EmailState.RETRYING},
    {"trigger": "abandon", "source": [EmailState.SENDING, EmailState.RETRYING], "dest": EmailState.ABANDONED},
]
FINAL_STATES = (EmailState.SENT, EmailState.ABANDONED)

_MACHINE = Machine(
    model=None, states=EmailState, transitions=cast(Any, TRANSITIONS), initial=EmailState.QUEUED, auto_transitions=False
)


@dataclass(frozen=True)
class Attempt:
    at: datetime
    outcome: str  # "sent", "transient_failure", "permanent_failure"
    reply: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    trigger: str
    source: EmailState
    dest: EmailState


@dataclass
class Email:
    """Identified by the id of the message that asked for it: one e-mail per intent."""

    id: str
    to: str
    template: str
    subject: str
    # Stored with secrets (codes) masked: the message history never shows them.
    masked_text: str
    correlation_id: str
    created_at: datetime
    account_id: str | None = None
    siren: str | None = None
    state: EmailState = EmailState.QUEUED
    attempts: list[Attempt] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    version: int = 0

    @property
    def done(self) -> bool:
        return self.state in FINAL_STATES

    def start_sending(self, now: datetime) -> None:
        self._fire("send", now)

    def sent(self, now: datetime, reply: str) -> None:
        self._fire("deliver", now)
        self.attempts.append(Attempt(now, "sent", reply))

    def failed(self, now: datetime, reply: str, permanent: bool) -> None:
        self._fire("abandon" if permanent else "defer", now)
        self.attempts.append(Attempt(now, "permanent_failure" if permanent else "transient_failure", reply))

    def _fire(self, trigger: str, now: datetime) -> None:
        source = self.state
        self.state = fire(_MACHINE, source, trigger)
        self.history.append(HistoryEntry(now, trigger, source, self.state))
