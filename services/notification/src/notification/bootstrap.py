"""Composition root of the notification service (and of its operator module, for `efp-ops emails`).

Two steps: `adapters_from(settings)` here builds the real adapters (MongoDB, SMTP);
`composition.use_cases(adapters, …)` builds the use cases on any adapters — these, or `notification.fakes`'.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aio_pika.abc import AbstractRobustConnection
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from contracts.topology import NOTIFICATION_ABANDONED_QUEUE
from efp_runtime.broker_addresses import connect_failover
from efp_runtime.clock import system_clock
from efp_runtime.mongo import IndexSpec, create_mongo_client, store_answers
from efp_runtime.senders import broker_user
from notification.adapters import mongo_email_repository, mongo_rate_limiter
from notification.adapters.fail_point_mail_sender import CrashAfterAcceptMailSender
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.adapters.mongo_email_erasure import MongoEmailErasure
from notification.adapters.mongo_email_repository import MongoEmailRepository
from notification.adapters.mongo_email_state_counts import MongoEmailStateCounts
from notification.adapters.mongo_rate_limiter import MongoRateLimiter, NoRateLimit
from notification.adapters.rabbit_held_commands import RabbitHeldCommands
from notification.adapters.smtp_mail_sender import SmtpMailSender
from notification.composition import Adapters
from notification.config import NotificationSettings
from notification.domain.rate_budget import Scope
from notification.use_cases.abandoned.list_abandoned_emails import ListAbandonedEmails
from notification.use_cases.abandoned.requeue_abandoned_email import RequeueAbandonedEmail
from notification.use_cases.sending.ports import RateLimiter

INDEXES: list[IndexSpec] = [*mongo_email_repository.INDEXES, *mongo_rate_limiter.INDEXES]


@dataclass(frozen=True)
class Infrastructure:
    """The connections behind the real adapters: indexed at start, counted for the metrics, closed at stop."""

    mongo: AsyncMongoClient[dict[str, Any]]
    database: AsyncDatabase[dict[str, Any]]
    smtp: SmtpMailSender
    # For the metrics: e-mails per state, counted at each scrape.
    email_state_counts: MongoEmailStateCounts

    async def close(self) -> None:
        await self.smtp.close()
        await self.mongo.close()

    async def store_answers(self) -> None:
        """The readiness ping's check: the store answers (efp_runtime.mongo.store_answers)."""
        await store_answers(self.database)


@dataclass(frozen=True)
class Operator:
    mongo: AsyncMongoClient[dict[str, Any]]
    amqp: AbstractRobustConnection
    list_abandoned_emails: ListAbandonedEmails
    requeue_abandoned_email: RequeueAbandonedEmail

    async def close(self) -> None:
        await self.amqp.close()
        await self.mongo.close()


def adapters_from(settings: NotificationSettings) -> tuple[Adapters, Infrastructure]:
    mongo = create_mongo_client(settings.mongodb_url)
    host, port, implicit_tls, username, password = settings.smtp_endpoint()
    smtp = SmtpMailSender(
        host,
        port,
        settings.mail_from,
        settings.mail_from_name,
        use_tls=implicit_tls,
        start_tls=settings.smtp_starttls,
        username=username,
        password=password,
        timeout=settings.smtp_timeout_seconds,
        pool_size=settings.smtp_pool_size,
        max_age_seconds=settings.smtp_max_age_seconds,
    )
    database = mongo[settings.database]
    rate_limiter: RateLimiter = NoRateLimit()
    if settings.rate_limit_per_recipient or settings.rate_limit_per_requester:
        rate_limiter = MongoRateLimiter(
            database[mongo_rate_limiter.COLLECTION],
            {Scope.RECIPIENT: settings.rate_limit_per_recipient, Scope.REQUESTER: settings.rate_limit_per_requester},
            timedelta(seconds=settings.rate_limit_window_seconds),
        )
    erasure = MongoEmailErasure(database[mongo_email_repository.COLLECTION], database[mongo_rate_limiter.COLLECTION])
    adapters = Adapters(
        emails=MongoEmailRepository(database[mongo_email_repository.COLLECTION]),
        erasure=erasure,
        retention=erasure,
        renderer=JinjaEmailRenderer(),
        sender=CrashAfterAcceptMailSender(smtp) if settings.test_crash_after_smtp_accept else smtp,
        rate_limiter=rate_limiter,
    )
    counts = MongoEmailStateCounts(database[mongo_email_repository.COLLECTION])
    return adapters, Infrastructure(mongo, database, smtp, counts)


async def connect_operator(settings: NotificationSettings, clock: Callable[[], datetime] = system_clock) -> Operator:
    mongo = create_mongo_client(settings.mongodb_url)
    amqp = await connect_failover(settings.amqp_url, client_properties={"connection_name": "notification-operator"})
    channel = await amqp.channel(publisher_confirms=True, on_return_raises=True)
    emails = MongoEmailRepository(mongo[settings.database][mongo_email_repository.COLLECTION])
    parked = RabbitHeldCommands(channel, NOTIFICATION_ABANDONED_QUEUE, sender=broker_user(settings.amqp_url))
    return Operator(
        mongo=mongo,
        amqp=amqp,
        list_abandoned_emails=ListAbandonedEmails(emails, parked),
        requeue_abandoned_email=RequeueAbandonedEmail(emails, parked, clock),
    )
