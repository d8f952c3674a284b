"""How an account appears on the wire: the profile reply and the public events."""

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1, AccountProfileV1
from identity.domain.account import Account


def profile_of(account: Account) -> AccountProfileV1:
    return AccountProfileV1(
        account_id=account.id,
        email=account.email,
        kind=account.kind.value,
        civility=account.civility,
        last_name=account.last_name,
        first_name=account.first_name,
        job_title=account.job_title,
        phone=account.phone,
        siren=account.siren,
        agent_service=account.agent_service,
        region=account.region,
    )


def created_event(account: Account) -> AccountCreatedV1:
    return AccountCreatedV1(
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


def profile_updated_event(account: Account, changed: tuple[str, ...]) -> AccountProfileUpdatedV1:
    return AccountProfileUpdatedV1(
        account_id=account.id,
        civility=account.civility,
        last_name=account.last_name,
        first_name=account.first_name,
        job_title=account.job_title,
        phone=account.phone,
        changed=list(changed),
    )
