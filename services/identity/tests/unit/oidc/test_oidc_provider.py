"""The OpenID Connect provider's rules on fakes: codes bound and single use, PKCE, claims, keys, logout."""

import base64
import hashlib
import secrets
from datetime import date, timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from contracts.oidc import (
    AuthorizationCodeV1,
    ExchangeAuthorizationCodeV1,
    GrantedHabilitationV1,
    IssueAuthorizationCodeV1,
    TokenSetV1,
)
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account, AccountKind
from identity.domain.errors import (
    InvalidClient,
    InvalidGrant,
    InvalidInput,
    InvalidOidcRequest,
    InvalidRedirectUri,
    LoginRequired,
    NoAccess,
    UnknownClient,
)
from identity.domain.oidc import BACKCHANNEL_LOGOUT_EVENT, CODE_LIFETIME, OidcClient, sid_of
from identity.domain.organisation import Organisation
from identity.domain.session import Session, session_id_of
from identity.fakes import ISSUER, Fakes
from identity.use_cases.oidc.deliver_backchannel_logouts import MAX_ATTEMPTS
from identity.use_cases.oidc.describe_client import registered_client
from identity.use_cases.oidc.manage_clients import NewOidcClient
from identity.use_cases.oidc.signing_keys import KEEP_RETIRED

SIREN = "000030072"
CONTEXT = MessageContext(message_id="m-15", correlation_id="corr-15")
REDIRECT = "https://ceres.example.fr/callback"
TOKEN = "session-token"
VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
CERES = GrantedHabilitationV1(service="ceres", role="gestionnaire_centres", siret="00003007200011", end_date=None)
OTHER = GrantedHabilitationV1(service="autre", role="x", siret="00003007200029", end_date=date(2031, 1, 1))


class Provider(Fakes):
    """The provider's use cases on the service's fakes, called with one context; and its client CERES."""

    client: OidcClient
    secret: str

    def __init__(self) -> None:
        super().__init__()
        self.oidc = self.use_cases().oidc
        self.manage = self.oidc.clients
        self.ensure_keys, self.rotate_keys = self.oidc.ensure_signing_keys, self.oidc.rotate_signing_keys
        self.deliver = self.oidc.deliver_backchannel_logouts

    async def issue(self, request: IssueAuthorizationCodeV1) -> AuthorizationCodeV1:
        return await self.oidc.issue_authorization_code(request, CONTEXT)

    async def exchange(self, request: ExchangeAuthorizationCodeV1) -> TokenSetV1:
        return await self.oidc.exchange_authorization_code(request, CONTEXT)


@pytest.fixture
async def provider() -> Provider:
    provider = Provider()
    await provider.ensure_keys()
    provider.client, provider.secret = await provider.manage.register(
        NewOidcClient(
            name="CERES",
            service="ceres",
            redirect_uris=[REDIRECT],
            backchannel_logout_uri="https://ceres.example.fr/bc",
        )
    )
    account = Account.open(
        id="a-1", email="lea@mistral.fr", kind=AccountKind.USER, password_hash="h", civility="madame",
        last_name="Bérard", first_name="Léa", created_at=provider.clock(), siren=SIREN,
    )  # fmt: skip
    await provider.accounts.add(account, [])
    provider.directory.organisations[SIREN] = Organisation(SIREN, "Organisme de Formation Mistral")
    provider.directory.offered[SIREN] = True
    now = provider.clock()
    await provider.sessions.add(Session(session_id_of(TOKEN), "a-1", "csrf", now, now), [])
    return provider


def sign_in(provider: Provider, **changes: object) -> IssueAuthorizationCodeV1:
    fields: dict[str, object] = {
        "session_token": TOKEN, "client_id": provider.client.id, "redirect_uri": REDIRECT,
        "scope": ["openid", "email", "profile", "organization", "habilitations", "unknown"], "nonce": "n-1",
        "code_challenge": CHALLENGE, "code_challenge_method": "S256", "habilitations": [CERES, OTHER],
    }  # fmt: skip
    return IssueAuthorizationCodeV1.model_validate({**fields, **changes})


def exchange(provider: Provider, code: str, **changes: str) -> ExchangeAuthorizationCodeV1:
    fields = {
        "client_id": provider.client.id, "client_secret": provider.secret, "code": code,
        "redirect_uri": REDIRECT, "code_verifier": VERIFIER,
    }  # fmt: skip
    return ExchangeAuthorizationCodeV1.model_validate({**fields, **changes})


async def test_a_code_gives_an_es256_id_token_with_the_claims_of_its_scopes(provider: Provider) -> None:
    issued = await provider.issue(sign_in(provider))

    tokens = await provider.exchange(exchange(provider, issued.code))

    keys = KeySet.import_key_set({"keys": await provider.signer.public_keys()})
    token = jwt.decode(tokens.id_token, keys, algorithms=["ES256"])
    claims = token.claims
    assert token.header["alg"] == "ES256"
    assert (claims["iss"], claims["aud"], claims["sub"], claims["nonce"]) == (ISSUER, provider.client.id, "a-1", "n-1")
    assert (claims["email"], claims["email_verified"], claims["civility"]) == ("lea@mistral.fr", True, "Mme")
    assert (claims["siren"], claims["organization_name"]) == (SIREN, "Organisme de Formation Mistral")
    # Only the client's own service's habilitations.
    assert claims["habilitations"] == [{"role": "gestionnaire_centres", "siret": "00003007200011", "end_date": None}]
    assert (claims["acr"], claims["amr"], claims["sid"]) == ("efp:pwd", ["pwd"], sid_of(session_id_of(TOKEN)))
    assert tokens.scope == "openid email profile organization habilitations"


async def test_a_code_redeemed_twice_is_refused_and_revokes_what_it_gave(provider: Provider) -> None:
    issued = await provider.issue(sign_in(provider))
    await provider.exchange(exchange(provider, issued.code))

    with pytest.raises(InvalidGrant):
        await provider.exchange(exchange(provider, issued.code))

    assert [t.revoked_at is not None for t in provider.tokens.tokens.values()] == [True]


@pytest.mark.parametrize(
    "changes",
    [{"code_verifier": secrets.token_urlsafe(48)}, {"code_verifier": "short"}, {"redirect_uri": REDIRECT + "/"}],
    ids=["wrong verifier", "malformed verifier", "another redirect URI"],
)
async def test_the_exchange_must_match_the_request(provider: Provider, changes: dict[str, str]) -> None:
    issued = await provider.issue(sign_in(provider))

    with pytest.raises(InvalidGrant):
        await provider.exchange(exchange(provider, issued.code, **changes))
    assert provider.tokens.tokens == {}


async def test_a_code_lives_sixty_seconds(provider: Provider) -> None:
    issued = await provider.issue(sign_in(provider))
    provider.clock.advance(CODE_LIFETIME)

    with pytest.raises(InvalidGrant):
        await provider.exchange(exchange(provider, issued.code))


async def test_a_wrong_secret_or_another_clients_code_is_refused(provider: Provider) -> None:
    issued = await provider.issue(sign_in(provider))
    other, other_secret = await provider.manage.register(
        NewOidcClient(name="Autre", service="ceres", redirect_uris=["https://autre.example.fr/cb"])
    )

    with pytest.raises(InvalidClient):
        await provider.exchange(exchange(provider, issued.code, client_secret="not-the-secret"))
    with pytest.raises(InvalidGrant):
        await provider.exchange(exchange(provider, issued.code, client_id=other.id, client_secret=other_secret))
    # Neither attempt spent the code: its own client still redeems it.
    assert (await provider.exchange(exchange(provider, issued.code))).access_token


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"scope": ["email"]}, InvalidOidcRequest),
        ({"code_challenge_method": "plain", "code_challenge": VERIFIER}, InvalidOidcRequest),
        ({"code_challenge": "too-short"}, InvalidOidcRequest),
        ({"session_token": "no-such-session"}, LoginRequired),
        ({"habilitations": [OTHER]}, NoAccess),
        ({"redirect_uri": REDIRECT + "?x=1"}, InvalidRedirectUri),
        ({"client_id": "unknown"}, UnknownClient),
    ],
    ids=["no openid", "plain PKCE", "malformed challenge", "no session", "no access", "redirect", "client"],
)
async def test_sign_in_refusals(provider: Provider, changes: dict[str, object], refusal: type[Exception]) -> None:
    with pytest.raises(refusal):
        await provider.issue(sign_in(provider, **changes))
    assert provider.codes.codes == {}


async def test_max_age_asks_for_a_fresh_login(provider: Provider) -> None:
    provider.clock.advance(timedelta(minutes=10))

    with pytest.raises(LoginRequired):
        await provider.issue(sign_in(provider, max_age=300))
    assert await provider.issue(sign_in(provider, max_age=900))


async def test_an_agent_signs_in_without_habilitation(provider: Provider) -> None:
    agent = provider.accounts.accounts["a-1"]
    agent.kind = AccountKind.AGENT

    assert await provider.issue(sign_in(provider, habilitations=[]))


async def test_a_disabled_client_is_refused_everywhere(provider: Provider) -> None:
    issued = await provider.issue(sign_in(provider))
    await provider.manage.disable(provider.client.id)

    with pytest.raises(UnknownClient):
        await registered_client(provider.oidc_clients, provider.client.id, REDIRECT)
    with pytest.raises(InvalidClient):
        await provider.exchange(exchange(provider, issued.code))


async def test_production_clients_need_https_and_absolute_uris(provider: Provider) -> None:
    for uri in ("http://ceres.example.fr/cb", "/callback", "https://ceres.example.fr/cb#frag"):
        with pytest.raises(InvalidInput):
            await provider.manage.register(NewOidcClient(name="X", service="ceres", redirect_uris=[uri]))
    assert await provider.manage.register(
        NewOidcClient(name="Local", service="ceres", redirect_uris=["http://127.0.0.1:8090/callback"])
    )


async def test_a_rotation_signs_with_the_published_next_key_and_keeps_the_old_one_a_while(provider: Provider) -> None:
    before = await provider.keyring.load()
    old, upcoming = before.of_state("current"), before.of_state("next")
    assert old is not None
    assert upcoming is not None

    after = await provider.rotate_keys()

    assert after.of_state("current").kid == upcoming.kid  # type: ignore[union-attr]
    published = {key["kid"] for key in await provider.signer.public_keys()}
    assert {old.kid, upcoming.kid} < published
    assert len(published) == 3
    provider.clock.advance(KEEP_RETIRED)
    assert old.kid not in {key["kid"] for key in await provider.signer.public_keys()}


async def test_an_ended_session_tells_its_relying_parties_once_and_retries_a_failure(provider: Provider) -> None:
    await provider.issue(sign_in(provider))
    provider.sender.answers = [False]
    await provider.sessions.revoke(session_id_of(TOKEN), provider.clock())

    assert await provider.deliver() == 0
    provider.clock.advance(timedelta(seconds=3))
    assert await provider.deliver() == 1
    assert await provider.deliver() == 0  # told: not again

    keys = KeySet.import_key_set({"keys": await provider.signer.public_keys()})
    logout = jwt.decode(provider.sender.sent[-1][1], keys, algorithms=["ES256"])
    assert logout.header["typ"] == "logout+jwt"
    assert logout.claims["events"] == {BACKCHANNEL_LOGOUT_EVENT: {}}
    assert (logout.claims["sid"], logout.claims["sub"], "nonce" in logout.claims) == (
        sid_of(session_id_of(TOKEN)),
        "a-1",
        False,
    )


async def test_a_relying_party_that_never_answers_is_given_up(provider: Provider) -> None:
    await provider.issue(sign_in(provider))
    provider.sender.answers = [False] * MAX_ATTEMPTS
    await provider.sessions.revoke(session_id_of(TOKEN), provider.clock())

    for _ in range(MAX_ATTEMPTS):
        await provider.deliver()
        provider.clock.advance(timedelta(minutes=10))

    assert len(provider.sender.sent) == MAX_ATTEMPTS
    assert await provider.sessions.ended_with_clients(provider.clock(), 10) == []


async def test_a_sign_in_stays_on_its_session_after_the_relying_party_is_told_of_the_logout(
    provider: Provider,
) -> None:
    await provider.issue(sign_in(provider))
    await provider.sessions.revoke(session_id_of(TOKEN), provider.clock())
    assert await provider.deliver() == 1

    [record] = await provider.sessions.of_account("a-1")
    assert record.client_ids == (provider.client.id,)  # what « mes données » names
