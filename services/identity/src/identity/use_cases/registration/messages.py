"""What a registration's domain events call for: the code e-mails, the welcome e-mail, the public events."""

from contracts.accounts import RegistrationAbandonedV1
from contracts.identity import RegistrationEmailVerifiedV1, RegistrationStartedV1
from contracts.notification import AccountCreatedEmailV1, SignupAttemptOnExistingAccountV1, SignupVerificationCodeV1
from efp_runtime.outbox import Outgoing
from identity.domain.account import Account
from identity.domain.frontend_links import FrontendLinks
from identity.domain.registration import (
    CodeResent,
    EmailVerified,
    Registration,
    RegistrationAbandoned,
    RegistrationStarted,
)

PRODUCER = "identity"
# The purpose of sign-up codes in the daily wrong-code budget (use_cases.codes.code_budget).
SIGN_UP_CODES = "sign-up"


def send_codes(registration: Registration, out: Outgoing, links: FrontendLinks, requester: str | None = None) -> None:
    """The code e-mails of a start or a resend (`requester`: the address that asked); then the public events."""
    for event in registration.events:
        match event:
            case RegistrationStarted() | CodeResent(decoy=False):
                # The code (and the link carrying it) goes only to the notification service's private queue.
                # A decoy is warned once, at the start, with no code nor link; its resends send nothing.
                content = (
                    SignupAttemptOnExistingAccountV1()
                    if event.decoy
                    else SignupVerificationCodeV1(
                        code=event.code, link=links.registration_code(event.registration_id, event.code)
                    )
                )
                out.email(event.email, content, requester=requester)
    announce(registration, out)


def announce(registration: Registration, out: Outgoing) -> None:
    """The public events of the registration's new domain events."""
    for event in registration.events:
        match event:
            case RegistrationStarted():
                out.event(RegistrationStartedV1(registration_id=event.registration_id, expires_at=event.expires_at))
            case EmailVerified():
                out.event(RegistrationEmailVerifiedV1(registration_id=event.registration_id))
            case RegistrationAbandoned():
                out.event(RegistrationAbandonedV1(registration_id=event.registration_id, last_step=event.step.value))


def welcome(account: Account, out: Outgoing, links: FrontendLinks) -> None:
    """The confirmation e-mail of the account a completed registration opened."""
    content = AccountCreatedEmailV1(
        civility=account.civility, last_name=account.last_name, first_name=account.first_name, link=links.login()
    )
    out.email(account.email, content, account_id=account.id, siren=account.siren)
