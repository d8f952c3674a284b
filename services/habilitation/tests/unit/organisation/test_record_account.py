"""RecordAccount: the local account copy follows the identity service's created and profile_updated events."""

from datetime import timedelta

from habilitation.use_cases.ports import AccountCopy
from services.habilitation.tests.unit.samples import SIREN, T0, World, account_created, profile_updated


async def test_created_stores_the_copy() -> None:
    world = World()
    accounts = world.accounts

    await world.x.record_account.created(account_created())

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
        profile_at=T0,
        email_at=T0,
    )


async def test_profile_updated_changes_names_and_keeps_email_kind_and_siren() -> None:
    world = World()
    accounts = world.accounts
    record = world.x.record_account
    await record.created(account_created())

    await record.profile_updated(profile_updated())

    copy = accounts.accounts["a-1"]
    assert (copy.last_name, copy.first_name) == ("Durand", "Léa")
    assert (copy.job_title, copy.phone) == ("Directrice", "0102030405")
    assert (copy.email, copy.kind, copy.siren) == ("lea@example.fr", "user", SIREN)
    assert copy.display_name == "Léa Durand"


async def test_an_update_before_the_creation_is_ignored() -> None:
    world = World()
    accounts = world.accounts

    await world.x.record_account.profile_updated(profile_updated())

    assert accounts.accounts == {}


async def test_a_redelivered_update_writes_the_same_copy_again() -> None:
    world = World()
    accounts = world.accounts
    record = world.x.record_account
    await record.created(account_created())
    await record.profile_updated(profile_updated())
    first = accounts.accounts["a-1"]

    await record.profile_updated(profile_updated())

    assert accounts.accounts["a-1"] == first


async def test_a_creation_event_consumed_after_an_update_does_not_bring_back_the_old_names() -> None:
    world = World()
    accounts = world.accounts
    record = world.x.record_account
    await record.created(account_created())
    await record.profile_updated(profile_updated())

    await record.created(account_created())

    assert accounts.accounts["a-1"].last_name == "Durand"


async def test_a_replayed_older_update_does_not_undo_a_newer_one() -> None:
    world = World()
    record = world.x.record_account
    await record.created(account_created())
    await record.profile_updated(profile_updated("Durand", at=T0 + timedelta(hours=1)))
    await record.profile_updated(profile_updated("Petit", at=T0 + timedelta(hours=2)))

    await record.profile_updated(profile_updated("Durand", at=T0 + timedelta(hours=1)))  # requeued by an operator

    assert world.accounts.accounts["a-1"].last_name == "Petit"
    assert world.accounts.accounts["a-1"].profile_at == T0 + timedelta(hours=2)


async def test_an_update_without_a_time_from_an_older_producer_is_still_applied() -> None:
    world = World()
    record = world.x.record_account
    await record.created(account_created())

    await record.profile_updated(profile_updated("Petit", at=None))

    assert world.accounts.accounts["a-1"].last_name == "Petit"
    assert world.accounts.accounts["a-1"].profile_at == T0
