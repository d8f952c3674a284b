"""argon2id hashing: round trip, refusals without exceptions, and rehash after a parameter change."""

import pytest

from identity.adapters.argon2_password_hasher import Argon2PasswordHasher

# Small parameters keep each hash to a few milliseconds; the behaviour is the same.
hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)


async def test_a_hash_verifies_its_password() -> None:
    password_hash = await hasher.hash("Vélo-Rouge-Lac-42")

    assert password_hash.startswith("$argon2id$")
    assert "Vélo-Rouge-Lac-42" not in password_hash
    assert await hasher.verify(password_hash, "Vélo-Rouge-Lac-42") is True


async def test_a_wrong_password_does_not_verify() -> None:
    password_hash = await hasher.hash("Vélo-Rouge-Lac-42")

    assert await hasher.verify(password_hash, "Vélo-Rouge-Lac-43") is False


async def test_the_same_password_hashes_differently_each_time() -> None:
    assert await hasher.hash("Vélo-Rouge-Lac-42") != await hasher.hash("Vélo-Rouge-Lac-42")


@pytest.mark.parametrize(
    "malformed", ["", "not a hash", "hashed2:secret", "$argon2id$v=19$m=1024,t=1,p=1$garbage", "$argon2id$"]
)
async def test_a_malformed_hash_does_not_verify_and_raises_nothing(malformed: str) -> None:
    assert await hasher.verify(malformed, "Vélo-Rouge-Lac-42") is False


async def test_a_malformed_hash_with_non_ascii_characters_does_not_verify() -> None:
    assert await hasher.verify("$argon2id$é", "Vélo-Rouge-Lac-42") is False


async def test_a_hash_made_with_the_current_parameters_needs_no_rehash() -> None:
    assert hasher.needs_rehash(await hasher.hash("Vélo-Rouge-Lac-42")) is False


async def test_a_hash_made_with_other_parameters_needs_a_rehash() -> None:
    older = Argon2PasswordHasher(time_cost=2, memory_cost=1024)
    password_hash = await older.hash("Vélo-Rouge-Lac-42")

    assert hasher.needs_rehash(password_hash) is True
    assert await hasher.verify(password_hash, "Vélo-Rouge-Lac-42") is True


async def test_wasting_time_returns_nothing_and_raises_nothing() -> None:
    assert await hasher.waste_time() is None


async def test_the_default_parameters_are_owasp_first_choice() -> None:
    password_hash = await Argon2PasswordHasher().hash("Vélo-Rouge-Lac-42")

    assert password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
