"""What an account's domain events call for: its public events, and the notice of a changed password."""

from datetime import datetime

from contracts.accounts import AccountCreatedV1, AccountPasswordChangedV1, AccountProfileUpdatedV1
from contracts.notification import PasswordChangedEmailV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage, Outgoing
from identity.domain.account import Account, AccountCreated, PasswordChanged, ProfileUpdated

PRODUCER = "identity"


def announce(account: Account, out: Outgoing, at: datetime) -> None:
    """The messages of the account's new domain events (`at`: when they happened)."""
    for event in account.events:
        match event:
            case AccountCreated():
                out.event(
                    AccountCreatedV1(
                        account_id=account.id,
                        email=account.email,
                        kind=account.kind.value,
                        civility=account.civility,
                        last_name=account.last_name,
                        first_name=account.first_name,
                        job_title=account.job_title,
                        siren=account.siren,
                        created_at=account.created_at,
                    )
                )
            case ProfileUpdated(fields=changed):
                out.event(
                    AccountProfileUpdatedV1(
                        account_id=account.id,
                        civility=account.civility,
                        last_name=account.last_name,
                        first_name=account.first_name,
                        job_title=account.job_title,
                        phone=account.phone,
                        changed=list(changed),
                        updated_at=at,
                    )
                )
            case PasswordChanged():
                # The same « mot de passe modifié » notice after a reset and a change.
                out.event(AccountPasswordChangedV1(account_id=account.id, changed_at=at))
                out.email(account.email, PasswordChangedEmailV1(), account_id=account.id)


def announced(account: Account, context: MessageContext) -> list[OutboxMessage]:
    """The outbox of a write that only the account's own events announce."""
    out = Outgoing(PRODUCER, context)
    announce(account, out, account.history[-1].at)
    return out.messages
