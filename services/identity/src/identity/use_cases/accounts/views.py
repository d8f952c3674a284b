"""How an account appears on the wire: the profile reply."""

from contracts.accounts import AccountProfileV1
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
