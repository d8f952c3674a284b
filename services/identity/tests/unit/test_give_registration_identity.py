"""Sign-up step 4: civilité, nom, prénom checked together, then stored on the registration."""

from datetime import timedelta

import pytest

from identity.domain.errors import InvalidInput, WrongStep
from identity.domain.registration import Registration, Step
from identity.use_cases.give_registration_identity import GiveRegistrationIdentity
from services.identity.tests.unit.fakes import T0, FakeClock, FakeRegistrationRepository


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock(T0 + timedelta(minutes=10))
        self.registrations = FakeRegistrationRepository()
        self.give = GiveRegistrationIdentity(self.registrations, self.clock)

    async def at(self, state: Step) -> None:
        registration = Registration.start("r-1", "ada@example.fr", "111111", "h", T0)
        registration.state = state
        await self.registrations.add(registration, [])

    def saved(self) -> Registration:
        return self.registrations.registrations["r-1"]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.at(Step.IDENTITY)
    return service


async def test_a_valid_identity_is_stored_normalised_and_moves_to_the_organisation_step(service: Service) -> None:
    step = await service.give("r-1", " Madame ", "  de   La Fontaine ", "Jean-Éric")

    assert step.step == "organisation"
    saved = service.saved()
    assert (saved.civility, saved.last_name, saved.first_name) == ("madame", "de La Fontaine", "Jean-Éric")
    assert saved.state is Step.ORGANISATION
    assert service.registrations.outbox == []


async def test_every_invalid_field_is_reported_at_once(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.give("r-1", "Mlle", "", "R2D2")

    assert refused.value.errors == [
        ("civility", "La civilité doit être « Madame » ou « Monsieur »."),
        ("last_name", "Le nom est obligatoire."),
        ("first_name", "Le prénom ne peut contenir que des lettres, des espaces, des tirets et des apostrophes."),
    ]
    assert (refused.value.field, refused.value.detail) == refused.value.errors[0]
    assert service.saved().state is Step.IDENTITY


async def test_one_invalid_field_is_reported_alone(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.give("r-1", "monsieur", "Lovelace", "A" * 81)

    assert [field for field, _ in refused.value.errors] == ["first_name"]


async def test_invalid_fields_are_reported_before_the_registration_is_read(service: Service) -> None:
    with pytest.raises(InvalidInput):
        await service.give("nope", "Mlle", "Lovelace", "Ada")

    assert service.registrations.gets == 0


async def test_the_identity_is_refused_at_another_step() -> None:
    service = Service()
    await service.at(Step.PASSWORD)

    with pytest.raises(WrongStep):
        await service.give("r-1", "madame", "Lovelace", "Ada")

    assert service.saved().last_name is None
