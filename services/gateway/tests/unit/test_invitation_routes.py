"""The gateway's invitation routes in memory: each call becomes its habilitation request; refusals keep details."""

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts import invitations as inv
from contracts.accounts import SessionV1
from contracts.rpc import RpcError
from gateway import auth, problems
from gateway.config import GatewaySettings
from gateway.fakes import FakeServices
from gateway.routes import invitations

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
VIEW = inv.InvitationV1(
    id="i-1",
    email="jeanne@example.fr",
    account_id="a-2",
    first_name="Jeanne",
    last_name="Martin",
    siren="123456789",
    organisation_name="Formation Plus",
    status="sent",
    habilitations=[],
    invited_by="acc-1",
    invited_by_name=None,
    created_at=NOW,
    last_sent_at=NOW,
    expires_at=NOW,
)


SESSION = SessionV1(account_id="acc-1", kind="user", csrf_token="csrf-1", siren="123456789")


def fake_rpc(refusal: RpcError | None = None) -> FakeServices:
    """Opens the session for the cookie, records the habilitation requests and answers VIEW (or refuses)."""
    return FakeServices(VIEW, inv.InvitationsV1(invitations=[VIEW]), session=SESSION, refusal=refusal)


def client(rpc: FakeServices) -> TestClient:
    app = FastAPI()
    problems.install(app)
    app.state.rpc = rpc
    app.state.settings = GatewaySettings()
    app.include_router(invitations.router)
    return TestClient(app, cookies={auth.COOKIE: "token"}, headers={auth.CSRF_HEADER: "csrf-1"})


def test_creating_an_invitation_answers_201_with_id_status_and_expiry() -> None:
    rpc = fake_rpc()

    response = client(rpc).post(
        "/api/v1/organisations/123456789/invitations",
        json={
            "email": "jeanne@example.fr",
            "civility": "madame",
            "last_name": "Martin",
            "first_name": "Jeanne",
            "habilitations": [{"role": "centre_agree", "siret": "123 456 789 00011", "end_date": "2030-06-30"}],
        },
    )

    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("id", "status", "expires_at")} == {
        "id": "i-1",
        "status": "sent",
        "expires_at": "2030-01-15T09:00:00Z",
    }
    [request] = rpc.requests
    assert isinstance(request, inv.InviteUserV1)
    assert (request.siren, request.email, request.actor.account_id) == ("123456789", "jeanne@example.fr", "acc-1")
    assert [(h.service, h.siret, str(h.end_date)) for h in request.habilitations] == [
        ("ceres", "12345678900011", "2030-06-30")
    ]


def test_list_resend_revoke_and_accept_reach_their_requests() -> None:
    rpc = fake_rpc()
    http = client(rpc)

    assert http.get("/api/v1/organisations/123456789/invitations?status=expired").json()["items"][0]["id"] == "i-1"
    assert http.post("/api/v1/invitations/i-1/resend").status_code == 200
    assert http.post("/api/v1/invitations/i-1/revoke").status_code == 200
    assert http.post("/api/v1/invitations/accept", json={"token": "i-1.secret"}).status_code == 200

    kinds = [type(r) for r in rpc.requests]
    assert kinds == [inv.ListInvitationsV1, inv.ResendInvitationV1, inv.RevokeInvitationV1, inv.AcceptInvitationV1]
    assert rpc.requests[0].status == "expired"  # type: ignore[attr-defined]
    assert rpc.requests[3].token == "i-1.secret"  # type: ignore[attr-defined]


def test_a_too_early_resend_is_a_409_problem_with_the_expiry() -> None:
    refusal = RpcError(code="too_early", detail="Trop tôt.", details={"expires_at": "2030-01-16T09:00:00+00:00"})

    response = client(fake_rpc(refusal)).post("/api/v1/invitations/i-1/resend")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["expires_at"]) == ("too_early", "2030-01-16T09:00:00+00:00")


def test_an_unknown_status_or_an_empty_habilitation_list_is_a_validation_error() -> None:
    http = client(fake_rpc())

    assert http.get("/api/v1/organisations/123456789/invitations?status=pending").status_code == 422
    empty = {"email": "jeanne@example.fr", "habilitations": []}
    assert http.post("/api/v1/organisations/123456789/invitations", json=empty).status_code == 422
