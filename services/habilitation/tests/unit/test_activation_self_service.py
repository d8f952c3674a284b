"""A user enters SIRET + code, accepts the charter and becomes access manager; wrong codes are limited."""

from datetime import timedelta

import pytest

from contracts.habilitation import ActorV1
from habilitation.domain.activation_code import (
    ActivationCodeExpired,
    ActivationCodeRevoked,
    ActivationCodeUsed,
    CodeState,
)
from habilitation.domain.catalogue import CHARTER_VERSION
from habilitation.domain.errors import (
    Conflict,
    Forbidden,
    InvalidActivationCode,
    InvalidInput,
    NotFound,
    RateLimited,
)
from habilitation.domain.manager_right import ManagerRightState
from habilitation.use_cases.accept_charter import AcceptCharter
from habilitation.use_cases.start_activation import StartActivation
from services.habilitation.tests.unit.activation_fakes import (
    AGENT,
    CONTEXT,
    LINKS,
    SIREN,
    SIRET,
    T0,
    USER,
    Clock,
    FakeAccounts,
    FakeActivations,
    FakeAttempts,
    FakeCharter,
    FakeCodes,
    FakeHasher,
    FakeRights,
    account,
    body,
    issued_code,
    types,
)

PLAIN = "KBJ9SRMSN8F7"
WRONG = "ZZZZ22223333"
OTHER_USER = USER.model_copy(update={"account_id": "user-2"})


class World:
    def __init__(self) -> None:
        self.codes = FakeCodes()
        self.codes.docs["code-1"] = issued_code()
        self.activations = FakeActivations()
        self.rights = FakeRights()
        self.attempts = FakeAttempts()
        self.accounts = FakeAccounts(account("user-1"), account("user-2", "Grace", "Hopper"), account("boss"))
        self.clock = Clock()
        self.start = StartActivation(
            self.codes, self.activations, self.rights, self.attempts, FakeHasher(), FakeCharter(), self.clock
        )
        self.accept = AcceptCharter(self.codes, self.activations, self.rights, self.accounts, LINKS, self.clock)

    async def activate(self, actor: ActorV1 = USER) -> str:
        started = await self.start(actor, SIRET, PLAIN, CONTEXT)
        await self.accept(actor, started.activation_id, True, CONTEXT)
        return started.activation_id


async def test_the_right_code_shows_the_charter_without_using_the_code_yet() -> None:
    world = World()

    started = await world.start(USER, "000 010 116 00036", "kbj9-srms-n8f7", CONTEXT)

    assert (started.charter.version, started.charter.text) == (CHARTER_VERSION, f"Charte {CHARTER_VERSION}")
    activation = world.activations.docs[started.activation_id]
    assert (activation.account_id, activation.siren, activation.activation_code_id) == ("user-1", SIREN, "code-1")
    assert world.codes.docs["code-1"].state is CodeState.ISSUED


async def test_a_wrong_code_is_refused_and_counted() -> None:
    world = World()

    with pytest.raises(InvalidActivationCode) as refused:
        await world.start(USER, SIRET, WRONG, CONTEXT)

    assert refused.value.code == "invalid_activation_code"
    assert list(world.attempts.counts.values()) == [1]


async def test_the_right_code_with_another_siret_is_a_wrong_code() -> None:
    world = World()

    with pytest.raises(InvalidActivationCode):
        await world.start(USER, "00001011600044", PLAIN, CONTEXT)


async def test_a_malformed_code_is_a_typing_slip_not_counted() -> None:
    world = World()

    with pytest.raises(InvalidInput) as refused:
        await world.start(USER, SIRET, "KBJ9SRMS", CONTEXT)

    assert refused.value.field == "activation_code"
    assert world.attempts.counts == {}


async def test_after_five_wrong_codes_even_the_right_one_waits_for_the_window_to_end() -> None:
    world = World()
    for _ in range(5):
        with pytest.raises(InvalidActivationCode):
            await world.start(OTHER_USER, SIRET, WRONG, CONTEXT)

    with pytest.raises(RateLimited) as limited:
        await world.start(USER, SIRET, PLAIN, CONTEXT)

    assert limited.value.code == "rate_limited"
    assert limited.value.retry_after_seconds == 3600  # T0 is on the hour
    world.clock.advance(timedelta(hours=1))
    assert (await world.start(USER, SIRET, PLAIN, CONTEXT)).activation_id


@pytest.mark.parametrize(
    ("state", "refusal"),
    [
        (CodeState.REDEEMED, ActivationCodeUsed),
        (CodeState.REVOKED, ActivationCodeRevoked),
        (CodeState.EXPIRED, ActivationCodeExpired),
    ],
)
async def test_a_code_no_longer_issued_says_why(state: CodeState, refusal: type[Exception]) -> None:
    world = World()
    world.codes.docs["code-1"] = issued_code(state=state)

    with pytest.raises(refusal):
        await world.start(USER, SIRET, PLAIN, CONTEXT)

    assert world.attempts.counts == {}
    assert world.activations.docs == {}


async def test_a_code_found_past_its_date_is_recorded_expired() -> None:
    world = World()
    world.clock.advance(timedelta(days=181))

    with pytest.raises(ActivationCodeExpired):
        await world.start(USER, SIRET, PLAIN, CONTEXT)

    assert world.codes.docs["code-1"].state is CodeState.EXPIRED
    assert types(world.codes.messages) == ["habilitation.activation_code.expired.v1"]


async def test_agents_cannot_activate() -> None:
    with pytest.raises(Forbidden):
        await World().start(AGENT, SIRET, PLAIN, CONTEXT)


async def test_a_person_of_another_organisation_cannot_use_its_code() -> None:
    outsider = ActorV1(account_id="user-9", kind="user", siren="000017632")

    with pytest.raises(Forbidden):
        await World().start(outsider, SIRET, PLAIN, CONTEXT)


async def test_a_manager_of_the_organisation_needs_no_code() -> None:
    world = World()
    world.rights.give("user-1")

    with pytest.raises(Conflict):
        await world.start(USER, SIRET, PLAIN, CONTEXT)


async def test_accepting_the_charter_redeems_the_code_and_makes_a_manager() -> None:
    world = World()
    started = await world.start(USER, SIRET, PLAIN, CONTEXT)
    world.clock.advance(timedelta(minutes=3))

    done = await world.accept(USER, started.activation_id, True, CONTEXT)

    code = world.codes.docs["code-1"]
    assert (code.state, code.redeemed_by, code.activation_id) == (CodeState.REDEEMED, "user-1", started.activation_id)
    right = world.rights.docs[("user-1", SIREN)]
    assert (right.via, right.charter_version, right.granted_by, right.active) == (
        "activation_code",
        CHARTER_VERSION,
        None,
        True,
    )
    assert right.granted_at == T0 + timedelta(minutes=3)
    assert (done.siren, done.manager_right.via) == (SIREN, "activation_code")
    assert world.activations.docs[started.activation_id].completed
    assert types(world.codes.messages) == ["habilitation.activation_code.redeemed.v1"]
    assert PLAIN not in world.codes.messages[0].body
    assert types(world.rights.messages) == ["habilitation.manager_right.granted.v1"]


async def test_the_other_managers_get_a_security_notice_and_the_new_one_none() -> None:
    world = World()
    world.rights.give("boss")

    await world.activate()

    emails = [m for m in world.codes.messages if m.type == "notification.email.send.v1"]
    assert [body(m)["to"] for m in emails] == ["boss@example.fr"]
    content = body(emails[0])["content"]
    assert isinstance(content, dict)
    assert content["template"] == "activation_code_redeemed"
    assert (content["manager_email"], content["siret"]) == ("user-1@example.fr", SIRET)
    assert content["link"] == "https://efp.example.fr/gestion-des-acces/utilisateurs/user-1"


async def test_a_withdrawn_right_is_granted_again_with_its_history() -> None:
    world = World()
    world.rights.give("user-1", state=ManagerRightState.WITHDRAWN)

    await world.activate()

    right = world.rights.docs[("user-1", SIREN)]
    assert right.active
    assert right.via == "activation_code"
    assert right.history[-1][1] == "grant via activation_code"


async def test_refusing_the_charter_changes_nothing() -> None:
    world = World()
    started = await world.start(USER, SIRET, PLAIN, CONTEXT)

    with pytest.raises(InvalidInput) as refused:
        await world.accept(USER, started.activation_id, False, CONTEXT)

    assert refused.value.field == "accept"
    assert world.codes.docs["code-1"].state is CodeState.ISSUED
    assert world.rights.docs == {}


async def test_someone_elses_activation_is_not_found() -> None:
    world = World()
    started = await world.start(USER, SIRET, PLAIN, CONTEXT)

    with pytest.raises(NotFound):
        await world.accept(OTHER_USER, started.activation_id, True, CONTEXT)


async def test_accepting_twice_answers_the_same_without_granting_again() -> None:
    world = World()
    activation_id = await world.activate()

    again = await world.accept(USER, activation_id, True, CONTEXT)

    assert again.activation_id == activation_id
    assert types(world.rights.messages) == ["habilitation.manager_right.granted.v1"]


async def test_the_first_to_accept_wins_the_code() -> None:
    world = World()
    first = await world.start(USER, SIRET, PLAIN, CONTEXT)
    second = await world.start(OTHER_USER, SIRET, PLAIN, CONTEXT)
    await world.accept(USER, first.activation_id, True, CONTEXT)

    with pytest.raises(ActivationCodeUsed):
        await world.accept(OTHER_USER, second.activation_id, True, CONTEXT)

    assert ("user-2", SIREN) not in world.rights.docs


async def test_a_code_revoked_after_the_start_cannot_be_accepted() -> None:
    world = World()
    started = await world.start(USER, SIRET, PLAIN, CONTEXT)
    code = world.codes.docs["code-1"]
    code.revoke("agent-1", T0, None)

    with pytest.raises(ActivationCodeRevoked):
        await world.accept(USER, started.activation_id, True, CONTEXT)

    assert world.rights.docs == {}


async def test_a_user_named_manager_since_the_start_keeps_the_code_unused() -> None:
    world = World()
    started = await world.start(USER, SIRET, PLAIN, CONTEXT)
    world.rights.give("user-1")

    with pytest.raises(Conflict):
        await world.accept(USER, started.activation_id, True, CONTEXT)

    assert world.codes.docs["code-1"].state is CodeState.ISSUED


async def test_a_retry_after_a_crash_past_the_code_finishes_the_grant() -> None:
    world = World()
    started = await world.start(USER, SIRET, PLAIN, CONTEXT)
    world.rights.crash_next_save = True
    with pytest.raises(RuntimeError):
        await world.accept(USER, started.activation_id, True, CONTEXT)

    done = await world.accept(USER, started.activation_id, True, CONTEXT)

    assert done.manager_right.account_id == "user-1"
    assert world.rights.docs[("user-1", SIREN)].active
    assert types(world.codes.messages) == ["habilitation.activation_code.redeemed.v1"]
    assert types(world.rights.messages) == ["habilitation.manager_right.granted.v1"]
