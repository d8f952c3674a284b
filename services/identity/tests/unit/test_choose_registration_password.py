"""Sign-up step 3: the password policy on the `password` field, the step checked before hashing."""

from datetime import timedelta

import pytest

from identity.domain.errors import NotFound, RegistrationExpired, WeakPassword, WrongStep
from identity.domain.registration import INACTIVITY_LIMIT, Registration, Step
from identity.use_cases.choose_registration_password import ChooseRegistrationPassword
from services.identity.tests.unit.account_fakes import RecordingPasswordHasher
from services.identity.tests.unit.fakes import T0, FakeClock, FakeRegistrationRepository

STRONG = "Vélo-Rouge-Lac-42"


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock(T0 + timedelta(minutes=10))
        self.registrations = FakeRegistrationRepository()
        self.passwords = RecordingPasswordHasher()
        self.common = {"motdepasse2024!"}
        self.choose = ChooseRegistrationPassword(
            self.registrations, self.passwords, lambda p: p.lower() in self.common, self.clock
        )

    async def at(self, state: Step) -> None:
        registration = Registration.start("r-1", "ada@example.fr", "111111", "h", T0)
        registration.state = state
        await self.registrations.add(registration, [])

    def saved(self) -> Registration:
        return self.registrations.registrations["r-1"]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.at(Step.PASSWORD)
    return service


async def test_a_strong_password_is_hashed_and_moves_to_the_identity_step(service: Service) -> None:
    step = await service.choose("r-1", STRONG)

    assert (step.registration_id, step.step) == ("r-1", "identity")
    assert service.saved().state is Step.IDENTITY
    assert service.saved().password_hash == f"hashed2:{STRONG}"
    assert service.passwords.hashed == [STRONG]


async def test_the_step_saves_no_message(service: Service) -> None:
    await service.choose("r-1", STRONG)

    assert service.registrations.outbox == []


async def test_a_weak_password_lists_every_broken_rule_on_the_password_field(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.choose("r-1", "ada")

    assert refused.value.field == "password"
    assert refused.value.errors == [
        ("password", "Le mot de passe doit contenir au moins 12 caractères."),
        (
            "password",
            "Le mot de passe doit contenir au moins 3 des 4 types de caractères suivants : "
            "minuscules, majuscules, chiffres, caractères spéciaux.",
        ),
        ("password", "Le mot de passe ne doit pas contenir votre adresse e-mail."),
    ]
    assert refused.value.detail == refused.value.errors[0][1]
    assert service.passwords.hashed == []
    assert service.saved().state is Step.PASSWORD


async def test_a_common_password_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.choose("r-1", "Motdepasse2024!")

    assert refused.value.errors == [
        ("password", "Ce mot de passe est trop courant. Choisissez-en un moins prévisible.")
    ]


@pytest.mark.parametrize("state", [Step.VERIFY_EMAIL, Step.IDENTITY, Step.ORGANISATION, Step.COMPLETED, Step.EXPIRED])
async def test_a_wrong_step_is_refused_before_any_hashing(state: Step) -> None:
    service = Service()
    await service.at(state)

    with pytest.raises(WrongStep):
        await service.choose("r-1", STRONG)

    assert service.passwords.hashed == []
    assert service.saved().version == 1


async def test_a_wrong_step_is_refused_before_the_policy_is_checked() -> None:
    service = Service()
    await service.at(Step.VERIFY_EMAIL)

    with pytest.raises(WrongStep):
        await service.choose("r-1", "weak")


async def test_an_idle_registration_is_refused_as_expired(service: Service) -> None:
    service.clock.now = T0 + INACTIVITY_LIMIT

    with pytest.raises(RegistrationExpired):
        await service.choose("r-1", STRONG)


async def test_an_unknown_registration_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.choose("nope", STRONG)

    assert service.passwords.hashed == []
