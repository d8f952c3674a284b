"""Composition root of the notification service."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient

from efp_runtime.mongo import IndexSpec, create_mongo_client
from notification.adapters import mongo_email_repository
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.adapters.mongo_email_repository import MongoEmailRepository
from notification.adapters.smtp_mail_sender import SmtpMailSender
from notification.config import NotificationSettings
from notification.use_cases.send_email import SendEmail

INDEXES: list[IndexSpec] = mongo_email_repository.INDEXES


@dataclass(frozen=True)
class Notification:
    mongo: AsyncMongoClient[dict[str, Any]]
    send_email: SendEmail


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build(settings: NotificationSettings, clock: Callable[[], datetime] = _utc_now) -> Notification:
    mongo = create_mongo_client(settings.mongodb_url)
    host, port, implicit_tls, username, password = settings.smtp_endpoint()
    sender = SmtpMailSender(
        host,
        port,
        settings.mail_from,
        settings.mail_from_name,
        use_tls=implicit_tls,
        start_tls=settings.smtp_starttls,
        username=username,
        password=password,
        timeout=settings.smtp_timeout_seconds,
    )
    emails = MongoEmailRepository(mongo[settings.database][mongo_email_repository.COLLECTION])
    return Notification(mongo=mongo, send_email=SendEmail(emails, JinjaEmailRenderer(), sender, clock))
