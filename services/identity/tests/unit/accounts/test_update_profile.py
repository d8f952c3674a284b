"""`PATCH /me`: validated changes, refused fields, clearing with null, an event only on a real change."""

import json
from datetime import timedelta

import pytest

from contracts.accounts import UpdateProfileV1
from contracts.topology import EVENTS_EXCHANGE
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account
from identity.domain.errors import InvalidInput, NotFound
from identity.fakes import Fakes

CONTEXT = MessageContext(message_id="m-8", correlation_id="corr-8")


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__()
        self.update = self.use_cases().update_profile

    def saved(self) -> Account:
        return self.accounts.accounts["a-1"]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.account(job_title="Formatrice", phone="+33612345678")
    service.clock.advance(timedelta(days=2))
    return service


async def test_valid_changes_are_saved_normalised_and_returned(service: Service) -> None:
    profile = await service.update(
        UpdateProfileV1(account_id="a-1", changes={"last_name": "  Byron ", "phone": "01 23 45 67 89"}), CONTEXT
    )

    assert (profile.last_name, profile.phone) == ("Byron", "+33123456789")
    assert (service.saved().last_name, service.saved().phone) == ("Byron", "+33123456789")


async def test_a_change_publishes_profile_updated_with_the_changed_fields(service: Service) -> None:
    await service.update(
        UpdateProfileV1(account_id="a-1", changes={"first_name": "Augusta", "civility": "Madame"}), CONTEXT
    )

    [event] = service.accounts.outbox
    assert (event.exchange, event.type) == (EVENTS_EXCHANGE, "identity.account.profile_updated.v1")
    body = json.loads(event.body)
    assert body["changed"] == ["first_name"]
    assert (body["account_id"], body["first_name"]) == ("a-1", "Augusta")
    assert (event.correlation_id, event.causation_id) == ("corr-8", "m-8")


async def test_values_equal_to_the_current_ones_save_nothing(service: Service) -> None:
    profile = await service.update(
        UpdateProfileV1(account_id="a-1", changes={"phone": "06 12 34 56 78", "civility": "MADAME"}), CONTEXT
    )

    assert profile.phone == "+33612345678"
    assert service.saved().version == 1
    assert service.accounts.outbox == []


async def test_no_changes_save_nothing(service: Service) -> None:
    await service.update(UpdateProfileV1(account_id="a-1", changes={}), CONTEXT)

    assert service.saved().version == 1


@pytest.mark.parametrize("field", ["phone", "job_title"])
async def test_null_clears_an_optional_field(service: Service, field: str) -> None:
    profile = await service.update(UpdateProfileV1(account_id="a-1", changes={field: None}), CONTEXT)

    assert getattr(profile, field) is None
    assert getattr(service.saved(), field) is None
    assert json.loads(service.accounts.outbox[0].body)["changed"] == [field]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("last_name", "Le nom est obligatoire."),
        ("first_name", "Le prénom est obligatoire."),
        ("civility", "La civilité doit être « Madame » ou « Monsieur »."),
    ],
)
async def test_null_cannot_clear_a_required_field(service: Service, field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.update(UpdateProfileV1(account_id="a-1", changes={field: None}), CONTEXT)

    assert refused.value.errors == [(field, message)]


@pytest.mark.parametrize("field", ["email", "kind", "siren", "password_hash", "agent_service"])
async def test_a_field_outside_the_profile_is_refused(service: Service, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.update(UpdateProfileV1(account_id="a-1", changes={field: "x"}), CONTEXT)

    assert refused.value.errors == [(field, "Ce champ ne peut pas être modifié.")]
    assert service.saved().version == 1


async def test_every_refused_field_is_reported_and_nothing_is_saved(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.update(
            UpdateProfileV1(account_id="a-1", changes={"email": "x@y.fr", "phone": "12", "last_name": "Byron"}), CONTEXT
        )

    assert [field for field, _ in refused.value.errors] == ["email", "phone"]
    assert service.saved().last_name == "Lovelace"


async def test_an_unknown_account_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.update(UpdateProfileV1(account_id="nope", changes={"last_name": "Byron"}), CONTEXT)
