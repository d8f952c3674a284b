"""What a password reset's domain events call for: the code e-mail (an account's password change is
announced by the account's messages)."""

from contracts.notification import PasswordResetCodeV1
from efp_runtime.outbox import Outgoing
from identity.domain.account import Account
from identity.domain.frontend_links import FrontendLinks
from identity.domain.password_reset import PasswordReset, ResetRequested

PRODUCER = "identity"
# The purpose of reset codes in the daily wrong-code budget (use_cases.codes.code_budget).
RESET_CODES = "password-reset"


def send_code(
    reset: PasswordReset, account: Account | None, out: Outgoing, links: FrontendLinks, requester: str | None = None
) -> None:
    """The code, to the account's address only: an address with no account is sent nothing
    (`requester`: the address that asked)."""
    for event in reset.events:
        match event:
            case ResetRequested(decoy=False) if account is not None:
                content = PasswordResetCodeV1(
                    code=event.code,
                    civility=account.civility,
                    last_name=account.last_name,
                    link=links.password_reset_code(event.reset_id, event.code),
                )
                out.email(event.email, content, account_id=account.id, requester=requester)
