"""What the provider refuses (RFC 9700, the OAuth 2.0 security BCP): no PKCE or a plain one, a wrong
verifier, a reused or expired code (reuse also revokes what the code gave), another client's code,
a wrong secret, other grants and response types, an unsigned token. Each refusal in OAuth's words."""

import base64
import json
from typing import Any

import httpx
import pytest
from authlib.oauth2.rfc6749.errors import MismatchingStateException
from joserfc.errors import InvalidClaimError

from devstack.pytest_plugin import OIDC_CERES_CLIENT, OIDC_TEST_CLIENT, RunningSystem
from tests.oidc.relying_party import CALLBACK, RelyingParty, query_of, verified_claims

pytestmark = pytest.mark.e2e
TEST_CLIENT = (OIDC_TEST_CLIENT["client_id"], OIDC_TEST_CLIENT["client_secret"])


def exchange(
    discovery: dict, code: str, verifier: str, auth: tuple[str, str] | None = TEST_CLIENT, **extra: str
) -> httpx.Response:
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    return httpx.post(discovery["token_endpoint"], data={**body, **extra}, auth=auth)


def refused(answer: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert (answer.status_code, answer.json()["error"]) == (status, error), answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json()["error_description"]  # French, for the relying party's developers and logs
    return answer.json()  # type: ignore[no-any-return]


@pytest.fixture
def code(discovery: dict, manager_browser: httpx.Client) -> tuple[RelyingParty, str]:
    rp = RelyingParty(discovery)
    return rp, query_of(rp.callback(manager_browser))["code"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": "code id_token"}, "unsupported_response_type"),
        ({"scope": "email"}, "invalid_scope"),
        ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
        ({"response_mode": "fragment"}, "invalid_request"),
    ],
    ids=["no-pkce", "plain-pkce", "implicit", "hybrid", "no-openid", "request-object", "fragment"],
)
def test_a_refused_request_goes_back_to_the_application_with_the_error(
    system: RunningSystem, discovery: dict, manager_browser: httpx.Client, change: dict, error: str
) -> None:
    rp = RelyingParty(discovery)
    url = httpx.URL(rp.authorization_url())
    params = {k: v for k, v in {**dict(url.params), **change}.items() if v is not None}

    answer = manager_browser.get(url.copy_with(params=params))

    assert answer.status_code == 303
    assert answer.headers["location"].startswith(CALLBACK + "?")
    back = query_of(answer.headers["location"])
    assert (back["error"], back["state"], back["iss"]) == (error, rp.state, system.web_url)
    assert "code" not in back


def test_a_wrong_verifier_is_refused_and_the_code_is_then_spent(
    discovery: dict, code: tuple[RelyingParty, str]
) -> None:
    rp, value = code

    refused(exchange(discovery, value, "x" * 43), 400, "invalid_grant")

    refused(exchange(discovery, value, rp.verifier), 400, "invalid_grant")


def test_a_reused_code_is_refused_and_revokes_the_tokens_it_gave(
    discovery: dict, code: tuple[RelyingParty, str]
) -> None:
    rp, value = code
    first = exchange(discovery, value, rp.verifier)
    assert first.status_code == 200, first.text
    bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert httpx.get(discovery["userinfo_endpoint"], headers=bearer).status_code == 200

    refused(exchange(discovery, value, rp.verifier), 400, "invalid_grant")

    assert httpx.get(discovery["userinfo_endpoint"], headers=bearer).status_code == 401


def test_a_code_is_for_its_client_and_its_redirect_uri_only(discovery: dict, code: tuple[RelyingParty, str]) -> None:
    rp, value = code
    other = (OIDC_CERES_CLIENT["client_id"], OIDC_CERES_CLIENT["client_secret"])

    refused(exchange(discovery, value, rp.verifier, auth=other), 400, "invalid_grant")
    refused(exchange(discovery, value, rp.verifier, redirect_uri="http://rp.test/other"), 400, "invalid_grant")


def test_an_expired_code_is_refused(system: RunningSystem, discovery: dict, code: tuple[RelyingParty, str]) -> None:
    rp, value = code
    system.shift_clock(61)  # a code lives 60 s
    try:
        refused(exchange(discovery, value, rp.verifier), 400, "invalid_grant")
    finally:
        system.shift_clock(0)


def test_a_wrong_secret_or_none_is_refused_with_a_challenge(discovery: dict, code: tuple[RelyingParty, str]) -> None:
    rp, value = code

    wrong = exchange(discovery, value, rp.verifier, auth=(TEST_CLIENT[0], "not-the-secret"))
    refused(wrong, 401, "invalid_client")
    assert wrong.headers["www-authenticate"].startswith("Basic")
    refused(exchange(discovery, value, rp.verifier, auth=None), 401, "invalid_client")
    # The code is still good: a failed client authentication spends nothing.
    assert exchange(discovery, value, rp.verifier).status_code == 200


@pytest.mark.parametrize("grant", ["password", "client_credentials", "refresh_token", "implicit"])
def test_no_other_grant_is_accepted(discovery: dict, grant: str) -> None:
    answer = httpx.post(
        discovery["token_endpoint"], data={"grant_type": grant, "username": "a", "password": "b"}, auth=TEST_CLIENT
    )

    refused(answer, 400, "unsupported_grant_type")


def test_a_forged_unsigned_token_is_never_accepted(system: RunningSystem, discovery: dict) -> None:
    header = {"alg": "none"}
    claims = {"iss": system.web_url, "aud": TEST_CLIENT[0], "sub": "anyone", "exp": 4102444800, "iat": 1}
    # What a library that trusted the header's `alg` would accept: no signature at all.
    forged = ".".join(_part(value) for value in (header, claims)) + "."

    logout = httpx.get(f"{system.web_url}/oidc/logout", params={"id_token_hint": forged})
    userinfo = httpx.get(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {forged}"})

    assert logout.status_code == 400
    assert "location" not in logout.headers
    refused(userinfo, 401, "invalid_token")


def _part(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_the_client_library_refuses_a_mismatched_state_or_nonce(
    discovery: dict, code: tuple[RelyingParty, str]
) -> None:
    rp, value = code
    forged_callback = f"{CALLBACK}?code={value}&state=not-the-state"

    with pytest.raises(MismatchingStateException):
        rp.tokens(forged_callback)  # Authlib compares the state it sent (CSRF on the callback)

    tokens = exchange(discovery, value, rp.verifier).json()
    with pytest.raises(InvalidClaimError, match="nonce"):
        verified_claims(discovery, tokens["id_token"], nonce="another-sign-in")  # a replayed ID token
