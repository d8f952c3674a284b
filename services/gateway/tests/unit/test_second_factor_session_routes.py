"""The login's second step and step-up at the gateway (in memory): the cookie and the CSRF header go to
identity, which alone can read a pending session; the new session's cookie replaces the old one."""

import json
from typing import Any

import pytest

from contracts.accounts import DoneV1, LogInV1, LogOutV1
from contracts.rpc import RpcError
from contracts.second_factor import PasskeyOptionsV1, ProveSecondFactorV1, StartSecondFactorChallengeV1
from gateway import auth
from gateway.fakes import FakeServices
from gateway.routes.bodies import CREDENTIAL_MAX_CHARS
from services.gateway.tests.unit.second_factor_samples import PROFILE, client, opened

PENDING = RpcError(code="second_factor_pending", detail="La connexion attend sa seconde étape.")
CREDENTIAL = {"id": "cred-1", "type": "public-key", "response": {"clientDataJSON": "e30", "signature": "c2ln"}}
LOGIN = {"email": "lea@example.fr", "password": "secret", "captcha_id": "c-1", "captcha_answer": "ABCD"}


def test_a_login_with_a_second_factor_answers_a_pending_session_and_sets_its_cookie() -> None:
    rpc = FakeServices(opened("pending-token", "csrf-p", pending=True))

    response = client(rpc, cookie=None, csrf=None).post("/api/v1/session", json=LOGIN)

    assert response.status_code == 200
    body = response.json()
    assert (body["second_factor_pending"], body["amr"], body["csrf_token"]) == (True, ["pwd"], "csrf-p")
    assert (body["account"]["second_factor_enrolled"], body["account"]["amr"]) == (True, ["pwd"])
    assert response.cookies[auth.COOKIE] == "pending-token"
    assert isinstance(rpc.requests[0], LogInV1)


def test_a_login_without_a_second_factor_says_so() -> None:
    response = client(FakeServices(opened("t", "c")), cookie=None, csrf=None).post("/api/v1/session", json=LOGIN)

    body = response.json()
    assert (body["second_factor_pending"], body["amr"], body["account"]["second_factor_enrolled"]) == (
        False,
        ["pwd"],
        False,
    )


def test_the_second_step_forwards_cookie_and_csrf_and_sets_the_new_session_s_cookie() -> None:
    rpc = FakeServices(opened("new-token", "csrf-new", amr=["pwd", "otp", "mfa"]))

    response = client(rpc, cookie="pending-token", csrf="csrf-p").post(
        "/api/v1/session/second-factor", json={"method": "totp", "code": " 123456 "}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["csrf_token"], body["amr"], body["second_factor_pending"]) == (
        "csrf-new",
        ["pwd", "otp", "mfa"],
        False,
    )
    assert body["account"]["email"] == PROFILE.email
    assert response.cookies[auth.COOKIE] == "new-token"
    [request] = rpc.requests
    assert isinstance(request, ProveSecondFactorV1)
    assert (request.session_token, request.csrf_token, request.method, request.code, request.credential) == (
        "pending-token",
        "csrf-p",
        "totp",
        "123456",
        None,
    )
    assert request.client_ip == "testclient"


def test_a_passkey_s_credential_goes_to_identity_as_its_json_text() -> None:
    rpc = FakeServices(opened("new-token", "csrf-new", amr=["pwd", "hwk", "mfa"]))

    response = client(rpc).post("/api/v1/session/second-factor", json={"method": "passkey", "credential": CREDENTIAL})

    assert response.status_code == 200
    [request] = rpc.requests
    assert isinstance(request, ProveSecondFactorV1)
    assert request.credential is not None
    assert (json.loads(request.credential), request.code) == (CREDENTIAL, None)


def test_the_challenge_answers_identity_s_options_as_an_object() -> None:
    options = {"challenge": "Y2hhbA", "rpId": "localhost", "allowCredentials": [{"id": "cred-1", "type": "public-key"}]}
    rpc = FakeServices(PasskeyOptionsV1(options=json.dumps(options)))

    response = client(rpc, cookie="pending-token", csrf="csrf-p").post("/api/v1/session/second-factor/challenge")

    assert (response.status_code, response.json()) == (200, {"options": options})
    [request] = rpc.requests
    assert isinstance(request, StartSecondFactorChallengeV1)
    assert (request.session_token, request.csrf_token) == ("pending-token", "csrf-p")


@pytest.mark.parametrize("path", ["/api/v1/session/second-factor", "/api/v1/session/second-factor/challenge"])
def test_no_cookie_is_401_and_no_csrf_header_403_before_identity_is_asked(path: str) -> None:
    body = {"method": "totp", "code": "123456"}
    rpc = FakeServices()

    no_cookie = client(rpc, cookie=None).post(path, json=body)
    no_csrf = client(rpc, csrf=None).post(path, json=body)

    assert (no_cookie.status_code, no_cookie.json()["code"]) == (401, "unauthenticated")
    assert (no_csrf.status_code, no_csrf.json()["code"]) == (403, "csrf_failed")
    assert rpc.requests == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "totp"}, "code"),
        ({"method": "recovery_code", "credential": CREDENTIAL}, "code"),
        ({"method": "passkey", "code": "123456"}, "credential"),
        ({"method": "sms", "code": "123456"}, "method"),
        ({"method": "totp", "code": "1" * 33}, "code"),
        ({"method": "totp", "code": "123456", "remember": True}, "remember"),
        ({"method": "passkey", "credential": "not an object"}, "credential"),
        ({"method": "passkey", "credential": {"id": "x" * CREDENTIAL_MAX_CHARS}}, "credential"),
    ],
)
def test_a_malformed_second_step_is_a_validation_error_on_its_field(body: dict[str, Any], field: str) -> None:
    rpc = FakeServices()

    response = client(rpc).post("/api/v1/session/second-factor", json=body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert rpc.requests == []


def test_a_wrong_code_is_identity_s_problem() -> None:
    refusal = RpcError(code="invalid_code", detail="Le code saisi est incorrect.")

    response = client(FakeServices(refusal=refusal)).post(
        "/api/v1/session/second-factor", json={"method": "totp", "code": "000000"}
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_code")
    assert auth.COOKIE not in response.cookies


def test_a_pending_session_elsewhere_is_a_401_second_factor_pending_problem() -> None:
    rpc = FakeServices(session_refusal=PENDING)

    response = client(rpc).get("/api/v1/me")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "second_factor_pending"
    assert "double authentification" in response.json()["detail"]


def test_a_pending_session_can_be_abandoned_by_logging_out() -> None:
    rpc = FakeServices(DoneV1(), session_refusal=PENDING)

    response = client(rpc, csrf=None).delete("/api/v1/session")

    assert response.status_code == 204
    assert [type(r) for r in rpc.requests] == [LogOutV1]
