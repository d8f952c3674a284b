"""RecordAccount.email_changed: the copy's address follows identity's change; an older change is ignored."""

from datetime import timedelta

from contracts.privacy import AccountEmailChangedV1
from services.habilitation.tests.unit.samples import T0, World, account_created, profile_updated


def changed(email: str, at_hours: float) -> AccountEmailChangedV1:
    return AccountEmailChangedV1(account_id="a-1", email=email, changed_at=T0 + timedelta(hours=at_hours))


async def test_the_copy_takes_the_new_address_and_keeps_the_rest() -> None:
    world = World()
    record = world.x.record_account
    await record.created(account_created())

    await record.email_changed(changed("lea.martin@example.fr", 1))

    copy = world.accounts.accounts["a-1"]
    assert (copy.email, copy.email_at) == ("lea.martin@example.fr", T0 + timedelta(hours=1))
    assert (copy.last_name, copy.profile_at) == ("Martin", T0)
    assert await world.accounts.by_email("lea.martin@example.fr") == copy


async def test_an_older_change_replayed_after_a_newer_one_is_ignored() -> None:
    world = World()
    record = world.x.record_account
    await record.created(account_created())
    await record.email_changed(changed("second@example.fr", 2))

    await record.email_changed(changed("first@example.fr", 1))

    assert world.accounts.accounts["a-1"].email == "second@example.fr"


async def test_a_profile_update_after_the_change_keeps_the_new_address() -> None:
    world = World()
    record = world.x.record_account
    await record.created(account_created())
    await record.email_changed(changed("new@example.fr", 1))

    await record.profile_updated(profile_updated(at=T0 + timedelta(hours=2)))

    copy = world.accounts.accounts["a-1"]
    assert (copy.email, copy.last_name, copy.email_at) == ("new@example.fr", "Durand", T0 + timedelta(hours=1))


async def test_a_change_before_the_copy_exists_is_left_to_the_copy_fetched_later() -> None:
    world = World()

    await world.x.record_account.email_changed(changed("new@example.fr", 1))

    assert world.accounts.accounts == {}
