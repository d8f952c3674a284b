"""A person's own data at the gateway (in memory): delete my account, export my data, change my e-mail. Each
route its requests with the cookie's token, a wrong password a 400 on `password`, refusals passed through."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts import privacy as p
from contracts.accounts import SessionV1
from contracts.habilitation_management import AccessSummaryV1, GetAccessSummaryV1
from contracts.messages import MessageV1
from contracts.rpc import FieldError, RpcError
from contracts.second_factor import SecondFactorStatusV1
from gateway import auth, problems
from gateway.config import GatewaySettings
from gateway.fakes import FakeServices
from gateway.routes import me, privacy
from services.gateway.tests.unit.second_factor_samples import NOW, PROFILE

# 23:30 in UTC is already the next day in Paris: the file is named by the person's day.
LATE = datetime(2030, 1, 15, 23, 30, tzinfo=UTC)
SESSION = SessionV1(account_id="acc-1", kind="user", csrf_token="csrf-1", siren="123456789")
SUMMARY = AccessSummaryV1(manager_of=[], habilitations=[], pending_access_requests_to_review=0)
IDENTITY = p.IdentityDataV1(
    account=PROFILE,
    created_at=NOW,
    sessions=[p.ExportedSessionV1(started_at=NOW, expires_at=NOW, client_ip="192.0.2.1", current=True)],
    second_factor=SecondFactorStatusV1(totp=False, passkeys=[], recovery_codes_left=0, enrolled=False),
)
HABILITATION = p.HabilitationDataV1(
    habilitations=[], manager_rights=[], access_requests=[], invitations_received=[], invitations_sent=[], history=[]
)
MESSAGE = MessageV1(
    id="m-1", template="welcome", subject="Bienvenue", state="sent", created_at=NOW, sent_at=NOW, text="Bonjour"
)
STEP = p.EmailChangeStepV1(new_email="lea.martin@example.fr", expires_at=NOW, resendable_at=NOW)


def services(refusal: RpcError | None = None) -> FakeServices:
    return FakeServices(
        p.AccountDeletionV1(deleted_at=NOW),
        IDENTITY,
        HABILITATION,
        p.MessagesDataV1(items=[MESSAGE]),
        STEP,
        PROFILE,
        SUMMARY,
        session=SESSION,
        refusal=refusal,
    )


def client(rpc: FakeServices, csrf: str = "csrf-1", clock: datetime | None = None) -> TestClient:
    app = FastAPI()
    problems.install(app)
    app.state.rpc = rpc
    app.state.settings = GatewaySettings()
    if clock is not None:
        app.state.clock = lambda: clock
    for module in (me, privacy):
        app.include_router(module.router)
    return TestClient(app, cookies={auth.COOKIE: "token"}, headers={auth.CSRF_HEADER: csrf})


def test_deleting_my_account_sends_the_password_with_the_session_and_clears_the_cookie() -> None:
    rpc = services()

    response = client(rpc).request("DELETE", "/api/v1/me", json={"password": " mon mot de passe "})

    assert response.status_code == 204
    [request] = rpc.requests
    assert isinstance(request, p.DeleteAccountV1)
    assert (request.session_token, request.password) == ("token", " mon mot de passe ")  # not stripped
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f'{auth.COOKIE}=""')
    assert "Max-Age=0" in cookie


def test_a_wrong_password_is_a_400_on_the_field_password() -> None:
    refusal = RpcError(code="invalid_credentials", detail="Le mot de passe est incorrect.")
    for method, path, body in (
        ("DELETE", "/api/v1/me", {"password": "faux"}),
        ("POST", "/api/v1/me/email", {"new_email": "lea.martin@example.fr", "password": "faux"}),
    ):
        response = client(services(refusal)).request(method, path, json=body)

        assert response.status_code == 400, path
        assert response.json()["code"] == "invalid_credentials"
        assert response.json()["errors"] == [{"field": "password", "message": "Le mot de passe est incorrect."}]
        assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("refusal", "status", "extra"),
    [
        (RpcError(code="step_up_required", detail="Confirmez votre identité."), 403, {}),
        (
            RpcError(
                code="last_manager",
                detail="Vous êtes le dernier gestionnaire d'accès de Formation Plus (SIREN 123456789). "
                "Désignez un autre gestionnaire d'accès avant de supprimer votre compte.",
                details={"siren": "123456789"},
            ),
            409,
            {"siren": "123456789"},
        ),
    ],
)
def test_a_refused_deletion_passes_identity_s_problem_through_and_keeps_the_cookie(
    refusal: RpcError, status: int, extra: dict[str, str]
) -> None:
    response = client(services(refusal)).request("DELETE", "/api/v1/me", json={"password": "bon"})

    assert response.status_code == status
    assert response.headers["content-type"] == problems.MEDIA_TYPE
    body = response.json()
    assert (body["code"], body["detail"]) == (refusal.code, refusal.detail)
    assert {k: body[k] for k in extra} == extra
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("DELETE", "/api/v1/me", {"password": "x"}),
        ("POST", "/api/v1/me/email", {"new_email": "a@b.fr", "password": "x"}),
        ("POST", "/api/v1/me/email/verify", {"code": "123456"}),
    ],
)
def test_each_change_needs_the_csrf_token(method: str, path: str, body: dict[str, Any]) -> None:
    rpc = services()

    refused = client(rpc, csrf="wrong").request(method, path, json=body)

    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    assert rpc.requests == []


@pytest.mark.parametrize(
    "body",
    [{}, {"password": ""}, {"password": "x", "extra": 1}, {"password": "x" * 257}],
)
def test_a_malformed_deletion_is_a_validation_error(body: dict[str, Any]) -> None:
    rpc = services()

    response = client(rpc).request("DELETE", "/api/v1/me", json=body)

    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert rpc.requests == []


def test_the_export_puts_the_three_parts_together_as_a_download() -> None:
    rpc = services()

    response = client(rpc, clock=LATE).get("/api/v1/me/export")

    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="efp-connect-mes-donnees-2030-01-16.json"'
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"exported_at", "identity", "habilitation", "emails"}
    assert body["exported_at"] == "2030-01-15T23:30:00Z"
    assert body["identity"]["account"]["email"] == "lea@example.fr"
    assert body["identity"]["sessions"][0]["current"] is True
    assert body["habilitation"]["history"] == []
    assert body["emails"]["items"][0]["subject"] == "Bienvenue"
    calls = dict(rpc.calls)  # by service: one request each
    assert sorted(calls) == ["habilitation", "identity", "notification"]
    identity, habilitation, emails = calls["identity"], calls["habilitation"], calls["notification"]
    assert isinstance(identity, p.ExportIdentityDataV1)
    assert identity.session_token == "token"
    assert isinstance(habilitation, p.ExportHabilitationDataV1)
    assert habilitation.actor.account_id == "acc-1"
    assert isinstance(emails, p.ExportMessagesDataV1)
    assert emails.account_id == "acc-1"


def test_the_export_needs_a_session() -> None:
    rpc = FakeServices(session_refusal=RpcError(code="unauthenticated", detail="?"))

    response = client(rpc).get("/api/v1/me/export")

    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


def test_an_e_mail_change_starts_with_the_address_the_password_and_the_client_address() -> None:
    rpc = services()

    response = client(rpc).post(
        "/api/v1/me/email", json={"new_email": " lea.martin@example.fr ", "password": "mot de passe"}
    )

    assert response.status_code == 202
    assert response.json() == {
        "new_email": "lea.martin@example.fr",
        "expires_at": "2030-01-15T09:00:00Z",
        "resendable_at": "2030-01-15T09:00:00Z",
    }
    [request] = rpc.requests
    assert isinstance(request, p.StartEmailChangeV1)
    assert (request.session_token, request.new_email, request.password) == (
        "token",
        "lea.martin@example.fr",
        "mot de passe",
    )
    assert request.client_ip == "testclient"


def test_the_code_changes_the_address_and_answers_the_account_as_get_me() -> None:
    rpc = services()

    response = client(rpc).post("/api/v1/me/email/verify", json={"code": "123456"})

    assert response.status_code == 200
    shown = client(services()).get("/api/v1/me").json()
    assert response.json() == shown
    verify, summary = rpc.requests
    assert isinstance(verify, p.VerifyEmailChangeV1)
    assert (verify.session_token, verify.code) == ("token", "123456")
    assert isinstance(summary, GetAccessSummaryV1)


@pytest.mark.parametrize(("code", "status"), [("invalid_code", 400), ("code_expired", 410), ("too_many_attempts", 409)])
def test_a_refused_code_is_identity_s_problem(code: str, status: int) -> None:
    refusal = RpcError(code=code, detail="Le code est incorrect.", errors=[FieldError(field="code", message="Non.")])

    response = client(services(refusal)).post("/api/v1/me/email/verify", json={"code": "000000"})

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["errors"] == [{"field": "code", "message": "Non."}]
