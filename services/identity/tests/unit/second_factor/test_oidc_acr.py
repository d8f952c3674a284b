"""OpenID Connect and the second factor: amr and acr in the ID token, `acr_values=efp:mfa` refused without one."""

import base64
import hashlib
import secrets

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from contracts.accounts import LogOutV1
from contracts.oidc import ExchangeAuthorizationCodeV1, GetUserInfoV1, IssueAuthorizationCodeV1
from identity.domain.account import AccountKind
from identity.domain.errors import SecondFactorRequired, StepUpRequired
from identity.domain.oidc import sid_of
from identity.domain.session import STEP_UP_MAX_AGE, session_id_of
from identity.fakes.logged_in import CONTEXT, TOKEN
from identity.fakes.logged_in import LoggedIn as World
from identity.use_cases.oidc.manage_clients import NewOidcClient

REDIRECT = "https://ceres.example.fr/callback"
VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
async def client(world: World) -> tuple[str, str]:
    await world.identity.oidc.ensure_signing_keys()
    client, secret = await world.identity.oidc.clients.register(
        NewOidcClient(name="CERES", service="ceres", redirect_uris=[REDIRECT])
    )
    # Ada is an agent here: agents reach the ministry's applications without a habilitation.
    account = world.accounts.accounts["a-1"]
    account.kind = AccountKind.AGENT
    return client.id, secret


def sign_in(client_id: str, token: str = TOKEN, acr_values: list[str] | None = None) -> IssueAuthorizationCodeV1:
    return IssueAuthorizationCodeV1(
        session_token=token, client_id=client_id, redirect_uri=REDIRECT, scope=["openid"], nonce="n",
        code_challenge=CHALLENGE, code_challenge_method="S256", acr_values=acr_values or [],
    )  # fmt: skip


async def id_token_claims(world: World, client: tuple[str, str], token: str = TOKEN) -> dict[str, object]:
    issued = await world.identity.oidc.issue_authorization_code(sign_in(client[0], token), CONTEXT)
    tokens = await world.identity.oidc.exchange_authorization_code(
        ExchangeAuthorizationCodeV1(
            client_id=client[0],
            client_secret=client[1],
            code=issued.code,
            redirect_uri=REDIRECT,
            code_verifier=VERIFIER,
        ),
        CONTEXT,
    )
    keys = KeySet.import_key_set({"keys": await world.signer.public_keys()})
    return dict(jwt.decode(tokens.id_token, keys, algorithms=["ES256"]).claims)


async def test_a_password_session_gives_acr_pwd(world: World, client: tuple[str, str]) -> None:
    claims = await id_token_claims(world, client)

    assert (claims["acr"], claims["amr"]) == ("efp:pwd", ["pwd"])


async def test_a_session_that_proved_a_factor_gives_acr_mfa_and_its_amr(world: World, client: tuple[str, str]) -> None:
    await world.enrol_totp()

    claims = await id_token_claims(world, client)

    assert (claims["acr"], claims["amr"]) == ("efp:mfa", ["pwd", "otp", "mfa"])


async def test_the_amr_is_the_sessions_when_the_code_was_issued(world: World, client: tuple[str, str]) -> None:
    issued = await world.identity.oidc.issue_authorization_code(sign_in(client[0]), CONTEXT)

    await world.enrol_totp()

    assert world.codes.codes[next(iter(world.codes.codes))].amr == ("pwd",)
    assert issued.code


async def test_acr_mfa_without_a_factor_enrolled_asks_for_enrolment(world: World, client: tuple[str, str]) -> None:
    with pytest.raises(SecondFactorRequired) as refused:
        await world.identity.oidc.issue_authorization_code(sign_in(client[0], acr_values=["efp:mfa"]), CONTEXT)

    assert refused.value.code.value == "second_factor_required"
    assert "CERES" in refused.value.detail


async def test_acr_mfa_on_a_session_without_the_factor_asks_for_a_step_up(
    world: World, client: tuple[str, str]
) -> None:
    await world.enrol_totp()
    world.later(STEP_UP_MAX_AGE.total_seconds())
    await world.full_session("password-only")

    with pytest.raises(StepUpRequired):
        await world.identity.oidc.issue_authorization_code(
            sign_in(client[0], "password-only", acr_values=["efp:mfa"]), CONTEXT
        )
    # The session that proved the factor gets its code, however long ago it proved it.
    issued = await world.identity.oidc.issue_authorization_code(sign_in(client[0], acr_values=["efp:mfa"]), CONTEXT)
    assert issued.code


async def test_a_step_up_keeps_the_sid_relying_parties_know_and_their_access_tokens(
    world: World, client: tuple[str, str]
) -> None:
    secret, _ = await world.enrol_totp()
    issued = await world.identity.oidc.issue_authorization_code(sign_in(client[0]), CONTEXT)
    tokens = await world.identity.oidc.exchange_authorization_code(
        ExchangeAuthorizationCodeV1(
            client_id=client[0],
            client_secret=client[1],
            code=issued.code,
            redirect_uri=REDIRECT,
            code_verifier=VERIFIER,
        ),
        CONTEXT,
    )
    keys = KeySet.import_key_set({"keys": await world.signer.public_keys()})
    before = jwt.decode(tokens.id_token, keys, algorithms=["ES256"]).claims["sid"]
    world.later(30)

    renewed = await world.prove(TOKEN, code=world.code(secret))

    info = await world.identity.oidc.get_user_info(GetUserInfoV1(access_token=tokens.access_token), CONTEXT)
    assert info.sub == "a-1"
    assert (await id_token_claims(world, client, renewed.session_token))["sid"] == before


async def test_after_a_step_up_the_logout_token_names_the_sid_of_the_login(world: World) -> None:
    await world.identity.oidc.ensure_signing_keys()
    client, _ = await world.identity.oidc.clients.register(
        NewOidcClient(name="CERES", service="ceres", redirect_uris=[REDIRECT], backchannel_logout_uri="https://c/bc")
    )
    world.accounts.accounts["a-1"].kind = AccountKind.AGENT
    secret, _ = await world.enrol_totp()
    await world.identity.oidc.issue_authorization_code(sign_in(client.id), CONTEXT)
    world.later(30)
    renewed = await world.prove(TOKEN, code=world.code(secret))

    await world.identity.log_out(LogOutV1(session_token=renewed.session_token), CONTEXT)
    await world.identity.oidc.deliver_backchannel_logouts()

    [(uri, logout_token)] = world.sender.sent
    keys = KeySet.import_key_set({"keys": await world.signer.public_keys()})
    assert uri == "https://c/bc"
    assert jwt.decode(logout_token, keys, algorithms=["ES256"]).claims["sid"] == sid_of(session_id_of(TOKEN))
