"""Ministry agents: created with their service, and ensured once at start-up with a set password."""

import json

import pytest

from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage
from identity.domain.account import Account, AccountKind
from identity.domain.errors import AccountExists, InvalidInput, WeakPassword
from identity.use_cases.create_agent import CreateAgent
from services.identity.tests.unit.account_fakes import FakeAccountRepository, RecordingPasswordHasher
from services.identity.tests.unit.fakes import T0, FakeClock

CONTEXT = MessageContext(message_id="m-11", correlation_id="corr-11")
PASSWORD = "Vélo-Rouge-Lac-42"


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.accounts = FakeAccountRepository()
        self.passwords = RecordingPasswordHasher()
        self.create = CreateAgent(self.accounts, self.passwords, lambda p: False, self.clock)

    def only(self) -> Account:
        [account] = self.accounts.accounts.values()
        return account


@pytest.fixture
def service() -> Service:
    return Service()


async def test_an_agent_account_is_created_with_its_service_and_region(service: Service) -> None:
    profile = await service.create(
        "Agent.Paris@Travail.gouv.fr", PASSWORD, "Dupont", "Marie", "dreets", "Île-de-France", CONTEXT, "Madame"
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
    await service.create("agent@travail.gouv.fr", PASSWORD, "Dupont", "Marie", "DGEFP", None, CONTEXT)

    [event] = service.accounts.outbox
    assert event.type == "identity.account.created.v1"
    assert json.loads(event.body)["kind"] == "agent"


async def test_an_unknown_service_is_refused(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create("agent@travail.gouv.fr", PASSWORD, "Dupont", "Marie", "Préfecture", None, CONTEXT)

    assert refused.value.field == "agent_service"
    assert "DGEFP, DREETS, DRIETS, DEETS, DDETS, DDETSPP" in refused.value.detail
    assert service.accounts.accounts == {}


async def test_an_invalid_name_is_refused_on_its_field(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create("agent@travail.gouv.fr", PASSWORD, "Dupont", "M4rie", "DGEFP", None, CONTEXT)

    assert refused.value.field == "first_name"


async def test_a_weak_password_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword):
        await service.create("agent@travail.gouv.fr", "agent", "Dupont", "Marie", "DGEFP", None, CONTEXT)

    assert service.passwords.hashed == []


async def test_an_address_with_an_account_is_refused(service: Service) -> None:
    await service.create("agent@travail.gouv.fr", PASSWORD, "Dupont", "Marie", "DGEFP", None, CONTEXT)

    with pytest.raises(AccountExists):
        await service.create("AGENT@travail.gouv.fr", PASSWORD, "Durand", "Paul", "DDETS", None, CONTEXT)


async def test_ensure_creates_the_agent_once(service: Service) -> None:
    await service.create.ensure("agent@travail.gouv.fr", PASSWORD, CONTEXT)
    await service.create.ensure("agent@travail.gouv.fr", PASSWORD, CONTEXT)

    account = service.only()
    assert (account.kind, account.agent_service, account.version) == (AccountKind.AGENT, "DGEFP", 1)
    assert len(service.accounts.outbox) == 1


async def test_ensure_sets_a_changed_password_without_notice(service: Service) -> None:
    await service.create.ensure("agent@travail.gouv.fr", PASSWORD, CONTEXT)

    await service.create.ensure("agent@travail.gouv.fr", "Tuile-Ocre-Glycine-7", CONTEXT)

    account = service.only()
    assert account.password_hash == "hashed2:Tuile-Ocre-Glycine-7"
    assert account.history[-1].what == "password changed"
    assert len(service.accounts.outbox) == 1


async def test_ensure_sets_a_password_for_an_agent_without_one(service: Service) -> None:
    await service.create.ensure("agent@travail.gouv.fr", PASSWORD, CONTEXT)
    service.accounts.accounts[service.only().id].password_hash = None

    await service.create.ensure("agent@travail.gouv.fr", PASSWORD, CONTEXT)

    assert service.only().password_hash == f"hashed2:{PASSWORD}"


async def test_ensure_refuses_an_address_of_a_non_agent_account(service: Service) -> None:
    user = Account.open(
        id="a-1",
        email="agent@travail.gouv.fr",
        kind=AccountKind.USER,
        password_hash="hashed2:other",
        civility=None,
        last_name="Usager",
        first_name="Paul",
        created_at=T0,
    )
    await service.accounts.add(user, [])

    with pytest.raises(InvalidInput) as refused:
        await service.create.ensure("agent@travail.gouv.fr", PASSWORD, CONTEXT)

    assert refused.value.field == "email"
    assert service.only().password_hash == "hashed2:other"


class RacingAccountRepository(FakeAccountRepository):
    """Another replica creates the agent between this one's look-up and its write."""

    async def by_email(self, email: str) -> Account | None:
        return None

    async def add(self, account: Account, messages: list[OutboxMessage]) -> None:
        raise AccountExists()


async def test_ensure_tolerates_another_replica_creating_the_agent_first() -> None:
    service = Service()
    service.create = CreateAgent(RacingAccountRepository(), service.passwords, lambda p: False, service.clock)

    await service.create.ensure("agent@travail.gouv.fr", PASSWORD, CONTEXT)
