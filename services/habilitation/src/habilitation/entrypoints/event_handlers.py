"""Events of other services this one keeps up with: the identity service's accounts."""

from typing import Any

from faststream.rabbit import RabbitBroker, RabbitMessage

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1
from contracts.privacy import AccountDeletedV1, AccountEmailChangedV1
from efp_runtime.message_context import context_of
from habilitation.use_cases.organisation.record_account import RecordAccount
from habilitation.use_cases.privacy.forget_account import ForgetAccount


def make_account_event_handlers(record: RecordAccount) -> tuple[Any, Any, Any]:
    # Upserts of the full copy: a redelivered event writes the same document again.
    async def on_account_created(event: AccountCreatedV1) -> None:
        await record.created(event)

    async def on_account_profile_updated(event: AccountProfileUpdatedV1) -> None:
        await record.profile_updated(event)

    async def on_account_email_changed(event: AccountEmailChangedV1) -> None:
        await record.email_changed(event)

    return on_account_created, on_account_profile_updated, on_account_email_changed


def make_account_deleted_handler(forget: ForgetAccount, broker: RabbitBroker) -> Any:
    # Idempotent: a redelivery finds nothing left to do, or finishes what a crash interrupted.
    async def on_account_deleted(event: AccountDeletedV1) -> None:
        # The events it causes carry the deletion's correlation (read from the broker's context, as
        # notification's command handler does: no injection, no thread hop).
        message: RabbitMessage = broker.context.get_local("message")
        await forget(event, context_of(message.message_id, message.correlation_id, message.headers))

    return on_account_deleted
