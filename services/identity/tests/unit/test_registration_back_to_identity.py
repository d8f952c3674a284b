"""« Retour » from the organisation step to the identity step, tried from every step of the machine."""

from datetime import timedelta

import pytest

from identity.domain.errors import RegistrationExpired, WrongStep
from identity.domain.registration import INACTIVITY_LIMIT, HistoryEntry, Registration, Step
from identity.use_cases.give_registration_identity import GiveRegistrationIdentity
from identity.use_cases.go_back_in_registration import GoBackInRegistration
from services.identity.tests.unit.fakes import T0, FakeClock, FakeRegistrationRepository
from services.identity.tests.unit.test_registration_state_machine import registration_in

NOW = T0 + timedelta(minutes=5)


def test_from_the_organisation_step_it_goes_back_to_identity_and_records_it() -> None:
    registration = registration_in(Step.ORGANISATION)
    registration.civility, registration.last_name, registration.first_name = "madame", "Lovelace", "Ada"

    registration.go_back_to_identity(NOW)

    assert registration.state is Step.IDENTITY
    assert registration.history == [HistoryEntry(NOW, "back_to_identity", Step.ORGANISATION, Step.IDENTITY)]
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


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock(NOW)
        self.registrations = FakeRegistrationRepository()
        self.back = GoBackInRegistration(self.registrations, self.clock)
        self.give = GiveRegistrationIdentity(self.registrations, self.clock)

    async def at(self, state: Step) -> None:
        registration = Registration.start("r-1", "ada@example.fr", "111111", "h", T0)
        registration.state = state
        await self.registrations.add(registration, [])

    def saved(self) -> Registration:
        return self.registrations.registrations["r-1"]


async def test_going_back_is_saved_and_the_identity_may_then_be_given_again() -> None:
    service = Service()
    await service.at(Step.ORGANISATION)

    step = await service.back("r-1", "identity")
    again = await service.give("r-1", "monsieur", "Babbage", "Charles")

    assert (step.registration_id, step.step) == ("r-1", "identity")
    assert again.step == "organisation"
    assert (service.saved().civility, service.saved().last_name) == ("monsieur", "Babbage")


async def test_going_back_from_another_step_saves_nothing() -> None:
    service = Service()
    await service.at(Step.PASSWORD)

    with pytest.raises(WrongStep):
        await service.back("r-1", "identity")

    assert service.saved().state is Step.PASSWORD
