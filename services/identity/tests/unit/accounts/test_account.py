"""Account: opening, profile changes that really change something, and password changes."""

from datetime import timedelta

from identity.domain.account import Account, AccountCreated, Change, PasswordChanged, ProfileUpdated
from identity.fakes import T0, ada

LATER = T0 + timedelta(days=1)


def opened() -> Account:
    return ada(password_hash="hashed2:old", job_title="Formatrice", phone="+33612345678")


def test_opening_records_the_creation_and_its_event() -> None:
    account = opened()

    assert account.history == [Change(T0, "created")]
    assert account.events == [AccountCreated("a-1")]
    assert account.version == 0


def test_changed_fields_are_applied_and_returned_in_profile_order() -> None:
    account = opened()

    changed = account.update_profile({"phone": "+33123456789", "last_name": "Byron"}, LATER)

    assert changed == ("last_name", "phone")
    assert (account.last_name, account.phone) == ("Byron", "+33123456789")
    assert account.history[-1] == Change(LATER, "profile: last_name, phone")
    assert account.events[-1] == ProfileUpdated("a-1", ("last_name", "phone"))


def test_fields_given_with_their_current_value_are_not_reported() -> None:
    account = opened()

    changed = account.update_profile({"first_name": "Ada", "job_title": "Directrice"}, LATER)

    assert changed == ("job_title",)
    assert account.events[-1] == ProfileUpdated("a-1", ("job_title",))


def test_an_update_that_changes_nothing_records_nothing() -> None:
    account = opened()

    changed = account.update_profile({"first_name": "Ada", "phone": "+33612345678"}, LATER)

    assert changed == ()
    assert account.history == [Change(T0, "created")]
    assert account.events == [AccountCreated("a-1")]


def test_clearing_an_optional_field_is_a_change() -> None:
    account = opened()

    assert account.update_profile({"phone": None}, LATER) == ("phone",)
    assert account.phone is None


def test_fields_outside_the_profile_are_ignored() -> None:
    account = opened()

    changed = account.update_profile({"email": "eve@example.fr", "siren": "123"}, LATER)

    assert changed == ()
    assert (account.email, account.siren) == ("ada@example.fr", None)


def test_changing_the_password_stores_the_hash_and_records_it() -> None:
    account = opened()

    account.change_password("hashed2:new", LATER)

    assert account.password_hash == "hashed2:new"
    assert account.history[-1] == Change(LATER, "password changed")
    assert account.events[-1] == PasswordChanged("a-1")
