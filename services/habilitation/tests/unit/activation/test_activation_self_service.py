"""A user enters SIRET + code, accepts the charter and becomes access manager; wrong codes are limited."""

from datetime import timedelta

import pytest

from contracts import activation as a
from contracts.habilitation import ActorV1
from efp_runtime.clock import ManualClock
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
from habilitation.fakes import InMemory
from habilitation.fakes.people import FakeAccounts
from services.habilitation.tests.unit.activation.samples import (
    AGENT,
    CONTEXT,
    LINKS,
    SIREN,
    SIRET,
    T0,
    USER,
    account,
    body,
    issued_code,
    types,
)

PLAIN = "KBJ9SRMSN8F7"
WRONG = "ZZZZ22223333"
OTHER_USER = USER.model_copy(update={"account_id": "user-2"})


class World:
    """The self-service activation on the service's fakes: code-1 issued for SIRET, three known accounts."""

    def __init__(self) -> None:
        self.fakes = InMemory(
            clock=ManualClock(T0),
            accounts=FakeAccounts(account("user-1"), account("user-2", "Grace", "Hopper"), account("boss")),
        )
        self.fakes.codes.docs["code-1"] = issued_code()
        self.codes, self.activations, self.rights = self.fakes.codes, self.fakes.activations, self.fakes.rights
        self.attempts, self.accounts, self.clock = self.fakes.attempts, self.fakes.accounts, self.fakes.clock
        x = self.fakes.use_cases(LINKS)
        self.start = x.start_activation
        self.accept = x.accept_charter

    async def activate(self, actor: ActorV1 = USER) -> str:
        started = await self.start(a.StartActivationV1(actor=actor, siret=SIRET, activation_code=PLAIN), CONTEXT)
        await self.accept(
            a.AcceptManagerCharterV1(actor=actor, activation_id=started.activation_id, accept=True), CONTEXT
        )
        return started.activation_id


async def test_the_right_code_shows_the_charter_without_using_the_code_yet() -> None:
    world = World()

    started = await world.start(
        a.StartActivationV1(actor=USER, siret="000 010 116 00036", activation_code="kbj9-srms-n8f7"), CONTEXT
    )

    assert (started.charter.version, started.charter.text) == (CHARTER_VERSION, f"Charte {CHARTER_VERSION}")
    activation = world.activations.docs[started.activation_id]
    assert (activation.account_id, activation.siren, activation.activation_code_id) == ("user-1", SIREN, "code-1")
    assert world.codes.docs["code-1"].state is CodeState.ISSUED


async def test_a_wrong_code_is_refused_and_counted() -> None:
    world = World()

    with pytest.raises(InvalidActivationCode) as refused:
        await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=WRONG), CONTEXT)

    assert refused.value.code == "invalid_activation_code"
    assert list(world.attempts.counts.values()) == [1]


async def test_the_right_code_with_another_siret_is_a_wrong_code() -> None:
    world = World()

    with pytest.raises(InvalidActivationCode):
        await world.start(a.StartActivationV1(actor=USER, siret="00001011600044", activation_code=PLAIN), CONTEXT)


async def test_a_malformed_code_is_a_typing_slip_not_counted() -> None:
    world = World()

    with pytest.raises(InvalidInput) as refused:
        await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code="KBJ9SRMS"), CONTEXT)

    assert refused.value.field == "activation_code"
    assert world.attempts.counts == {}


async def test_after_five_wrong_codes_even_the_right_one_waits_for_the_window_to_end() -> None:
    world = World()
    for _ in range(5):
        with pytest.raises(InvalidActivationCode):
            await world.start(a.StartActivationV1(actor=OTHER_USER, siret=SIRET, activation_code=WRONG), CONTEXT)

    with pytest.raises(RateLimited) as limited:
        await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)

    assert limited.value.code == "rate_limited"
    assert limited.value.retry_after_seconds == 3600  # T0 is on the hour
    world.clock.advance(timedelta(hours=1))
    assert (
        await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)
    ).activation_id


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
        await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)

    assert world.attempts.counts == {}
    assert world.activations.docs == {}


async def test_a_code_found_past_its_date_is_recorded_expired() -> None:
    world = World()
    world.clock.advance(timedelta(days=181))

    with pytest.raises(ActivationCodeExpired):
        await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)

    assert world.codes.docs["code-1"].state is CodeState.EXPIRED
    assert types(world.codes.messages) == ["habilitation.activation_code.expired.v1"]


async def test_agents_cannot_activate() -> None:
    with pytest.raises(Forbidden):
        await World().start(a.StartActivationV1(actor=AGENT, siret=SIRET, activation_code=PLAIN), CONTEXT)


async def test_a_person_of_another_organisation_cannot_use_its_code() -> None:
    outsider = ActorV1(account_id="user-9", kind="user", siren="000017632")

    with pytest.raises(Forbidden):
        await World().start(a.StartActivationV1(actor=outsider, siret=SIRET, activation_code=PLAIN), CONTEXT)


async def test_a_manager_of_the_organisation_needs_no_code() -> None:
    world = World()
    world.rights.give("user-1", SIREN)

    with pytest.raises(Conflict):
        await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)


async def test_accepting_the_charter_redeems_the_code_and_makes_a_manager() -> None:
    world = World()
    started = await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)
    world.clock.advance(timedelta(minutes=3))

    done = await world.accept(
        a.AcceptManagerCharterV1(actor=USER, activation_id=started.activation_id, accept=True), CONTEXT
    )

    code = world.codes.docs["code-1"]
    assert (code.state, code.redeemed_by, code.activation_id) == (CodeState.REDEEMED, "user-1", started.activation_id)
    right = world.rights.items[f"user-1:{SIREN}"]
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
    assert types(world.rights.outbox) == ["habilitation.manager_right.granted.v1"]


async def test_the_other_managers_get_a_security_notice_and_the_new_one_none() -> None:
    world = World()
    world.rights.give("boss", SIREN)

    await world.activate()

    emails = [m for m in world.codes.messages if m.type == "notification.email.send.v1"]
    assert [body(m)["to"] for m in emails] == ["boss@example.fr"]
    content = body(emails[0])["content"]
    assert isinstance(content, dict)
    assert content["template"] == "activation_code_redeemed"
    assert (content["manager_email"], content["siret"]) == ("user-1@example.fr", SIRET)
    assert body(emails[0])["mentions"] == ["user-1"]  # the new manager, named in the notice
    assert content["link"] == "https://efp.example.fr/gestion-des-acces/utilisateurs/user-1"


async def test_a_withdrawn_right_is_granted_again_with_its_history() -> None:
    world = World()
    world.rights.give("user-1", SIREN, state=ManagerRightState.WITHDRAWN)

    await world.activate()

    right = world.rights.items[f"user-1:{SIREN}"]
    assert right.active
    assert right.via == "activation_code"
    assert right.history[-1][1] == "grant via activation_code"


async def test_refusing_the_charter_changes_nothing() -> None:
    world = World()
    started = await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)

    with pytest.raises(InvalidInput) as refused:
        await world.accept(
            a.AcceptManagerCharterV1(actor=USER, activation_id=started.activation_id, accept=False), CONTEXT
        )

    assert refused.value.field == "accept"
    assert world.codes.docs["code-1"].state is CodeState.ISSUED
    assert world.rights.items == {}


async def test_someone_elses_activation_is_not_found() -> None:
    world = World()
    started = await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)

    with pytest.raises(NotFound):
        await world.accept(
            a.AcceptManagerCharterV1(actor=OTHER_USER, activation_id=started.activation_id, accept=True), CONTEXT
        )


async def test_accepting_twice_answers_the_same_without_granting_again() -> None:
    world = World()
    activation_id = await world.activate()

    again = await world.accept(a.AcceptManagerCharterV1(actor=USER, activation_id=activation_id, accept=True), CONTEXT)

    assert again.activation_id == activation_id
    assert types(world.rights.outbox) == ["habilitation.manager_right.granted.v1"]


async def test_the_first_to_accept_wins_the_code() -> None:
    world = World()
    first = await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)
    second = await world.start(a.StartActivationV1(actor=OTHER_USER, siret=SIRET, activation_code=PLAIN), CONTEXT)
    await world.accept(a.AcceptManagerCharterV1(actor=USER, activation_id=first.activation_id, accept=True), CONTEXT)

    with pytest.raises(ActivationCodeUsed):
        await world.accept(
            a.AcceptManagerCharterV1(actor=OTHER_USER, activation_id=second.activation_id, accept=True), CONTEXT
        )

    assert f"user-2:{SIREN}" not in world.rights.items


async def test_a_code_revoked_after_the_start_cannot_be_accepted() -> None:
    world = World()
    started = await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)
    code = world.codes.docs["code-1"]
    code.revoke("agent-1", T0, None)

    with pytest.raises(ActivationCodeRevoked):
        await world.accept(
            a.AcceptManagerCharterV1(actor=USER, activation_id=started.activation_id, accept=True), CONTEXT
        )

    assert world.rights.items == {}


async def test_a_user_named_manager_since_the_start_keeps_the_code_unused() -> None:
    world = World()
    started = await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)
    world.rights.give("user-1", SIREN)

    with pytest.raises(Conflict):
        await world.accept(
            a.AcceptManagerCharterV1(actor=USER, activation_id=started.activation_id, accept=True), CONTEXT
        )

    assert world.codes.docs["code-1"].state is CodeState.ISSUED


async def test_a_retry_after_a_crash_past_the_code_finishes_the_grant() -> None:
    world = World()
    started = await world.start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=PLAIN), CONTEXT)
    world.rights.crash_next_save = True
    with pytest.raises(RuntimeError):
        await world.accept(
            a.AcceptManagerCharterV1(actor=USER, activation_id=started.activation_id, accept=True), CONTEXT
        )

    done = await world.accept(
        a.AcceptManagerCharterV1(actor=USER, activation_id=started.activation_id, accept=True), CONTEXT
    )

    assert done.manager_right.account_id == "user-1"
    assert world.rights.items[f"user-1:{SIREN}"].active
    assert types(world.codes.messages) == ["habilitation.activation_code.redeemed.v1"]
    assert types(world.rights.outbox) == ["habilitation.manager_right.granted.v1"]
