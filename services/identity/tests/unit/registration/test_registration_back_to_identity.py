"""« Retour » from the organisation step to the identity step, tried from every step of the machine."""

from datetime import timedelta

import pytest

from contracts.accounts import GiveRegistrationIdentityV1, GoBackInRegistrationV1
from efp_runtime.message_context import MessageContext
from efp_runtime.state_machine import Transition
from identity.domain.errors import RegistrationExpired, WrongStep
from identity.domain.registration import INACTIVITY_LIMIT, Step
from identity.fakes import T0, FakeClock, Fakes, registration_in

NOW = T0 + timedelta(minutes=5)


def test_from_the_organisation_step_it_goes_back_to_identity_and_records_it() -> None:
    registration = registration_in(Step.ORGANISATION)
    registration.civility, registration.last_name, registration.first_name = "madame", "Lovelace", "Ada"

    registration.go_back_to_identity(NOW)

    assert registration.state is Step.IDENTITY
    assert registration.history == [Transition(NOW, "back_to_identity", Step.ORGANISATION, Step.IDENTITY)]
    assert registration.last_activity_at == NOW
    # What was given stays (the page shows it again) until the identity step is posted anew.
    assert (registration.civility, registration.last_name, registration.first_name) == ("madame", "Lovelace", "Ada")


@pytest.mark.parametrize("state", [Step.VERIFY_EMAIL, Step.PASSWORD, Step.IDENTITY, Step.COMPLETED])
def test_from_any_other_step_it_is_the_wrong_step_and_nothing_changes(state: Step) -> None:
    registration = registration_in(state)

    with pytest.raises(WrongStep):
        registration.go_back_to_identity(NOW)

    assert registration.state is state
    assert registration.history == []
    assert registration.last_activity_at == T0


def test_an_expired_registration_is_refused_as_expired() -> None:
    registration = registration_in(Step.EXPIRED)

    with pytest.raises(RegistrationExpired):
        registration.go_back_to_identity(NOW)

    assert registration.state is Step.EXPIRED


def test_an_organisation_step_left_idle_expires_instead_of_going_back() -> None:
    registration = registration_in(Step.ORGANISATION)

    with pytest.raises(RegistrationExpired):
        registration.go_back_to_identity(T0 + INACTIVITY_LIMIT)

    assert registration.state is Step.EXPIRED


def test_every_step_is_covered() -> None:
    tried = {Step.ORGANISATION, Step.VERIFY_EMAIL, Step.PASSWORD, Step.IDENTITY, Step.COMPLETED, Step.EXPIRED}
    assert tried == set(Step)


CONTEXT = MessageContext(message_id="m-5", correlation_id="corr-5")


def identity(registration_id: str = "r-1", **fields: str) -> GiveRegistrationIdentityV1:
    return GiveRegistrationIdentityV1(registration_id=registration_id, **fields)


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__(clock=FakeClock(NOW))
        identity = self.use_cases()
        self.back, self.give = identity.go_back_in_registration, identity.give_registration_identity


async def test_going_back_is_saved_and_the_identity_may_then_be_given_again() -> None:
    service = Service()
    await service.registration_at(Step.ORGANISATION)

    step = await service.back(GoBackInRegistrationV1(registration_id="r-1", step="identity"), CONTEXT)
    again = await service.give(
        identity(civility="monsieur", last_name="Babbage", first_name="Charles"),
        CONTEXT,
    )

    assert (step.registration_id, step.step) == ("r-1", "identity")
    assert again.step == "organisation"
    assert (service.stored_registration().civility, service.stored_registration().last_name) == ("monsieur", "Babbage")


async def test_going_back_from_another_step_saves_nothing() -> None:
    service = Service()
    await service.registration_at(Step.PASSWORD)

    with pytest.raises(WrongStep):
        await service.back(GoBackInRegistrationV1(registration_id="r-1", step="identity"), CONTEXT)

    assert service.stored_registration().state is Step.PASSWORD
