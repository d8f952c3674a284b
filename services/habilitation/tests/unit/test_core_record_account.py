"""RecordAccount: the local account copy follows the identity service's created and profile_updated events."""

from datetime import datetime

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1
from habilitation.use_cases.ports import AccountCopy
from habilitation.use_cases.record_account import RecordAccount
from services.habilitation.tests.unit.core_fakes import SIREN, T0, FakeAccounts


def created(at: datetime = T0) -> AccountCreatedV1:
    return AccountCreatedV1(
        account_id="a-1",
        email="lea@example.fr",
        kind="user",
        civility="Madame",
        last_name="Martin",
        first_name="Léa",
        job_title="Formatrice",
        siren=SIREN,
        created_at=at,
    )


def updated(last_name: str = "Durand") -> AccountProfileUpdatedV1:
    return AccountProfileUpdatedV1(
        account_id="a-1",
        civility="Madame",
        last_name=last_name,
        first_name="Léa",
        job_title="Directrice",
        phone="0102030405",
        changed=["last_name", "job_title", "phone"],
    )


async def test_created_stores_the_copy() -> None:
    accounts = FakeAccounts()

    await RecordAccount(accounts).created(created())

    assert accounts.accounts["a-1"] == AccountCopy(
        account_id="a-1",
        email="lea@example.fr",
        kind="user",
        civility="Madame",
        last_name="Martin",
        first_name="Léa",
        job_title="Formatrice",
        phone=None,
        siren=SIREN,
    )


async def test_profile_updated_changes_names_and_keeps_email_kind_and_siren() -> None:
    accounts = FakeAccounts()
    record = RecordAccount(accounts)
    await record.created(created())

    await record.profile_updated(updated())

    copy = accounts.accounts["a-1"]
    assert (copy.last_name, copy.first_name) == ("Durand", "Léa")
    assert (copy.job_title, copy.phone) == ("Directrice", "0102030405")
    assert (copy.email, copy.kind, copy.siren) == ("lea@example.fr", "user", SIREN)
    assert copy.display_name == "Léa Durand"


async def test_an_update_before_the_creation_is_ignored() -> None:
    accounts = FakeAccounts()

    await RecordAccount(accounts).profile_updated(updated())

    assert accounts.accounts == {}


async def test_a_redelivered_update_writes_the_same_copy_again() -> None:
    accounts = FakeAccounts()
    record = RecordAccount(accounts)
    await record.created(created())
    await record.profile_updated(updated())
    first = accounts.accounts["a-1"]

    await record.profile_updated(updated())

    assert accounts.accounts["a-1"] == first


async def test_a_creation_event_consumed_after_an_update_does_not_bring_back_the_old_names() -> None:
    accounts = FakeAccounts()
    record = RecordAccount(accounts)
    await record.created(created())
    await record.profile_updated(updated())

    await record.created(created())

    assert accounts.accounts["a-1"].last_name == "Durand"
