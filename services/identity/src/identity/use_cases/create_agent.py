"""Create (or, at start-up, ensure) the account of a ministry agent (DGEFP, DREETS…)."""

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from contracts.accounts import AccountProfileV1
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import event_message
from identity.domain import person
from identity.domain.account import AGENT_SERVICES, Account, AccountKind
from identity.domain.errors import AccountExists, InvalidInput
from identity.use_cases.account_ports import AccountRepository, PasswordHasher
from identity.use_cases.account_views import created_event, profile_of
from identity.use_cases.choose_registration_password import check_password
from identity.use_cases.start_registration import normalise_email

PRODUCER = "identity"
logger = logging.getLogger(__name__)


class CreateAgent:
    def __init__(
        self,
        accounts: AccountRepository,
        passwords: PasswordHasher,
        is_common: Callable[[str], bool],
        clock: Callable[[], datetime],
    ) -> None:
        self._accounts = accounts
        self._passwords = passwords
        self._is_common = is_common
        self._clock = clock

    async def __call__(
        self,
        email: str,
        password: str,
        last_name: str,
        first_name: str,
        agent_service: str,
        region: str | None,
        context: MessageContext,
        civility: str | None = None,
    ) -> AccountProfileV1:
        address = normalise_email(email)
        check_password(password, address, self._is_common)
        if agent_service.upper() not in AGENT_SERVICES:
            raise InvalidInput(f"Service inconnu : choisir parmi {', '.join(AGENT_SERVICES)}.", field="agent_service")
        try:
            names = person.person_name(last_name, "last_name"), person.person_name(first_name, "first_name")
            civ = person.civility(civility) if civility else None
        except person.InvalidField as invalid:
            raise InvalidInput(invalid.message, field=invalid.field) from invalid
        account = Account.open(
            id=new_id(),
            email=address,
            kind=AccountKind.AGENT,
            password_hash=await self._passwords.hash(password),
            civility=civ,
            last_name=names[0],
            first_name=names[1],
            created_at=self._clock(),
            agent_service=agent_service.upper(),
            region=region,
        )
        await self._accounts.add(account, [event_message(created_event(account), context, PRODUCER)])
        logger.info("agent account %s created (%s)", account.id, account.agent_service)
        return profile_of(account)

    async def ensure(self, email: str, password: str, context: MessageContext) -> None:
        """Start-up (EFP_BOOTSTRAP_AGENT_*): the agent exists and logs in with this password."""
        address = normalise_email(email)
        existing = await self._accounts.by_email(address)
        if existing is None:
            # Another replica may create it at the same moment.
            with contextlib.suppress(AccountExists):
                await self(address, password, "Agent", "Initial", "DGEFP", None, context)
            return
        if existing.kind is not AccountKind.AGENT:
            raise InvalidInput("Cette adresse appartient à un compte qui n'est pas un compte agent.", field="email")
        if existing.password_hash is None or not await self._passwords.verify(existing.password_hash, password):
            existing.change_password(await self._passwords.hash(password), self._clock())
            existing.events.clear()  # an operator's setting, not a user's change: no notice
            await self._accounts.update(existing, [])
