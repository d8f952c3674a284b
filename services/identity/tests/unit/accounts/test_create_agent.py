"""Ministry agents: created with their service, and ensured once at start-up with a set password."""

import json

import pytest

from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage
from identity.domain.account import Account, AccountKind
from identity.domain.errors import AccountExists, InvalidInput, WeakPassword
from identity.fakes import T0, FakeAccountRepository, FakeCommonPasswords, Fakes
from identity.use_cases.accounts.create_agent import AgentLogin, NewAgent

CONTEXT = MessageContext(message_id="m-11", correlation_id="corr-11")
PASSWORD = "Vélo-Rouge-Lac-42"


def agent(**changes: str) -> NewAgent:
    """Marie Dupont of the DGEFP, with `changes`."""
    fields = {"email": "agent@travail.gouv.fr", "password": PASSWORD, "last_name": "Dupont", "first_name": "Marie"}
    return NewAgent(**({**fields, "agent_service": "DGEFP"} | changes))  # type: ignore[arg-type]


class Service(Fakes):
    def __init__(self, accounts: FakeAccountRepository | None = None) -> None:
        super().__init__(accounts=accounts or FakeAccountRepository(), common=FakeCommonPasswords("-"))
        self.create = self.use_cases().create_agent

    def only(self) -> Account:
        [account] = self.accounts.accounts.values()
        return account


@pytest.fixture
def service() -> Service:
    return Service()


async def test_an_agent_account_is_created_with_its_service_and_region(service: Service) -> None:
    profile = await service.create(
        agent(email="Agent.Paris@Travail.gouv.fr", agent_service="dreets", region="Île-de-France", civility="Madame"),
        CONTEXT,
    )

    account = service.only()
    assert (profile.kind, profile.agent_service, profile.region) == ("agent", "DREETS", "Île-de-France")
    assert (account.kind, account.email, account.civility) == (
        AccountKind.AGENT,
        "agent.paris@travail.gouv.fr",
        "madame",
    )
    assert account.password_hash == f"hashed2:{PASSWORD}"
    assert (account.siren, account.created_at) == (None, T0)


async def test_creating_an_agent_publishes_account_created(service: Service) -> None:
    await service.create(
        agent(),
        CONTEXT,
    )

    [event] = service.accounts.outbox
    assert event.type == "identity.account.created.v1"
    assert json.loads(event.body)["kind"] == "agent"


async def test_an_unknown_service_is_refused(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create(
            agent(agent_service="Préfecture"),
            CONTEXT,
        )

    assert refused.value.field == "agent_service"
    assert "DGEFP, DREETS, DRIETS, DEETS, DDETS, DDETSPP" in refused.value.detail
    assert service.accounts.accounts == {}


async def test_an_invalid_name_is_refused_on_its_field(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create(
            agent(first_name="M4rie"),
            CONTEXT,
        )

    assert refused.value.field == "first_name"


async def test_a_weak_password_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword):
        await service.create(
            agent(password="agent"),
            CONTEXT,
        )

    assert service.passwords.hashed == []


async def test_an_address_with_an_account_is_refused(service: Service) -> None:
    await service.create(
        agent(),
        CONTEXT,
    )

    with pytest.raises(AccountExists):
        await service.create(
            agent(email="AGENT@travail.gouv.fr", last_name="Durand", first_name="Paul", agent_service="DDETS"),
            CONTEXT,
        )


async def test_ensure_creates_the_agent_once(service: Service) -> None:
    await service.create.ensure(AgentLogin(email="agent@travail.gouv.fr", password=PASSWORD), CONTEXT)
    await service.create.ensure(AgentLogin(email="agent@travail.gouv.fr", password=PASSWORD), CONTEXT)

    account = service.only()
    assert (account.kind, account.agent_service, account.version) == (AccountKind.AGENT, "DGEFP", 1)
    assert len(service.accounts.outbox) == 1


async def test_a_restart_never_resets_the_password_the_agent_has(service: Service) -> None:
    """Issue 14: the setting is the first password only; one the agent chose since is kept."""
    await service.create.ensure(AgentLogin(email="agent@travail.gouv.fr", password=PASSWORD), CONTEXT)
    version = service.only().version

    await service.create.ensure(AgentLogin(email="agent@travail.gouv.fr", password="Tuile-Ocre-Glycine-7"), CONTEXT)

    account = service.only()
    assert account.password_hash == f"hashed2:{PASSWORD}"
    assert account.version == version
    assert len(service.accounts.outbox) == 1


async def test_ensure_sets_a_password_for_an_agent_without_one(service: Service) -> None:
    await service.create.ensure(AgentLogin(email="agent@travail.gouv.fr", password=PASSWORD), CONTEXT)
    service.accounts.accounts[service.only().id].password_hash = None

    await service.create.ensure(AgentLogin(email="agent@travail.gouv.fr", password=PASSWORD), CONTEXT)

    assert service.only().password_hash == f"hashed2:{PASSWORD}"


async def test_ensure_refuses_an_address_of_a_non_agent_account(service: Service) -> None:
    await service.account(
        email="agent@travail.gouv.fr",
        password_hash="hashed2:other",
        civility=None,
        last_name="Usager",
        first_name="Paul",
    )

    with pytest.raises(InvalidInput) as refused:
        await service.create.ensure(AgentLogin(email="agent@travail.gouv.fr", password=PASSWORD), CONTEXT)

    assert refused.value.field == "email"
    assert service.only().password_hash == "hashed2:other"


class RacingAccountRepository(FakeAccountRepository):
    """Another replica creates the agent between this one's look-up and its write."""

    async def by_email(self, email: str) -> Account | None:
        return None

    async def add(self, account: Account, messages: list[OutboxMessage]) -> None:
        raise AccountExists()


async def test_ensure_tolerates_another_replica_creating_the_agent_first() -> None:
    service = Service(RacingAccountRepository())

    await service.create.ensure(AgentLogin(email="agent@travail.gouv.fr", password=PASSWORD), CONTEXT)
