"""The small rules of deletion and retention: the refusal's wording, when a login is written, when an
ended registration is forgotten."""

from datetime import timedelta

import pytest

from identity.adapters.mongo_registration_repository import forget_at
from identity.domain.privacy import last_manager, login_worth_recording
from identity.domain.registration import Registration, Step
from identity.fakes import T0, ada

pytestmark = pytest.mark.unit


def test_the_refusal_names_an_organisation_without_a_name_by_its_siren() -> None:
    refusal = last_manager("130025265", None)
    assert refusal.code == "last_manager"
    assert refusal.extra == {"siren": "130025265"}
    assert refusal.detail.startswith("Vous êtes le dernier gestionnaire d'accès de l'organisation SIREN 130025265.")


def test_a_login_is_written_when_first_warned_or_a_day_old() -> None:
    account = ada()
    assert login_worth_recording(account, T0)  # never written
    account.last_login_at = T0
    assert not login_worth_recording(account, T0 + timedelta(hours=23))
    assert login_worth_recording(account, T0 + timedelta(days=1))
    account.inactivity_warned_at = T0
    assert login_worth_recording(account, T0 + timedelta(minutes=1))  # the warning must go


def test_an_abandoned_registration_is_forgotten_after_a_week_a_completed_one_after_a_day() -> None:
    registration = Registration.start("r-1", "ada@example.fr", "111111", "h", T0)
    assert forget_at(registration) is None  # open: the idle sweep abandons it first
    assert registration.abandon_if_idle(T0 + timedelta(hours=2))
    assert registration.state is Step.EXPIRED
    assert forget_at(registration) == T0 + timedelta(hours=2, days=7)


def test_a_completed_registration_is_forgotten_a_day_after_completion() -> None:
    registration = Registration.start("r-1", "ada@example.fr", "111111", "h", T0)
    registration.state = Step.ORGANISATION
    registration.complete(T0 + timedelta(minutes=20))
    assert forget_at(registration) == T0 + timedelta(minutes=20, days=1)
