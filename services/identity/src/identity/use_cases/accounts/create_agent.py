"""Create (or, at start-up, ensure) the account of a ministry agent (DGEFP, DREETS…)."""

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from contracts.accounts import AccountProfileV1
from efp_runtime.message_context import MessageContext, new_id
from identity.domain import person
from identity.domain.account import AGENT_SERVICES, Account, AccountKind
from identity.domain.errors import AccountExists, InvalidInput
from identity.domain.mailbox import normalise_email
from identity.domain.password_policy import check_password
from identity.use_cases.accounts.messages import announced
from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.accounts.views import profile_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class NewAgent:
    """An operator's command: the agent's login, name and service (DGEFP, DREETS…)."""

    email: str
    password: str
    last_name: str
    first_name: str
    agent_service: str
    region: str | None = None
    civility: str | None = None


@dataclass(frozen=True, kw_only=True)
class AgentLogin:
    """Start-up's command (EFP_BOOTSTRAP_AGENT_*): an agent who logs in with this password."""

    email: str
    password: str


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

    async def __call__(self, command: NewAgent, context: MessageContext) -> AccountProfileV1:
        address = normalise_email(command.email)
        check_password(command.password, address, self._is_common)
        service = command.agent_service.upper()
        if service not in AGENT_SERVICES:
            raise InvalidInput(f"Service inconnu : choisir parmi {', '.join(AGENT_SERVICES)}.", field="agent_service")
        try:
            last_name = person.person_name(command.last_name, "last_name")
            first_name = person.person_name(command.first_name, "first_name")
            civility = person.civility(command.civility) if command.civility else None
        except person.InvalidField as invalid:
            raise InvalidInput(invalid.message, field=invalid.field) from invalid
        account = Account.open(
            id=new_id(),
            email=address,
            kind=AccountKind.AGENT,
            password_hash=await self._passwords.hash(command.password),
            civility=civility,
            last_name=last_name,
            first_name=first_name,
            created_at=self._clock(),
            agent_service=service,
            region=command.region,
        )
        await self._accounts.add(account, announced(account, context))
        logger.info("agent account %s created (%s)", account.id, account.agent_service)
        return profile_of(account)

    async def ensure(self, command: AgentLogin, context: MessageContext) -> None:
        """Start-up: the agent exists. The password is the account's first one only: a password the
        agent has since chosen is never reset by a restart (issue 14); an agent with none gets it."""
        address, password = normalise_email(command.email), command.password
        existing = await self._accounts.by_email(address)
        if existing is None:
            # Another replica may create it at the same moment.
            with contextlib.suppress(AccountExists):
                agent = NewAgent(
                    email=address, password=password, last_name="Agent", first_name="Initial", agent_service="DGEFP"
                )
                await self(agent, context)
            return
        if existing.kind is not AccountKind.AGENT:
            raise InvalidInput("Cette adresse appartient à un compte qui n'est pas un compte agent.", field="email")
        if existing.password_hash is None:
            existing.change_password(await self._passwords.hash(password), self._clock())
            existing.events.clear()  # an operator's setting, not a user's change: no notice
            await self._accounts.update(existing, [])
        elif not await self._passwords.verify(existing.password_hash, password):
            logger.warning(
                "agent %s keeps its own password: EFP_BOOTSTRAP_AGENT_PASSWORD is used only to create the account",
                existing.id,
            )
