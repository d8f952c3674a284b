"""Test data of the gateway's second-factor tests: sessions, a profile, an app with the routes on fakes."""

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.accounts import AccountProfileV1, SessionOpenedV1, SessionV1
from gateway import auth, problems
from gateway.config import GatewaySettings
from gateway.fakes import FakeServices
from gateway.routes import me, oidc_sign_in, second_factor, session

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
PROFILE = AccountProfileV1(
    account_id="acc-1",
    email="lea@example.fr",
    kind="user",
    civility="madame",
    last_name="Martin",
    first_name="Léa",
    job_title=None,
    phone=None,
    siren="123456789",
)
PROVED = SessionV1(
    account_id="acc-1",
    kind="user",
    csrf_token="csrf-1",
    siren="123456789",
    amr=["pwd", "otp", "mfa"],
    second_factor_at=NOW,
    second_factor_enrolled=True,
)


def opened(token: str, csrf: str, pending: bool = False, amr: list[str] | None = None) -> SessionOpenedV1:
    return SessionOpenedV1(
        session_token=token,
        csrf_token=csrf,
        expires_at=NOW,
        account=PROFILE,
        second_factor_pending=pending,
        amr=amr or ["pwd"],
    )


def client(rpc: FakeServices, cookie: str | None = "token", csrf: str | None = "csrf-1") -> TestClient:
    app = FastAPI()
    problems.install(app)
    app.state.rpc = rpc
    app.state.settings = GatewaySettings()
    for module in (session, me, second_factor, oidc_sign_in):
        app.include_router(module.router)
    cookies = {auth.COOKIE: cookie} if cookie else None
    headers = {auth.CSRF_HEADER: csrf} if csrf else None
    return TestClient(app, cookies=cookies, headers=headers)
