"""What a change of address sends: the code (or, to a taken address, sign-up's notice), then the news."""

from datetime import datetime

from contracts.notification import EmailChangeCodeV1, EmailChangedNoticeV1, SignupAttemptOnExistingAccountV1
from contracts.privacy import AccountEmailChangedV1
from efp_runtime.outbox import Outgoing
from identity.domain.account import Account, EmailChanged
from identity.domain.email_change import CODE_VALIDITY, masked

PRODUCER = "identity"
# The purpose of these codes in the send caps and the daily wrong-code budget (use_cases.codes).
EMAIL_CHANGE_CODES = "email-change"


def send_code(out: Outgoing, account: Account, new_email: str, code: str, owner_id: str | None) -> None:
    """The code to the new address; `owner_id`: the account that has that address already, which is
    warned instead, as sign-up warns it. Neither e-mail is filed under the asking account: its export
    must not tell which addresses have an account."""
    if owner_id is not None:
        out.email(new_email, SignupAttemptOnExistingAccountV1(), account_id=owner_id, requester=account.id)
        return
    minutes = int(CODE_VALIDITY.total_seconds() // 60)
    out.email(new_email, EmailChangeCodeV1(code=code, valid_for_minutes=minutes), requester=account.id)


def announce_change(account: Account, out: Outgoing, at: datetime) -> None:
    """The public event (the new address, never a code) and the notice to the old address."""
    for event in account.events:
        if isinstance(event, EmailChanged):
            out.event(AccountEmailChangedV1(account_id=account.id, email=event.new_email, changed_at=at))
            notice = EmailChangedNoticeV1(new_email_hint=masked(event.new_email), changed_at=at)
            out.email(event.old_email, notice, account_id=account.id)
