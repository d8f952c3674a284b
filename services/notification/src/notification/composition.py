"""Which use case gets which adapters: `use_cases(adapters, settings, clock)`, the second step of the
composition root. It names no concrete adapter: `bootstrap.adapters_from` gives the real ones,
`notification.fakes` in-memory ones (unit tests, the wiring test).
"""

from dataclasses import dataclass
from datetime import timedelta

from efp_runtime.clock import Clock, system_clock
from notification.config import NotificationSettings
from notification.domain.retry_policy import RetryPolicy
from notification.use_cases.history.list_messages import ListAccountMessages, ListOrganisationMessages
from notification.use_cases.ports import EmailRepository
from notification.use_cases.privacy.erase_account_emails import EraseAccountEmails
from notification.use_cases.privacy.export_messages import ExportMessagesData
from notification.use_cases.privacy.ports import EmailErasure, EmailRetention
from notification.use_cases.privacy.sweep_retention import SweepEmailRetention
from notification.use_cases.sending.ports import EmailRenderer, MailSender, RateLimiter
from notification.use_cases.sending.send_email import SendEmail


@dataclass(frozen=True)
class Adapters:
    """What the use cases need from the outside world."""

    emails: EmailRepository
    # The same e-mails, for the erasure of a deleted account's and the retention sweep.
    erasure: EmailErasure
    retention: EmailRetention
    renderer: EmailRenderer
    sender: MailSender
    rate_limiter: RateLimiter


@dataclass(frozen=True)
class Notification:
    """The use cases the entrypoints call."""

    send_email: SendEmail
    list_account_messages: ListAccountMessages
    list_organisation_messages: ListOrganisationMessages
    export_messages_data: ExportMessagesData
    erase_account_emails: EraseAccountEmails
    sweep_retention: SweepEmailRetention


def retry_policy(settings: NotificationSettings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.max_attempts,
        base_seconds=settings.backoff_base_seconds,
        factor=settings.backoff_factor,
        jitter=settings.backoff_jitter,
    )


def use_cases(adapters: Adapters, settings: NotificationSettings, clock: Clock = system_clock) -> Notification:
    send_email = SendEmail(
        adapters.emails,
        adapters.renderer,
        adapters.sender,
        clock,
        retry_policy(settings),
        adapters.rate_limiter,
        timedelta(seconds=settings.sending_lease_seconds),
        max_throttled=timedelta(seconds=settings.rate_limit_max_wait_seconds),
        frontend_url=settings.frontend_url,
        service_urls=settings.service_url_list(),
    )
    return Notification(
        send_email=send_email,
        list_account_messages=ListAccountMessages(adapters.emails),
        list_organisation_messages=ListOrganisationMessages(adapters.emails),
        export_messages_data=ExportMessagesData(adapters.emails),
        erase_account_emails=EraseAccountEmails(adapters.erasure, clock),
        sweep_retention=SweepEmailRetention(
            adapters.retention,
            clock,
            body_retention=timedelta(days=settings.body_retention_days),
            metadata_retention=timedelta(days=settings.metadata_retention_days),
        ),
    )
