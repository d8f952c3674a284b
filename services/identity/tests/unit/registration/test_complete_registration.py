"""Sign-up step 5: terms, SIREN and organisation checks, the account created once, its messages."""

import json
from datetime import timedelta

import pytest

from contracts.accounts import CompleteRegistrationV1
from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from identity.domain.account import AccountKind
from identity.domain.errors import AccountExists, InvalidInput, NotFound, WrongStep
from identity.domain.organisation import Organisation
from identity.domain.registration import Registration, Step
from identity.fakes import T0, FakeClock, FakeOrganisationDirectory, Fakes, ada, directory_with, establishment, siren

CONTEXT = MessageContext(message_id="m-5", correlation_id="corr-5")
EMERAUDE = Organisation(siren(1011), "Centre de Formation Émeraude")
FORGES = Organisation(siren(1669), "Forges de l'Aube")  # every establishment closed
NOW = T0 + timedelta(minutes=20)


def step_five(**changes: object) -> CompleteRegistrationV1:
    """Ada's step 5 at Émeraude, terms accepted, with `changes`."""
    fields = {"registration_id": "r-1", "siren": EMERAUDE.siren, "job_title": None, "accept_terms": True}
    return CompleteRegistrationV1.model_validate(fields | changes)


class Service(Fakes):
    def __init__(self, directory: FakeOrganisationDirectory) -> None:
        super().__init__(clock=FakeClock(NOW), directory=directory)
        self.complete = self.use_cases().complete_registration

    async def at(self, state: Step = Step.ORGANISATION) -> Registration:
        return await self.registration_at(
            state,
            password_hash="hashed2:Vélo-Rouge-Lac-42",
            civility="madame",
            last_name="Lovelace",
            first_name="Ada",
            last_activity_at=NOW - timedelta(minutes=1),
        )


@pytest.fixture
async def service() -> Service:
    directory = await directory_with(
        [EMERAUDE, FORGES], [establishment(EMERAUDE, 1), establishment(FORGES, 1, open=False)]
    )
    service = Service(directory)
    await service.at()
    return service


async def test_terms_must_be_accepted(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.complete(
            step_five(accept_terms=False),
            CONTEXT,
        )

    assert refused.value.field == "accept_terms"
    assert "conditions générales d'utilisation" in refused.value.detail
    assert service.accounts.accounts == {}


@pytest.mark.parametrize("typed", ["", "12345678", "1234567890", "123456789", "12345678a", "١٢٣٤٥٦٧٨٩"])
async def test_an_invalid_siren_is_refused(service: Service, typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.complete(step_five(siren=typed), CONTEXT)

    assert refused.value.field == "siren"
    assert refused.value.detail == "Le numéro SIREN doit comporter 9 chiffres et être valide."
    assert service.registrations.gets == 0


async def test_an_invalid_job_title_is_refused_on_its_field(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.complete(
            step_five(job_title="x" * 101),
            CONTEXT,
        )

    assert refused.value.field == "job_title"


@pytest.mark.parametrize("number", [siren(4242), FORGES.siren], ids=["unknown", "closed"])
async def test_an_organisation_not_offered_is_refused(service: Service, number: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.complete(step_five(siren=number), CONTEXT)

    assert refused.value.field == "siren"
    assert refused.value.detail.startswith("Cette entreprise est introuvable.")
    assert service.accounts.accounts == {}
    assert service.stored_registration().state is Step.ORGANISATION


async def test_success_creates_one_account_with_the_registration_data(service: Service) -> None:
    spaced = " ".join([EMERAUDE.siren[:3], EMERAUDE.siren[3:6], EMERAUDE.siren[6:]])

    reply = await service.complete(
        step_five(siren=spaced, job_title="  Responsable  formation "),
        CONTEXT,
    )

    [account] = service.accounts.accounts.values()
    assert reply.account_id == account.id
    assert (account.email, account.kind, account.password_hash) == (
        "ada@example.fr",
        AccountKind.USER,
        "hashed2:Vélo-Rouge-Lac-42",
    )
    assert (account.civility, account.last_name, account.first_name) == ("madame", "Lovelace", "Ada")
    assert (account.job_title, account.siren) == ("Responsable formation", EMERAUDE.siren)
    assert (account.created_at, account.registration_id) == (NOW, "r-1")
    assert service.stored_registration().state is Step.COMPLETED


async def test_success_publishes_account_created_and_sends_the_welcome_email(service: Service) -> None:
    reply = await service.complete(step_five(), CONTEXT)

    event, command = service.accounts.outbox
    assert event.exchange == EVENTS_EXCHANGE
    assert event.type == "identity.account.created.v1"
    assert json.loads(event.body)["account_id"] == reply.account_id
    assert "password" not in event.body
    assert (command.exchange, command.routing_key) == (COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY)
    body = json.loads(command.body)
    assert body["to"] == "ada@example.fr"
    assert body["content"] == {
        "template": "account_created",
        "civility": "madame",
        "last_name": "Lovelace",
        "first_name": "Ada",
        # « Se connecter »: the frontend's login page, from EFP_FRONTEND_URL.
        "link": "https://efpconnect.example.fr/connexion",
    }
    assert (body["account_id"], body["siren"]) == (reply.account_id, EMERAUDE.siren)
    assert all(m.correlation_id == "corr-5" for m in service.accounts.outbox)


async def test_a_retry_after_a_crash_completes_without_a_second_account(service: Service) -> None:
    # The account was written, then the process died before the registration was.
    earlier = ada(
        password_hash="hashed2:Vélo-Rouge-Lac-42", created_at=NOW, siren=EMERAUDE.siren, registration_id="r-1"
    )
    await service.accounts.add(earlier, [])

    reply = await service.complete(step_five(), CONTEXT)

    assert reply.account_id == "a-1"
    assert list(service.accounts.accounts) == ["a-1"]
    assert service.accounts.outbox == []
    assert service.stored_registration().state is Step.COMPLETED


async def test_completing_twice_is_the_wrong_step(service: Service) -> None:
    await service.complete(step_five(), CONTEXT)

    with pytest.raises(WrongStep):
        await service.complete(
            step_five(),
            CONTEXT,
        )

    assert len(service.accounts.accounts) == 1


@pytest.mark.parametrize("state", [Step.VERIFY_EMAIL, Step.PASSWORD, Step.IDENTITY])
async def test_completing_before_step_five_is_refused(state: Step) -> None:
    service = Service(await directory_with([EMERAUDE], [establishment(EMERAUDE, 1)]))
    await service.at(state)

    with pytest.raises(WrongStep):
        await service.complete(
            step_five(),
            CONTEXT,
        )

    assert service.accounts.accounts == {}


async def test_an_address_that_got_an_account_meanwhile_is_refused(service: Service) -> None:
    other = ada(id="a-9", password_hash="x", civility=None)
    await service.accounts.add(other, [])

    with pytest.raises(AccountExists):
        await service.complete(
            step_five(),
            CONTEXT,
        )

    assert service.stored_registration().state is Step.ORGANISATION


async def test_an_unknown_registration_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.complete(
            step_five(registration_id="nope"),
            CONTEXT,
        )
