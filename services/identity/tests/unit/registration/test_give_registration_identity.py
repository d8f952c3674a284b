"""Sign-up step 4: civilité, nom, prénom checked together, then stored on the registration."""

from datetime import timedelta

import pytest

from contracts.accounts import GiveRegistrationIdentityV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidInput, WrongStep
from identity.domain.registration import Step
from identity.fakes import T0, FakeClock, Fakes

CONTEXT = MessageContext(message_id="m-4", correlation_id="corr-4")


def identity(registration_id: str = "r-1", **fields: str) -> GiveRegistrationIdentityV1:
    return GiveRegistrationIdentityV1(registration_id=registration_id, **fields)


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__(clock=FakeClock(T0 + timedelta(minutes=10)))
        self.give = self.use_cases().give_registration_identity


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.registration_at(Step.IDENTITY)
    return service


async def test_a_valid_identity_is_stored_normalised_and_moves_to_the_organisation_step(service: Service) -> None:
    step = await service.give(
        identity(civility=" Madame ", last_name="  de   La Fontaine ", first_name="Jean-Éric"),
        CONTEXT,
    )

    assert step.step == "organisation"
    saved = service.stored_registration()
    assert (saved.civility, saved.last_name, saved.first_name) == ("madame", "de La Fontaine", "Jean-Éric")
    assert saved.state is Step.ORGANISATION
    assert service.registrations.outbox == []


async def test_every_invalid_field_is_reported_at_once(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.give(identity(civility="Mlle", last_name="", first_name="R2D2"), CONTEXT)

    assert refused.value.errors == [
        ("civility", "La civilité doit être « Madame » ou « Monsieur »."),
        ("last_name", "Le nom est obligatoire."),
        ("first_name", "Le prénom ne peut contenir que des lettres, des espaces, des tirets et des apostrophes."),
    ]
    assert (refused.value.field, refused.value.detail) == refused.value.errors[0]
    assert service.stored_registration().state is Step.IDENTITY


async def test_one_invalid_field_is_reported_alone(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.give(
            identity(civility="monsieur", last_name="Lovelace", first_name="A" * 81),
            CONTEXT,
        )

    assert [field for field, _ in refused.value.errors] == ["first_name"]


async def test_invalid_fields_are_reported_before_the_registration_is_read(service: Service) -> None:
    with pytest.raises(InvalidInput):
        await service.give(
            identity(registration_id="nope", civility="Mlle", last_name="Lovelace", first_name="Ada"),
            CONTEXT,
        )

    assert service.registrations.gets == 0


async def test_the_identity_is_refused_at_another_step() -> None:
    service = Service()
    await service.registration_at(Step.PASSWORD)

    with pytest.raises(WrongStep):
        await service.give(
            identity(civility="madame", last_name="Lovelace", first_name="Ada"),
            CONTEXT,
        )

    assert service.stored_registration().last_name is None
