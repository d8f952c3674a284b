"""Composition root of the notification service (and of its operator module, for `efp-ops emails`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
from aio_pika.abc import AbstractRobustConnection
from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient

from efp_runtime.mongo import IndexSpec, create_mongo_client
from notification.adapters import mongo_email_repository, mongo_recipient_rate_limiter
from notification.adapters.fail_point_mail_sender import CrashAfterAcceptMailSender
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.adapters.mongo_email_repository import MongoEmailRepository
from notification.adapters.mongo_email_state_counts import MongoEmailStateCounts
from notification.adapters.mongo_recipient_rate_limiter import MongoRecipientRateLimiter, NoRecipientLimit
from notification.adapters.rabbit_delivery_queues import ABANDONED_QUEUE, RabbitDeliveryQueues
from notification.adapters.rabbit_held_commands import RabbitHeldCommands
from notification.adapters.smtp_mail_sender import SmtpMailSender
from notification.config import NotificationSettings
from notification.domain.retry_policy import RetryPolicy
from notification.use_cases.list_abandoned_emails import ListAbandonedEmails
from notification.use_cases.list_account_messages import ListAccountMessages, ListOrganisationMessages
from notification.use_cases.ports import MailSender, RecipientRateLimiter
from notification.use_cases.requeue_abandoned_email import RequeueAbandonedEmail
from notification.use_cases.send_email import SendEmail

INDEXES: list[IndexSpec] = [*mongo_email_repository.INDEXES, *mongo_recipient_rate_limiter.INDEXES]


@dataclass(frozen=True)
class Notification:
    mongo: AsyncMongoClient[dict[str, Any]]
    smtp: SmtpMailSender
    delivery_queues: RabbitDeliveryQueues
    send_email: SendEmail
    list_account_messages: ListAccountMessages
    list_organisation_messages: ListOrganisationMessages
    # For the metrics: e-mails per state, counted at each scrape.
    email_state_counts: MongoEmailStateCounts
    # Test fail point: exit after an e-mail is saved `sent`, before the broker ack.
    crash_after_send: bool = False


@dataclass(frozen=True)
class Operator:
    mongo: AsyncMongoClient[dict[str, Any]]
    amqp: AbstractRobustConnection
    list_abandoned_emails: ListAbandonedEmails
    requeue_abandoned_email: RequeueAbandonedEmail

    async def close(self) -> None:
        await self.amqp.close()
        await self.mongo.close()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def retry_policy(settings: NotificationSettings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.max_attempts,
        base_seconds=settings.backoff_base_seconds,
        factor=settings.backoff_factor,
        jitter=settings.backoff_jitter,
    )


def build(
    settings: NotificationSettings, broker: RabbitBroker, clock: Callable[[], datetime] = _utc_now
) -> Notification:
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
    sender: MailSender = CrashAfterAcceptMailSender(smtp) if settings.test_crash_after_smtp_accept else smtp
    database = mongo[settings.database]
    emails = MongoEmailRepository(database[mongo_email_repository.COLLECTION])
    rate_limiter: RecipientRateLimiter = NoRecipientLimit()
    if settings.rate_limit_per_recipient:
        rate_limiter = MongoRecipientRateLimiter(
            database[mongo_recipient_rate_limiter.COLLECTION],
            settings.rate_limit_per_recipient,
            timedelta(seconds=settings.rate_limit_window_seconds),
        )
    policy = retry_policy(settings)
    send_email = SendEmail(
        emails,
        JinjaEmailRenderer(),
        sender,
        clock,
        policy,
        rate_limiter,
        timedelta(seconds=settings.sending_lease_seconds),
    )
    return Notification(
        mongo=mongo,
        smtp=smtp,
        delivery_queues=RabbitDeliveryQueues(broker, policy),
        send_email=send_email,
        list_account_messages=ListAccountMessages(emails),
        list_organisation_messages=ListOrganisationMessages(emails),
        email_state_counts=MongoEmailStateCounts(database[mongo_email_repository.COLLECTION]),
        crash_after_send=bool(settings.test_crash_after_send),
    )


async def connect_operator(settings: NotificationSettings, clock: Callable[[], datetime] = _utc_now) -> Operator:
    mongo = create_mongo_client(settings.mongodb_url)
    amqp = await aio_pika.connect_robust(
        settings.amqp_url, client_properties={"connection_name": "notification-operator"}
    )
    channel = await amqp.channel(publisher_confirms=True, on_return_raises=True)
    emails = MongoEmailRepository(mongo[settings.database][mongo_email_repository.COLLECTION])
    parked = RabbitHeldCommands(channel, ABANDONED_QUEUE)
    return Operator(
        mongo=mongo,
        amqp=amqp,
        list_abandoned_emails=ListAbandonedEmails(emails, parked),
        requeue_abandoned_email=RequeueAbandonedEmail(emails, parked, clock),
    )
