"""The « double authentification modifiée » notices (ASVS V2.2.3): each change of the second factor, and a
recovery code used, puts the e-mail in the outbox of the write that makes it; a replayed TOTP code is
logged (V2.8.5), refused as any wrong code, and notifies nobody."""

import json
import logging
from typing import Any

import pytest

from contracts.second_factor import (
    FinishPasskeyRegistrationV1,
    RegenerateRecoveryCodesV1,
    RemovePasskeyV1,
    RemoveTotpV1,
    StartPasskeyRegistrationV1,
)
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from identity.domain.errors import NotFound, WrongSecondFactor
from identity.fakes.logged_in import CONTEXT, TOKEN
from identity.fakes.logged_in import LoggedIn as World
from services.identity.tests.unit.second_factor.test_enrolment import add_passkey

# The fakes' clock, 2030-01-01T12:00Z, as the contract writes it.
AT = "2030-01-01T12:00:00Z"


def notices(world: World) -> list[dict[str, Any]]:
    """The e-mails the factors' writes put in the outbox, as the notification service reads them."""
    commands = [json.loads(m.body) for m in world.second_factors.outbox if m.routing_key == SEND_EMAIL_ROUTING_KEY]
    assert all((c["to"], c["account_id"]) == ("ada@example.fr", "a-1") for c in commands)
    return [c["content"] for c in commands]


def notice(change: str, **fields: Any) -> dict[str, Any]:
    return {
        "template": "second_factor_changed",
        "change": change,
        "changed_at": AT,
        "passkey_name": None,
        "recovery_codes_left": None,
        **fields,
    }


async def test_enrolling_an_authenticator_app_notifies_once_confirmed(world: World) -> None:
    await world.enrol_totp()

    assert notices(world) == [notice("totp_enrolled")]
    assert world.second_factors.outbox[0].producer == "identity"


def sessions_changed(world: World) -> list[dict[str, Any]]:
    """The `SessionsChangedV1` events the factors' writes put in the outbox (the gateway's cache drops on them)."""
    outbox = world.second_factors.outbox
    return [json.loads(m.body) for m in outbox if m.routing_key == "identity.session.changed.v1"]


async def test_each_change_of_enrolment_tells_the_sessions_changed_and_new_recovery_codes_do_not(
    world: World,
) -> None:
    await world.enrol_totp()
    assert sessions_changed(world) == [{"account_id": "a-1", "changed_at": AT}]

    await world.factor.regenerate_recovery_codes(RegenerateRecoveryCodesV1(session_token=TOKEN), CONTEXT)
    assert len(sessions_changed(world)) == 1

    await world.factor.remove_totp(RemoveTotpV1(session_token=TOKEN), CONTEXT)
    assert len(sessions_changed(world)) == 2


async def test_adding_a_passkey_notifies_with_its_name(world: World) -> None:
    await add_passkey(world, name="Clé   USB du bureau")

    assert notices(world) == [notice("passkey_added", passkey_name="Clé USB du bureau")]


async def test_a_refused_passkey_registration_notifies_nobody(world: World) -> None:
    await world.factor.start_passkey_registration(StartPasskeyRegistrationV1(session_token=TOKEN), CONTEXT)
    request = FinishPasskeyRegistrationV1(session_token=TOKEN, name="Clé", credential="{}")

    with pytest.raises(WrongSecondFactor):
        await world.factor.finish_passkey_registration(request, CONTEXT)

    assert notices(world) == []


async def test_removing_the_app_or_a_passkey_and_regenerating_codes_notify(world: World) -> None:
    await world.enrol_totp()
    await add_passkey(world, "cred-1", "Téléphone")

    await world.factor.remove_passkey(RemovePasskeyV1(session_token=TOKEN, passkey_id="cred-1"), CONTEXT)
    await world.factor.regenerate_recovery_codes(RegenerateRecoveryCodesV1(session_token=TOKEN), CONTEXT)
    await world.factor.remove_totp(RemoveTotpV1(session_token=TOKEN), CONTEXT)

    assert notices(world)[2:] == [
        notice("passkey_removed", passkey_name="Téléphone"),
        notice("recovery_codes_regenerated"),
        notice("totp_removed"),
    ]


async def test_removing_an_unknown_passkey_notifies_nobody(world: World) -> None:
    await world.enrol_totp()

    with pytest.raises(NotFound):
        await world.factor.remove_passkey(RemovePasskeyV1(session_token=TOKEN, passkey_id="nope"), CONTEXT)

    assert notices(world) == [notice("totp_enrolled")]


async def test_logging_in_with_a_recovery_code_notifies_with_the_codes_left(world: World) -> None:
    _, codes = await world.enrol_totp()

    await world.prove(await world.log_in(), "recovery_code", code=codes[0])
    await world.prove(await world.log_in(), "recovery_code", code=codes[1])

    assert notices(world)[1:] == [
        notice("recovery_code_used", recovery_codes_left=9),
        notice("recovery_code_used", recovery_codes_left=8),
    ]
    assert all(code not in m.body for m in world.second_factors.outbox for code in codes)


async def test_a_wrong_or_spent_recovery_code_notifies_nobody(world: World) -> None:
    _, codes = await world.enrol_totp()
    await world.prove(await world.log_in(), "recovery_code", code=codes[0])

    for typed in (codes[0], "AAAA-BBBB-CC"):
        with pytest.raises(WrongSecondFactor):
            await world.prove(await world.log_in(), "recovery_code", code=typed)

    assert [n["change"] for n in notices(world)] == ["totp_enrolled", "recovery_code_used"]


async def test_a_replayed_totp_code_is_logged_without_the_code_and_refused_as_a_wrong_one(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    secret, _ = await world.enrol_totp()
    used = world.code(secret)  # the confirmation's step: already spent

    with caplog.at_level(logging.INFO, logger="identity"), pytest.raises(WrongSecondFactor) as refused:
        await world.prove(await world.log_in(), code=used)

    assert (refused.value.code.value, refused.value.detail) == ("invalid_code", "Le code saisi est incorrect.")
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "account a-1" in warning.getMessage()
    assert "replayed" in warning.getMessage()
    assert all(used not in r.getMessage() for r in caplog.records)
    assert notices(world) == [notice("totp_enrolled")]


async def test_a_plainly_wrong_totp_code_is_not_called_a_replay(world: World, caplog: pytest.LogCaptureFixture) -> None:
    await world.enrol_totp()

    with caplog.at_level(logging.INFO, logger="identity"), pytest.raises(WrongSecondFactor):
        await world.prove(await world.log_in(), code="000000")

    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_fresh_totp_code_notifies_nobody(world: World) -> None:
    secret, _ = await world.enrol_totp()
    world.later(30)

    await world.prove(await world.log_in(), code=world.code(secret))

    assert notices(world) == [notice("totp_enrolled")]
