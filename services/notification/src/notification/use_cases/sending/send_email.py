"""Send one e-mail per intent: the command's message id identifies the e-mail."""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from contracts.notification import SendEmailV1
from efp_runtime.message_context import MessageContext
from notification.domain.email import Email, EmailState
from notification.domain.link_policy import check_links
from notification.domain.rate_budget import Budget, budgets_of
from notification.domain.retry_policy import RetryPolicy
from notification.use_cases.ports import EmailRepository
from notification.use_cases.sending.ports import (
    Admission,
    EmailRenderer,
    MailSender,
    RateLimiter,
    RenderedEmail,
    StoredCopy,
)

logger = logging.getLogger(__name__)
# How long a throttled e-mail may wait for room in its budgets before it is abandoned.
MAX_THROTTLED = timedelta(hours=24)


class Then(StrEnum):
    ACK = "ack"  # nothing more to do with the command
    RETRY = "retry"  # send it again after `retry_in_seconds` (backoff level `retry_level`)
    PARK = "park"  # the e-mail is abandoned: keep its command for an operator's requeue


@dataclass(frozen=True)
class Outcome:
    state: EmailState
    then: Then
    retry_level: int = 0
    retry_in_seconds: float = 0.0


class SendEmail:
    """A redelivered command finds its e-mail already sent and stops there, so a crash after the
    state was saved sends nothing twice. The one window left is a crash after the SMTP server
    accepted the message and before the state was saved: the e-mail is then found `sending`,
    counted as an interrupted attempt and sent again, with the same Message-ID header.

    The use case decides what becomes of the command (`Outcome.then`); the entrypoint carries it
    out on the broker: acknowledge, delay it for a retry, or park it with its abandoned e-mail.

    Over a rate limit an e-mail is not dropped: it stays queued and its command goes through the
    same delay queues as an SMTP retry, until its budgets have room (or `max_throttled` has passed).
    Security notices draw on no budget at all.
    """

    def __init__(
        self,
        emails: EmailRepository,
        renderer: EmailRenderer,
        sender: MailSender,
        clock: Callable[[], datetime],
        policy: RetryPolicy,
        rate_limiter: RateLimiter,
        sending_lease: timedelta,
        uniform: Callable[[float, float], float] = random.uniform,
        *,
        max_throttled: timedelta = MAX_THROTTLED,
        frontend_url: str | None = None,
        service_urls: tuple[str, ...] = (),
    ) -> None:
        self._frontend_url = frontend_url
        self._service_urls = service_urls
        self._emails = emails
        self._renderer = renderer
        self._sender = sender
        self._clock = clock
        self._policy = policy
        self._rate_limiter = rate_limiter
        self._lease = sending_lease
        self._uniform = uniform
        self._max_throttled = max_throttled

    async def __call__(self, command: SendEmailV1, context: MessageContext) -> Outcome:
        # Checked and rendered before any write: a foreign link (ForeignLink) or a template that fails
        # leaves no half-made e-mail behind; the broker dead-letters the command for an operator.
        if self._frontend_url is not None:
            check_links(command.content, self._frontend_url, self._service_urls)
        rendered, copy = self._renderer.render_with_copy(command.content)
        email = self._new_email(command, context, copy)
        budgets = budgets_of(email.to, email.template, command.requester)
        # The common case, a new intent, costs one write before SMTP: created already claimed.
        throttled = await self._claim(email, budgets)
        if not await self._emails.add(email):
            found = await self._emails.get(email.id)
            assert found is not None, f"e-mail {email.id} exists but cannot be read"
            email = found
            early = await self._resume(email, budgets)
            if early is not None:
                return early
        elif throttled is not None:
            return throttled
        return await self._deliver(email, rendered)

    async def _resume(self, email: Email, budgets: tuple[Budget, ...]) -> Outcome | None:
        """An e-mail seen before: an outcome at once, or None once it is claimed for sending."""
        now = self._clock()
        if email.state is EmailState.SENT:
            logger.info("e-mail %s already sent; duplicate command ignored", email.id)
            return Outcome(email.state, Then.ACK)
        if email.state is EmailState.ABANDONED:
            # Parked again: a crash may have come between saving `abandoned` and parking.
            return _abandoned(email)
        if email.claimed_recently(now, self._lease):
            # Another consumer may be talking to the SMTP server about it right now
            # (a duplicate published by an outbox relay): look again later.
            logger.info("e-mail %s is being sent elsewhere; command postponed", email.id)
            return self._retry(email.state, level=1)
        throttled: Outcome | None = None
        if email.state is EmailState.SENDING:
            email.interrupted(now)
        if email.state is EmailState.RETRYING and not self._policy.may_retry(email.attempts_since_queued):
            email.give_up(now)
        elif email.state is EmailState.RETRYING:
            email.start_sending(now)
        else:
            throttled = await self._claim(email, budgets)
        if not await self._emails.update(email):
            logger.info("e-mail %s was claimed by another consumer", email.id)
            return Outcome(email.state, Then.ACK)
        if email.state is EmailState.QUEUED or email.done:
            # Still throttled (wait again), or given up just now (its last attempt was the
            # interrupted one, or it waited too long for a budget): park it.
            return throttled or _abandoned(email)
        return None

    async def _claim(self, email: Email, budgets: tuple[Budget, ...]) -> Outcome | None:
        """QUEUED → SENDING (None), or what to do with the command when a budget has no room."""
        now = self._clock()
        for budget in budgets:
            # A budget passed keeps the e-mail's place while a later one refuses: it is the same
            # e-mail asking again when it comes back, never counted twice.
            admission = await self._rate_limiter.take(budget, email.id, now)
            if not admission.admitted:
                return self._throttled(email, now, admission)
        email.start_sending(now)
        return None

    def _throttled(self, email: Email, now: datetime, admission: Admission) -> Outcome:
        since = email.throttled_since or now
        if now - since >= self._max_throttled:
            hours = self._max_throttled.total_seconds() / 3600
            email.expire(now, f"rate limit still reached after {hours:g} h: {admission.rule}")
            logger.warning("e-mail %s abandoned: throttled for %g h", email.id, hours)
            return _abandoned(email)
        email.throttle(now, f"rate limit: {admission.rule}; postponed")
        level = self._policy.level_for(admission.retry_after.total_seconds())
        logger.info("e-mail %s postponed: %s", email.id, admission.rule)
        return self._retry(email.state, level)

    async def _deliver(self, email: Email, rendered: RenderedEmail) -> Outcome:
        delivery = await self._sender.send(email.id, email.to, rendered)
        now = self._clock()
        if delivery.accepted:
            email.sent(now, delivery.reply)
        else:
            email.failed(now, delivery.reply, permanent=delivery.permanent)
            if email.state is EmailState.RETRYING and not self._policy.may_retry(email.attempts_since_queued):
                email.give_up(now)
        if not await self._emails.update(email):
            # Only after the sending lease ran out: the outcome of this attempt is lost, not the e-mail.
            logger.warning("e-mail %s changed while being sent; outcome %s not saved", email.id, email.state.value)
        logger.info("e-mail %s (%s) %s: %s", email.id, email.template, email.state.value, delivery.reply)
        if email.state is EmailState.SENT:
            return Outcome(email.state, Then.ACK)
        if email.state is EmailState.ABANDONED:
            return _abandoned(email)
        return self._retry(email.state, level=email.attempts_since_queued)

    def _retry(self, state: EmailState, level: int) -> Outcome:
        return Outcome(state, Then.RETRY, level, self._policy.delay(level, self._uniform))

    def _new_email(self, command: SendEmailV1, context: MessageContext, copy: StoredCopy) -> Email:
        return Email(
            id=context.message_id,
            to=str(command.to),
            template=command.content.template,
            subject=copy.subject,
            masked_text=copy.text,
            correlation_id=context.correlation_id,
            created_at=self._clock(),
            account_id=command.account_id,
            siren=command.siren,
            mentions=list(command.mentions),
            # The last e-mail of a deleted account: nothing of it kept once it is done.
            erase_when_done=getattr(type(command.content), "ERASE_WHEN_DONE", False),
        )


def _abandoned(email: Email) -> Outcome:
    """Its command parked for an operator's requeue; not once erased (its account deleted): it cannot be
    sent again, and the parked copy would keep the body on the broker for days."""
    return Outcome(email.state, Then.ACK if email.erased_at else Then.PARK)
