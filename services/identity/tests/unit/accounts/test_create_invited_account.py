"""Invited accounts: prepared without a password for an address with none; an existing account is returned."""

import json

import pytest

from contracts.accounts import AccountCreatedV1
from contracts.invited_accounts import CreateInvitedAccountV1, InvitedAccountV1
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account, AccountKind
from identity.domain.errors import AccountExists, IdentityError, InvalidInput, SharedMailbox
from identity.domain.organisation import Organisation
from identity.fakes import Fakes, ada, establishment, siren

CONTEXT = MessageContext(message_id="m-21", correlation_id="corr-21")
EMERAUDE = Organisation(siren(1011), "Centre de Formation Émeraude")
IDENTITY = {"civility": "Madame", "last_name": "Martin", "first_name": "Jeanne", "job_title": "Formatrice"}


class Service(Fakes):
    async def start(self) -> "Service":
        await self.directory.upsert_organisations([EMERAUDE])
        await self.directory.upsert_establishments([establishment(EMERAUDE, 1)])
        await self.directory.refresh_offered({EMERAUDE.siren})
        self.create = self.use_cases().create_invited_account
        return self

    async def invite(self, email: str = "Jeanne.Martin@Example.fr", **fields: str | None) -> InvitedAccountV1:
        return await self.create(
            CreateInvitedAccountV1(email=email, siren=EMERAUDE.siren, **(IDENTITY | fields)), CONTEXT
        )


@pytest.fixture
async def service() -> Service:
    return await Service().start()


async def test_an_address_without_account_gets_one_without_password_and_the_created_event(service: Service) -> None:
    invited = await service.invite()

    [account] = service.accounts.accounts.values()
    assert (account.email, account.kind, account.password_hash) == ("jeanne.martin@example.fr", AccountKind.USER, None)
    assert (account.civility, account.last_name, account.job_title, account.siren) == (
        "madame",
        "Martin",
        "Formatrice",
        EMERAUDE.siren,
    )
    assert invited.account_id == account.id  # type: ignore[attr-defined]
    assert invited.password_set is False  # type: ignore[attr-defined]
    [message] = service.accounts.outbox
    assert message.type == AccountCreatedV1.MESSAGE_TYPE
    assert json.loads(message.body)["email"] == "jeanne.martin@example.fr"


async def test_an_address_with_an_account_gets_it_back_unchanged_without_identity(service: Service) -> None:
    existing = ada(email="jeanne.martin@example.fr", password_hash="argon2...", last_name="Dupont", first_name="Jeanne")
    await service.accounts.add(existing, [])

    invited = await service.invite(civility=None, last_name=None, first_name=None)

    assert (invited.account_id, invited.last_name, invited.password_set) == ("a-1", "Dupont", True)  # type: ignore[attr-defined]
    assert len(service.accounts.accounts) == 1


async def test_inviting_again_before_the_password_is_set_returns_the_prepared_account(service: Service) -> None:
    first = await service.invite()

    again = await service.invite(last_name=None)

    assert again == first
    assert len(service.accounts.outbox) == 1


async def test_a_new_address_needs_the_identity_every_wrong_field_reported(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.invite(civility="docteur", last_name=None, first_name="J3anne")

    assert [field for field, _ in refused.value.errors] == ["civility", "last_name", "first_name"]
    assert service.accounts.accounts == {}


@pytest.mark.parametrize(
    ("email", "siren_typed", "error", "field"),
    [
        ("pas-une-adresse", EMERAUDE.siren, InvalidInput, "email"),
        ("contact@centre.fr", EMERAUDE.siren, SharedMailbox, "email"),
        ("jeanne@centre.fr", "123456789", InvalidInput, "siren"),
        ("jeanne@centre.fr", siren(4242), InvalidInput, "siren"),
    ],
)
async def test_a_bad_address_a_shared_mailbox_or_an_unknown_organisation_is_refused(
    service: Service, email: str, siren_typed: str, error: type[IdentityError], field: str
) -> None:
    with pytest.raises(error) as refused:
        await service.create(
            CreateInvitedAccountV1(
                email=email,
                civility="madame",
                last_name="Martin",
                first_name="Jeanne",
                job_title=None,
                siren=siren_typed,
            ),
            CONTEXT,
        )

    assert refused.value.field == field
    assert service.accounts.accounts == {}


async def test_a_race_with_another_creation_returns_the_winner(service: Service) -> None:
    winner = ada(
        id="winner", email="jeanne.martin@example.fr", password_hash=None, last_name="Martin", first_name="Jeanne"
    )
    add = service.accounts.add

    async def lose_the_race(account: Account, messages: list) -> None:  # type: ignore[type-arg]
        await add(winner, [])
        raise AccountExists()

    service.accounts.add = lose_the_race  # type: ignore[method-assign]

    invited = await service.invite()

    assert invited.account_id == "winner"  # type: ignore[attr-defined]
