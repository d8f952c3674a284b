"""Email: one e-mail the platform promised to send, and what happened to it."""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from efp_runtime.state_machine import IllegalTransition, Transition, machine


class EmailState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    RETRYING = "retrying"
    ABANDONED = "abandoned"


class AbandonReason(StrEnum):
    PERMANENT_FAILURE = "permanent_failure"  # the SMTP server said 5xx
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"  # every retry met a 4xx or a connection error
    # Over a rate limit for longer than the longest wait allowed (a mail flood that does not stop).
    RATE_LIMITED = "rate_limited"


TRANSITIONS = [
    {"trigger": "send", "source": [EmailState.QUEUED, EmailState.RETRYING], "dest": EmailState.SENDING},
    {"trigger": "deliver", "source": EmailState.SENDING, "dest": EmailState.SENT},
    {"trigger": "defer", "source": EmailState.SENDING, "dest": EmailState.RETRYING},
    {"trigger": "abandon", "source": EmailState.SENDING, "dest": EmailState.ABANDONED},
    {"trigger": "give_up", "source": EmailState.RETRYING, "dest": EmailState.ABANDONED},
    # Over a rate limit: it stays queued and is tried again once the window frees (delayed, not dropped)…
    {"trigger": "throttle", "source": EmailState.QUEUED, "dest": EmailState.QUEUED},
    # … unless it has waited longer than allowed.
    {"trigger": "expire", "source": EmailState.QUEUED, "dest": EmailState.ABANDONED},
    # An operator puts an abandoned e-mail back to delivery, with a fresh budget of attempts.
    {"trigger": "requeue", "source": EmailState.ABANDONED, "dest": EmailState.QUEUED},
]
FINAL_STATES = (EmailState.SENT, EmailState.ABANDONED)
INTERRUPTED = "interrupted before the outcome was saved"
# What an erased e-mail keeps of its body and address (the message history reads "").
ERASED_TEXT = ""
ERASED_ADDRESS = ""
# Where an SMTP reply or a reason quoted the erased address.
ERASED_MARK = "<adresse effacée>"

_MACHINE = machine(EmailState, TRANSITIONS, initial=EmailState.QUEUED)
# Read once from the machine (the library's get_transitions): firing is then a look-up. Binding a model
# to the shared machine per transition (efp_runtime's `fire`) cost 6 % of the service's CPU, two to
# four transitions per e-mail. A table is all there is to these transitions: no conditions, no callbacks.
_STEPS = {
    (trigger, EmailState[step.source]): EmailState[step.dest or step.source]  # no dest: an internal one
    for trigger in _MACHINE.events
    for step in _MACHINE.get_transitions(trigger)
}


@dataclass(frozen=True)
class Attempt:
    at: datetime
    outcome: str  # "sent", "transient_failure", "permanent_failure"
    reply: str


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
    # Other accounts whose personal data the body holds: their deletion erases it too.
    mentions: list[str] = field(default_factory=list)
    # Body and address erased once it is done (sent or abandoned): the last e-mail of a deleted
    # account, or any e-mail still on its way when the account it is about was deleted.
    erase_when_done: bool = False
    # When the body and address were erased (an account deleted); None while they are kept.
    erased_at: datetime | None = None
    state: EmailState = EmailState.QUEUED
    abandon_reason: AbandonReason | None = None
    attempts: list[Attempt] = field(default_factory=list)
    history: list[Transition] = field(default_factory=list)
    version: int = 0

    @property
    def done(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def sent_at(self) -> datetime | None:
        return self.attempts[-1].at if self.state is EmailState.SENT else None

    @property
    def attempts_since_queued(self) -> int:
        """SMTP attempts since the e-mail was (re)queued: the retry budget is per round."""
        count = 0
        for entry in reversed(self.history):
            if entry.trigger == "requeue":
                break
            count += entry.trigger == "send"
        return count

    @property
    def throttled_since(self) -> datetime | None:
        """When it began waiting for a rate limit in this round (since created or requeued), if it did."""
        since = None
        for entry in reversed(self.history):
            if entry.trigger == "requeue":
                break
            if entry.trigger == "throttle":
                since = entry.at
        return since

    def claimed_recently(self, now: datetime, lease: timedelta) -> bool:
        """Still SENDING and claimed less than `lease` ago: another consumer may be at it."""
        if self.state is not EmailState.SENDING:
            return False
        claimed_at = next((h.at for h in reversed(self.history) if h.trigger == "send"), None)
        return claimed_at is not None and now - claimed_at < lease

    def start_sending(self, now: datetime) -> None:
        self._fire("send", now)

    def sent(self, now: datetime, reply: str) -> None:
        self._fire("deliver", now)
        self.attempts.append(Attempt(now, "sent", reply))

    def failed(self, now: datetime, reply: str, permanent: bool) -> None:
        if permanent:
            self._fire("abandon", now, reply)
            self.abandon_reason = AbandonReason.PERMANENT_FAILURE
        else:
            self._fire("defer", now)
        self.attempts.append(Attempt(now, "permanent_failure" if permanent else "transient_failure", reply))

    def interrupted(self, now: datetime) -> None:
        """A previous attempt died between claiming and recording: count it as a failed attempt."""
        self.failed(now, INTERRUPTED, permanent=False)

    def give_up(self, now: datetime) -> None:
        self._fire("give_up", now, f"attempts exhausted: {self.attempts_since_queued} failed")
        self.abandon_reason = AbandonReason.ATTEMPTS_EXHAUSTED

    def throttle(self, now: datetime, why: str) -> None:
        """Postponed by a rate limit. One history entry per wait, not one per look: a long flood
        would otherwise grow the record at every retry."""
        if self.state is EmailState.QUEUED and self.history and self.history[-1].trigger == "throttle":
            return
        self._fire("throttle", now, why)

    def expire(self, now: datetime, why: str) -> None:
        """Still throttled after the longest wait allowed: abandoned (an operator may requeue it)."""
        self._fire("expire", now, why)
        self.abandon_reason = AbandonReason.RATE_LIMITED

    def requeue(self, now: datetime, by: str) -> None:
        self._fire("requeue", now, f"requeued by {by}")
        self.abandon_reason = None

    def erase(self, now: datetime) -> None:
        """The body and the address go, the address also from the SMTP replies and reasons that quote it
        (« 550 5.1.1 <ada@example.fr>: unknown »); the subject (it names no one), template, dates, states
        and the rest of the replies stay."""
        if self.to:
            self.attempts = [replace(a, reply=_without(a.reply, self.to)) for a in self.attempts]
            self.history = [replace(h, why=_without(h.why, self.to)) if h.why else h for h in self.history]
        self.masked_text = ERASED_TEXT
        self.to = ERASED_ADDRESS
        self.erased_at = self.erased_at or now

    def _fire(self, trigger: str, now: datetime, reason: str = "") -> None:
        source = self.state
        dest = _STEPS.get((trigger, source))
        if dest is None:
            raise IllegalTransition(trigger, source)
        self.state = dest
        self.history.append(Transition(now, trigger, source.value, dest.value, None, reason or None))
        if self.done and self.erase_when_done:
            self.erase(now)


def _without(text: str, address: str) -> str:
    return re.sub(re.escape(address), ERASED_MARK, text, flags=re.IGNORECASE)
