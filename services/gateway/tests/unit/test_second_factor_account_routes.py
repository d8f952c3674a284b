"""« Mon compte » › double authentification at the gateway (in memory): each route its identity request with
the cookie's token, options and credentials as JSON objects here and JSON text on the bus, CSRF on changes;
`/me` and the status say whether the habilitation service requires a second factor."""

import json
from typing import Any

import pytest

from contracts import second_factor as sf
from contracts.accounts import GetProfileV1, SessionV1
from contracts.habilitation_management import AccessSummaryV1, GetAccessSummaryV1, HabilitationsV1
from contracts.oidc import AuthorizationCodeV1, IssueAuthorizationCodeV1
from contracts.rpc import RpcError
from gateway import auth
from gateway.fakes import FakeServices
from services.gateway.tests.unit.second_factor_samples import NOW, PROFILE, PROVED, client

SUMMARY = AccessSummaryV1(
    manager_of=["123456789"], habilitations=[], pending_access_requests_to_review=0, second_factor_required=True
)
STATUS = sf.SecondFactorStatusV1(
    totp=True,
    passkeys=[sf.PasskeyV1(id="pk-1", name="Clé du bureau", created_at=NOW)],
    recovery_codes_left=9,
    enrolled=True,
)
CODES = [f"code-{n}" for n in range(10)]
CREDENTIAL = {"id": "cred-1", "type": "public-key", "response": {"attestationObject": "o2Nm"}}
OPTIONS = {"challenge": "Y2hhbA", "rp": {"id": "localhost", "name": "EFP Connect"}, "excludeCredentials": []}


def services(*answers: Any, session: SessionV1 = PROVED) -> FakeServices:
    return FakeServices(
        SUMMARY,
        STATUS,
        sf.TotpEnrolmentV1(secret="JBSWY3DPEHPK3PXP", otpauth_uri="otpauth://totp/EFP%20Connect:lea"),
        sf.EnrolledV1(recovery_codes=CODES),
        sf.RecoveryCodesV1(recovery_codes=CODES),
        sf.PasskeyOptionsV1(options=json.dumps(OPTIONS)),
        PROFILE,
        *answers,
        session=session,
    )


def test_me_says_what_the_session_proved_and_whether_a_second_factor_is_required() -> None:
    rpc = services()

    body = client(rpc).get("/api/v1/me").json()

    assert (body["second_factor_required"], body["second_factor_enrolled"], body["amr"]) == (
        True,
        True,
        ["pwd", "otp", "mfa"],
    )
    [profile, summary] = rpc.requests
    assert isinstance(profile, GetProfileV1)
    assert isinstance(summary, GetAccessSummaryV1)
    # The actor carries the session's proof: the habilitation service's rules read it.
    assert (summary.actor.amr, summary.actor.second_factor_at, summary.actor.second_factor_enrolled) == (
        ["pwd", "otp", "mfa"],
        NOW,
        True,
    )


def test_the_status_adds_whether_it_is_required() -> None:
    rpc = services()

    response = client(rpc).get("/api/v1/me/second-factor")

    assert response.status_code == 200
    assert response.json() == {
        "totp": True,
        "passkeys": [
            {"id": "pk-1", "name": "Clé du bureau", "created_at": "2030-01-15T09:00:00Z", "last_used_at": None}
        ],
        "recovery_codes_left": 9,
        "enrolled": True,
        "required": True,
    }
    status = next(r for r in rpc.requests if isinstance(r, sf.GetSecondFactorStatusV1))
    assert status.session_token == "token"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "request_type"),
    [
        ("POST", "/api/v1/me/second-factor/totp", None, 201, sf.StartTotpEnrolmentV1),
        ("POST", "/api/v1/me/second-factor/totp/confirm", {"code": "123456"}, 200, sf.ConfirmTotpEnrolmentV1),
        ("DELETE", "/api/v1/me/second-factor/totp", None, 200, sf.RemoveTotpV1),
        ("POST", "/api/v1/me/second-factor/passkeys/options", None, 200, sf.StartPasskeyRegistrationV1),
        (
            "POST",
            "/api/v1/me/second-factor/passkeys",
            {"name": "Clé", "credential": CREDENTIAL},
            201,
            sf.FinishPasskeyRegistrationV1,
        ),
        ("DELETE", "/api/v1/me/second-factor/passkeys/pk-1", None, 200, sf.RemovePasskeyV1),
        ("POST", "/api/v1/me/second-factor/recovery-codes", None, 200, sf.RegenerateRecoveryCodesV1),
    ],
)
def test_each_change_is_its_identity_request_for_this_session_and_needs_the_csrf_token(
    method: str, path: str, body: dict[str, Any] | None, status: int, request_type: type
) -> None:
    rpc = services()

    response = client(rpc).request(method, path, json=body)
    refused = client(rpc, csrf="wrong").request(method, path, json=body)

    assert response.status_code == status
    [request, *_] = rpc.requests
    assert isinstance(request, request_type)
    assert request.session_token == "token"  # type: ignore[attr-defined]
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    assert len([r for r in rpc.requests if isinstance(r, request_type)]) == 1


def test_the_answers_the_pages_read() -> None:
    http = client(services())

    assert http.post("/api/v1/me/second-factor/totp").json() == {
        "secret": "JBSWY3DPEHPK3PXP",
        "otpauth_uri": "otpauth://totp/EFP%20Connect:lea",
    }
    assert http.post("/api/v1/me/second-factor/totp/confirm", json={"code": "123456"}).json() == {
        "recovery_codes": CODES
    }
    assert http.post("/api/v1/me/second-factor/passkeys/options").json() == {"options": OPTIONS}
    assert http.post("/api/v1/me/second-factor/recovery-codes").json() == {"recovery_codes": CODES}
    removed = http.delete("/api/v1/me/second-factor/passkeys/pk-1").json()
    assert (removed["recovery_codes_left"], removed["required"]) == (9, True)


def test_a_passkey_is_registered_with_its_name_and_its_credential_as_json_text() -> None:
    rpc = services()

    client(rpc).post("/api/v1/me/second-factor/passkeys", json={"name": " Clé du bureau ", "credential": CREDENTIAL})

    [request] = rpc.requests
    assert isinstance(request, sf.FinishPasskeyRegistrationV1)
    assert (request.name, json.loads(request.credential)) == ("Clé du bureau", CREDENTIAL)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "credential": CREDENTIAL},
        {"name": "x" * 65, "credential": CREDENTIAL},
        {"name": "Clé"},
        {"name": "Clé", "credential": ["not", "an", "object"]},
        {"name": "Clé", "credential": {"id": "x" * 20_000}},
        {"name": "Clé", "credential": CREDENTIAL, "extra": 1},
    ],
)
def test_a_malformed_passkey_is_a_validation_error(body: dict[str, Any]) -> None:
    rpc = services()

    response = client(rpc).post("/api/v1/me/second-factor/passkeys", json=body)

    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert rpc.requests == []


def test_a_step_up_refusal_is_identity_s_403_problem() -> None:
    refusal = RpcError(code="step_up_required", detail="Confirmez votre identité.")
    rpc = FakeServices(session=PROVED, refusal=refusal)

    response = client(rpc).delete("/api/v1/me/second-factor/totp")

    assert (response.status_code, response.json()["code"]) == (403, "step_up_required")


def test_the_authorization_code_request_carries_the_client_s_acr_values() -> None:
    rpc = services(HabilitationsV1(habilitations=[]), AuthorizationCodeV1(code="code-1"))
    body = {
        "client_id": "ceres",
        "redirect_uri": "https://ceres.example.fr/callback",
        "scope": "openid email",
        "code_challenge": "x" * 43,
        "code_challenge_method": "S256",
        "acr_values": "efp:mfa  efp:pwd",
    }

    response = client(rpc).post("/api/v1/oidc/authorization-codes", json=body)
    without = client(rpc).post("/api/v1/oidc/authorization-codes", json={**body, "acr_values": None})

    assert (response.status_code, without.status_code) == (201, 201)
    issued = [r for r in rpc.requests if isinstance(r, IssueAuthorizationCodeV1)]
    assert [r.acr_values for r in issued] == [["efp:mfa", "efp:pwd"], []]


def test_actor_of_copies_what_the_session_proved() -> None:
    actor = auth.actor_of(PROVED)

    assert (actor.amr, actor.second_factor_at, actor.second_factor_enrolled) == (["pwd", "otp", "mfa"], NOW, True)
