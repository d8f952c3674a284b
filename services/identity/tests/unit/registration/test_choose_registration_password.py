"""Sign-up step 3: the password policy on the `password` field, the step checked before hashing."""

from datetime import timedelta

import pytest

from contracts.accounts import ChooseRegistrationPasswordV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import NotFound, RegistrationExpired, WeakPassword, WrongStep
from identity.domain.registration import INACTIVITY_LIMIT, Step
from identity.fakes import T0, FakeClock, Fakes

STRONG = "Vélo-Rouge-Lac-42"
CONTEXT = MessageContext(message_id="m-3", correlation_id="corr-3")


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__(clock=FakeClock(T0 + timedelta(minutes=10)))
        self.choose = self.use_cases().choose_registration_password


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.registration_at(Step.PASSWORD)
    return service


async def test_a_strong_password_is_hashed_and_moves_to_the_identity_step(service: Service) -> None:
    step = await service.choose(ChooseRegistrationPasswordV1(registration_id="r-1", password=STRONG), CONTEXT)

    assert (step.registration_id, step.step) == ("r-1", "identity")
    assert service.stored_registration().state is Step.IDENTITY
    assert service.stored_registration().password_hash == f"hashed2:{STRONG}"
    assert service.passwords.hashed == [STRONG]


async def test_the_step_saves_no_message(service: Service) -> None:
    await service.choose(ChooseRegistrationPasswordV1(registration_id="r-1", password=STRONG), CONTEXT)

    assert service.registrations.outbox == []


async def test_a_weak_password_lists_every_broken_rule_on_the_password_field(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.choose(ChooseRegistrationPasswordV1(registration_id="r-1", password="ada"), CONTEXT)

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
    assert service.stored_registration().state is Step.PASSWORD


async def test_a_common_password_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.choose(ChooseRegistrationPasswordV1(registration_id="r-1", password="Motdepasse2024!"), CONTEXT)

    assert refused.value.errors == [
        ("password", "Ce mot de passe est trop courant. Choisissez-en un moins prévisible.")
    ]


@pytest.mark.parametrize("state", [Step.VERIFY_EMAIL, Step.IDENTITY, Step.ORGANISATION, Step.COMPLETED, Step.EXPIRED])
async def test_a_wrong_step_is_refused_before_any_hashing(state: Step) -> None:
    service = Service()
    await service.registration_at(state)

    with pytest.raises(WrongStep):
        await service.choose(ChooseRegistrationPasswordV1(registration_id="r-1", password=STRONG), CONTEXT)

    assert service.passwords.hashed == []
    assert service.stored_registration().version == 1


async def test_a_wrong_step_is_refused_before_the_policy_is_checked() -> None:
    service = Service()
    await service.registration_at(Step.VERIFY_EMAIL)

    with pytest.raises(WrongStep):
        await service.choose(ChooseRegistrationPasswordV1(registration_id="r-1", password="weak"), CONTEXT)


async def test_an_idle_registration_is_refused_as_expired(service: Service) -> None:
    service.clock.now = T0 + INACTIVITY_LIMIT

    with pytest.raises(RegistrationExpired):
        await service.choose(ChooseRegistrationPasswordV1(registration_id="r-1", password=STRONG), CONTEXT)


async def test_an_unknown_registration_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.choose(ChooseRegistrationPasswordV1(registration_id="nope", password=STRONG), CONTEXT)

    assert service.passwords.hashed == []
