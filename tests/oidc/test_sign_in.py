"""An application built on Authlib signs a person in: code flow with PKCE, the ID token checked
against the published keys, userinfo, single sign-on, prompt and max_age, revocation (RFC 7009)."""

import httpx
import pytest

from devstack.pytest_plugin import OIDC_TEST_CLIENT, RunningSystem
from tests.e2e.access import Person
from tests.e2e.journeys import PASSWORD
from tests.oidc.people import MISTRAL
from tests.oidc.relying_party import ALL_SCOPES, RelyingParty, query_of, verified_claims
from tests.pages.browsing import log_in

pytestmark = pytest.mark.e2e


def test_authlib_signs_a_manager_in_and_reads_every_claim(
    system: RunningSystem, discovery: dict, manager: Person, manager_browser: httpx.Client
) -> None:
    rp = RelyingParty(discovery)
    callback = rp.callback(manager_browser)
    answer = query_of(callback)
    assert (answer["state"], answer["iss"]) == (rp.state, system.web_url)  # RFC 9207

    tokens = rp.tokens(callback)

    assert tokens["token_type"] == "Bearer"
    assert 0 < tokens["expires_in"] <= 600
    assert "refresh_token" not in tokens
    claims = verified_claims(
        discovery, tokens["id_token"], iss=system.web_url, aud=OIDC_TEST_CLIENT["client_id"], nonce=rp.nonce
    )
    assert claims["_header"]["alg"] == "ES256"
    assert claims["sub"] == manager.account_id
    assert (claims["email"], claims["email_verified"]) == (manager.email, True)
    assert claims["siren"] == MISTRAL[0]
    assert claims["organization_name"]
    assert (claims["amr"], claims["acr"]) == (["pwd"], "efp:pwd")  # a password alone
    assert claims["auth_time"] <= claims["iat"]
    assert claims["sid"]
    assert [h["siret"] for h in claims["habilitations"]] == [MISTRAL[1]]
    me = manager.me()
    assert (claims["given_name"], claims["family_name"]) == (me["first_name"], me["last_name"])
    userinfo = httpx.get(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert userinfo.status_code == 200
    assert userinfo.headers["cache-control"] == "no-store"
    assert {k: userinfo.json()[k] for k in ("sub", "email", "siren", "habilitations")} == {
        k: claims[k] for k in ("sub", "email", "siren", "habilitations")
    }
    logs = system.logs()
    for secret in (
        answer["code"],
        tokens["access_token"],
        tokens["id_token"],
        rp.verifier,
        OIDC_TEST_CLIENT["client_secret"],
    ):
        assert secret not in logs


def test_the_scopes_asked_are_the_claims_given(discovery: dict, manager: Person, manager_browser: httpx.Client) -> None:
    rp = RelyingParty(discovery)

    tokens = rp.sign_in(manager_browser, scope="openid")

    claims = verified_claims(discovery, tokens["id_token"], nonce=rp.nonce)
    assert claims["sub"] == manager.account_id
    for absent in ("email", "given_name", "siren", "habilitations"):
        assert absent not in claims
    userinfo = httpx.get(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert set(userinfo.json()) == {"sub"}


def test_a_second_sign_in_needs_no_login_and_gives_the_same_subject(
    discovery: dict, manager: Person, manager_browser: httpx.Client
) -> None:
    first, second = RelyingParty(discovery), RelyingParty(discovery)

    tokens = [rp.sign_in(manager_browser)["id_token"] for rp in (first, second)]

    subjects = [verified_claims(discovery, token)["sub"] for token in tokens]

    assert subjects == [manager.account_id, manager.account_id]


def test_prompt_login_and_max_age_ask_for_the_password_again(
    discovery: dict, manager: Person, manager_browser: httpx.Client
) -> None:
    for extra in ({"prompt": "login"}, {"max_age": "0"}):
        asked = manager_browser.get(RelyingParty(discovery).authorization_url(**extra))

        assert asked.status_code == 303
        assert asked.headers["location"] == "/connexion?suite=/oidc/authorize/suite", extra
    rp = RelyingParty(discovery)
    manager_browser.get(rp.authorization_url(prompt="login"))
    again = log_in(manager_browser, manager.email, PASSWORD)  # the sign-in goes on in the login's answer
    claims = verified_claims(discovery, rp.tokens(again.headers["location"])["id_token"], nonce=rp.nonce)
    assert claims["auth_time"] >= claims["iat"] - 5


def test_prompt_none_with_a_session_answers_without_any_page(
    discovery: dict, manager: Person, manager_browser: httpx.Client
) -> None:
    rp = RelyingParty(discovery)

    answer = manager_browser.get(rp.authorization_url(prompt="none"))

    assert answer.headers["location"].startswith(rp.redirect_uri + "?")
    assert "code" in query_of(answer.headers["location"])


def test_a_revoked_access_token_no_longer_reads_userinfo(
    discovery: dict, manager: Person, manager_browser: httpx.Client
) -> None:
    rp = RelyingParty(discovery)
    tokens = rp.sign_in(manager_browser)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert httpx.get(discovery["userinfo_endpoint"], headers=bearer).status_code == 200

    with rp.oauth() as oauth:
        revoked = oauth.revoke_token(discovery["revocation_endpoint"], token=tokens["access_token"])

    assert revoked.status_code == 200
    refused = httpx.get(discovery["userinfo_endpoint"], headers=bearer)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.json()["error"] == "invalid_token"


def test_the_discovery_document_announces_only_what_is_safe(system: RunningSystem, discovery: dict) -> None:
    assert discovery["issuer"] == system.web_url
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["grant_types_supported"] == ["authorization_code"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert "none" not in discovery["id_token_signing_alg_values_supported"]
    assert discovery["authorization_response_iss_parameter_supported"] is True
    assert set(ALL_SCOPES.split()) <= set(discovery["scopes_supported"])
    assert discovery["acr_values_supported"] == ["efp:pwd", "efp:mfa"]
    assert {"amr", "acr"} <= set(discovery["claims_supported"])
    keys = httpx.get(discovery["jwks_uri"]).json()["keys"]
    assert {key["kty"] for key in keys} == {"EC"}
    assert not [key for key in keys if "d" in key]  # public halves only
