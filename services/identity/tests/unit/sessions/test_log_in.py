"""Login: the session it opens, the same refusal for unknown address and wrong password, the limits."""

import json
from datetime import timedelta

import pytest

from contracts.accounts import LogInV1, SessionOpenedV1
from contracts.topology import EVENTS_EXCHANGE
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account
from identity.domain.errors import InvalidCaptcha, InvalidCredentials, RateLimited
from identity.domain.session import ABSOLUTE_LIFETIME, Session, session_id_of
from identity.fakes import T0, Fakes, ada

CONTEXT = MessageContext(message_id="m-6", correlation_id="corr-6")
PASSWORD = "Vélo-Rouge-Lac-42"
RIGHT = "AC34DX"


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__()
        self.log_in = self.use_cases().log_in
        self.captcha_ids: list[str] = []

    async def with_account(self, password_hash: str | None = f"hashed2:{PASSWORD}") -> Account:
        return await self.account(password_hash=password_hash, siren="000010114")

    async def attempt(
        self,
        password: str = PASSWORD,
        email: str = "ada@example.fr",
        *,
        captcha_answer: str = RIGHT,
        client_ip: str | None = "192.0.2.1",
        previous: str | None = None,
        device: str | None = None,
    ) -> SessionOpenedV1:
        """One login, with a fresh captcha (each is single use)."""
        captcha = await self.captcha(f"c-{len(self.captcha_ids) + 1}", RIGHT)
        self.captcha_ids.append(captcha.id)
        request = LogInV1(
            email=email,
            password=password,
            captcha_id=captcha.id,
            captcha_answer=captcha_answer,
            client_ip=client_ip,
            previous_session_token=previous,
            device_token=device,
        )
        return await self.log_in(request, CONTEXT)

    def captcha_untouched(self) -> bool:
        return self.captchas.captchas[self.captcha_ids[-1]].used_at is None

    def session(self) -> Session:
        [session] = self.sessions.sessions.values()
        return session


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.with_account()
    return service


async def test_the_right_password_opens_a_session_stored_under_the_token_hash(service: Service) -> None:
    opened = await service.attempt(email="  Ada@Example.FR ")

    session = service.session()
    assert session.id == session_id_of(opened.session_token)
    assert opened.session_token not in service.sessions.sessions
    assert (session.account_id, session.ip, session.created_at) == ("a-1", "192.0.2.1", T0)
    assert session.csrf_token == opened.csrf_token
    assert opened.expires_at == T0 + ABSOLUTE_LIFETIME


async def test_the_reply_carries_the_profile(service: Service) -> None:
    opened = await service.attempt()

    assert (opened.account.account_id, opened.account.email, opened.account.kind) == ("a-1", "ada@example.fr", "user")
    assert opened.account.siren == "000010114"


async def test_a_login_publishes_session_started_without_the_token(service: Service) -> None:
    opened = await service.attempt()

    [event] = service.sessions.outbox
    assert (event.exchange, event.type) == (EVENTS_EXCHANGE, "identity.session.started.v1")
    assert json.loads(event.body) == {
        "account_id": "a-1",
        "started_at": "2030-01-01T12:00:00Z",
        "client_ip": "192.0.2.1",
    }
    assert opened.session_token not in event.body


async def test_each_login_gets_its_own_token(service: Service) -> None:
    first, second = await service.attempt(), await service.attempt()

    assert first.session_token != second.session_token
    assert len(service.sessions.sessions) == 2


async def test_a_wrong_password_is_invalid_credentials(service: Service) -> None:
    with pytest.raises(InvalidCredentials):
        await service.attempt("Vélo-Rouge-Lac-43")

    assert service.sessions.sessions == {}
    assert service.passwords.wasted == 0
    assert service.failures.failures["ada@example.fr"].count == 1


@pytest.mark.parametrize("email", ["nobody@example.fr", "invited@example.fr"])
async def test_an_unknown_address_or_no_password_is_the_same_refusal_in_the_same_time(
    service: Service, email: str
) -> None:
    invited = ada(
        id="a-2", email="invited@example.fr", password_hash=None, civility=None, last_name="Invitée", first_name="Eve"
    )
    await service.accounts.add(invited, [])

    with pytest.raises(InvalidCredentials) as refused:
        await service.attempt(email=email)

    assert refused.value.detail == "Identifiant ou mot de passe incorrect."
    assert service.passwords.wasted == 1
    assert service.failures.failures[email].count == 1


async def test_a_wrong_captcha_refuses_before_the_password_is_checked(service: Service) -> None:
    with pytest.raises(InvalidCaptcha):
        await service.attempt(captcha_answer="WRONG1")

    assert service.sessions.sessions == {}
    assert service.failures.failures == {}


async def test_five_failures_then_even_the_right_password_waits(service: Service) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await service.attempt("wrong")
    service.clock.advance(timedelta(seconds=30))

    with pytest.raises(RateLimited) as refused:
        await service.attempt()

    assert refused.value.retry_after_seconds == 31
    assert service.sessions.sessions == {}


async def test_after_the_wait_the_right_password_works_and_clears_the_failures(service: Service) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await service.attempt("wrong")
    service.clock.advance(timedelta(seconds=60))

    await service.attempt()

    assert service.failures.failures == {}


async def test_a_sixth_failure_makes_the_wait_two_minutes(service: Service) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await service.attempt("wrong")
    service.clock.advance(timedelta(seconds=60))
    with pytest.raises(InvalidCredentials):
        await service.attempt("wrong")

    with pytest.raises(RateLimited) as refused:
        await service.attempt()

    assert refused.value.retry_after_seconds == 121


async def test_a_success_before_five_failures_resets_the_count(service: Service) -> None:
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            await service.attempt("wrong")
    await service.attempt()

    with pytest.raises(InvalidCredentials):
        await service.attempt("wrong")

    assert service.failures.failures["ada@example.fr"].count == 1


async def test_the_per_address_limit_answers_with_the_wait(service: Service) -> None:
    service.limiter.hits["login-address:ada@example.fr"] = 10

    with pytest.raises(RateLimited) as refused:
        await service.attempt(email="ADA@example.fr")

    assert refused.value.retry_after_seconds == 42


async def test_an_attempt_without_the_captcha_solved_counts_nothing_against_the_address(service: Service) -> None:
    for _ in range(12):
        with pytest.raises(InvalidCaptcha):
            await service.attempt("wrong", captcha_answer="WRONG1")

    assert "login-address:ada@example.fr" not in service.limiter.hits
    assert service.failures.failures == {}
    await service.attempt()


async def test_a_device_cookie_from_a_login_gets_its_owner_through_a_locked_address(service: Service) -> None:
    device = (await service.attempt()).device_token
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await service.attempt("wrong", client_ip="203.0.113.9")
    with pytest.raises(RateLimited):
        await service.attempt(client_ip="203.0.113.9")

    opened = await service.attempt(device=device)

    assert opened.device_token not in (None, device)
    assert service.failures.failures["ada@example.fr"].count == 5


async def test_failures_with_a_device_cookie_lock_that_device_not_the_address(service: Service) -> None:
    device = (await service.attempt()).device_token
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await service.attempt("wrong", device=device)

    with pytest.raises(RateLimited):
        await service.attempt(device=device)
    assert "ada@example.fr" not in service.failures.failures
    await service.attempt()


@pytest.mark.parametrize("forged", ["", "nonce", "nonce.0000", "a.b.c"])
async def test_a_forged_device_cookie_is_an_untrusted_browser(service: Service, forged: str) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await service.attempt("wrong")

    with pytest.raises(RateLimited):
        await service.attempt(device=forged)


async def test_a_device_cookie_of_another_address_is_not_trusted_here(service: Service) -> None:
    await service.account(id="a-2", email="bob@example.fr", password_hash=f"hashed2:{PASSWORD}", siren="000010114")
    bobs = (await service.attempt(email="bob@example.fr")).device_token
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await service.attempt("wrong")

    with pytest.raises(RateLimited):
        await service.attempt(device=bobs)


async def test_the_per_ip_limit_answers_with_the_wait(service: Service) -> None:
    service.limiter.hits["login-ip:192.0.2.1"] = 60

    with pytest.raises(RateLimited):
        await service.attempt()

    assert "login-address:ada@example.fr" not in service.limiter.hits


async def test_without_an_ip_only_the_address_is_limited(service: Service) -> None:
    await service.attempt(client_ip=None)

    assert service.limiter.hits == {"login-address:ada@example.fr": 1}
    assert service.session().ip is None


async def test_the_previous_session_of_the_browser_is_revoked(service: Service) -> None:
    previous = await service.attempt()
    service.clock.advance(timedelta(minutes=1))

    current = await service.attempt(previous=previous.session_token)

    assert service.sessions.sessions[session_id_of(previous.session_token)].revoked_at == service.clock.now
    assert service.sessions.sessions[session_id_of(current.session_token)].revoked_at is None


async def test_a_hash_with_old_parameters_is_replaced_at_login() -> None:
    service = Service()
    await service.with_account(password_hash=f"hashed1:{PASSWORD}")

    await service.attempt()

    assert service.accounts.accounts["a-1"].password_hash == f"hashed2:{PASSWORD}"
    assert service.accounts.accounts["a-1"].version == 2


async def test_a_current_hash_is_not_rewritten(service: Service) -> None:
    await service.attempt()

    assert service.accounts.accounts["a-1"].version == 1
