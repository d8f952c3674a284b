"""An access manager invites an address with no account: it is prepared here, without a password.

The invitee completes it through password reset (guide §5.2), which works for an account
without a password. Asked by the habilitation service; idempotent: an address that has an
account gets that account back, unchanged.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.invited_accounts import CreateInvitedAccountV1, InvitedAccountV1
from efp_runtime.message_context import MessageContext, new_id
from identity.domain import person
from identity.domain.account import Account, AccountKind
from identity.domain.errors import AccountExists, InvalidInput, SharedMailbox
from identity.domain.mailbox import is_shared_mailbox, normalise_email
from identity.domain.organisation import compact_number, is_valid_siren
from identity.use_cases.accounts.messages import announced
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.accounts.views import profile_of
from identity.use_cases.organisations.ports import OrganisationDirectory

logger = logging.getLogger(__name__)


class CreateInvitedAccount:
    def __init__(
        self,
        accounts: AccountRepository,
        organisations: OrganisationDirectory,
        shared_mailboxes: tuple[str, ...],
        clock: Callable[[], datetime],
    ) -> None:
        self._accounts = accounts
        self._organisations = organisations
        self._shared_mailboxes = shared_mailboxes
        self._clock = clock

    async def __call__(self, request: CreateInvitedAccountV1, context: MessageContext) -> InvitedAccountV1:
        address = normalise_email(request.email)
        existing = await self._accounts.by_email(address)
        if existing is not None:
            return _invited(existing)
        # A shared mailbox may not become a login, whoever asks for it.
        if is_shared_mailbox(address, self._shared_mailboxes):
            raise SharedMailbox(field="email")
        account = Account.open(
            id=new_id(),
            email=address,
            kind=AccountKind.USER,
            password_hash=None,
            created_at=self._clock(),
            siren=await self._organisation(request.siren),
            **_identity(request),
        )
        try:
            await self._accounts.add(account, announced(account, context))
        except AccountExists:
            # The same invitation retried, or the person signed up meanwhile: theirs is the account.
            raced = await self._accounts.by_email(address)
            assert raced is not None  # the unique address index just said so
            return _invited(raced)
        logger.info("invited account %s prepared", account.id)
        return _invited(account)

    async def _organisation(self, siren: str) -> str:
        number = compact_number(siren)
        if (
            number is None
            or not is_valid_siren(number)
            or not await self._organisations.offered_organisations([number])
        ):
            raise InvalidInput("Cette entreprise est introuvable.", field="siren")
        return number


def _identity(request: CreateInvitedAccountV1) -> dict[str, str | None]:
    """Sign-up step 4's rules, every wrong field reported at once (the manager's form shows them all)."""
    checks: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("civility", lambda: person.civility(request.civility or "")),
        ("last_name", lambda: person.person_name(request.last_name or "", "last_name")),
        ("first_name", lambda: person.person_name(request.first_name or "", "first_name")),
        ("job_title", lambda: person.job_title(request.job_title)),
    )
    fields: dict[str, str | None] = {}
    errors: list[tuple[str, str]] = []
    for name, check in checks:
        try:
            fields[name] = check()
        except person.InvalidField as invalid:
            errors.append((invalid.field, invalid.message))
    if errors:
        detail = "Cette adresse n'a pas encore de compte EFP Connect : renseignez l'identité de la personne."
        raise InvalidInput(detail, errors=errors)
    return fields


def _invited(account: Account) -> InvitedAccountV1:
    return InvitedAccountV1(**profile_of(account).model_dump(), password_set=account.password_hash is not None)
