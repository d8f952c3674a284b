"""The service API key of `/api/v1/authorizations/check`: Bearer, one of EFP_SERVICE_API_KEYS, else 401 (in memory)."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from contracts.authorizations import AuthorizationV1, CheckAuthorizationV1
from gateway import problems, service_keys
from gateway.fakes import FakeServices
from gateway.routes import authorizations

CONFIGURED = " key-one , key-two,,"
QUERY = {"account_id": "acc-1", "service": "ceres", "role": "centre_agree", "siret": "12345678900011"}


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("Bearer key-one", True),
        ("bearer key-two", True),
        ("Bearer  key-two ", True),
        (None, False),
        ("", False),
        ("Bearer", False),
        ("Bearer ", False),
        ("Basic key-one", False),
        ("key-one", False),
        ("Bearer key-on", False),
        ("Bearer key-one,key-two", False),
        ("Bearer KEY-ONE", False),
    ],
)
def test_only_a_configured_key_as_a_bearer_token_is_accepted(header: str | None, accepted: bool) -> None:
    assert service_keys.accepts(CONFIGURED, header) is accepted


def test_with_no_key_configured_nothing_is_accepted() -> None:
    assert not service_keys.accepts("", "Bearer ")
    assert not service_keys.accepts(" , ", "Bearer ,")


class FakeCopy:
    """The gateway's copy of the active habilitations: loaded or not yet."""

    def __init__(self, loaded: bool) -> None:
        self.loaded = loaded
        self.asked: list[tuple[str, str, str, str]] = []

    def check(self, account_id: str, service: str, role: str, siret: str) -> AuthorizationV1 | None:
        self.asked.append((account_id, service, role, siret))
        return AuthorizationV1(allowed=True, habilitation_id="from-memory") if self.loaded else None


class Settings:
    service_api_keys = SecretStr(CONFIGURED)


def _client(loaded: bool = True) -> tuple[TestClient, FakeServices, FakeCopy]:
    app = FastAPI()
    problems.install(app)
    service_keys.install(app)
    app.state.settings = Settings()
    app.state.rpc = rpc = FakeServices(AuthorizationV1(allowed=True, habilitation_id="from-the-store"))
    app.state.authorizations = copy = FakeCopy(loaded)
    authorizations.install(app)
    return TestClient(app), rpc, copy


def test_a_check_with_a_valid_key_is_answered_from_memory() -> None:
    client, rpc, copy = _client()

    response = client.get(
        "/api/v1/authorizations/check",
        params={**QUERY, "siret": "123 456 789 00011"},
        headers={"Authorization": "Bearer key-two"},
    )

    assert response.status_code == 200
    assert response.json() == {"allowed": True, "habilitation_id": "from-memory"}
    assert copy.asked == [("acc-1", "ceres", "centre_agree", "12345678900011")]
    assert rpc.calls == []


def test_until_the_copy_is_loaded_the_habilitation_service_answers() -> None:
    client, rpc, _ = _client(loaded=False)

    response = client.get("/api/v1/authorizations/check", params=QUERY, headers={"Authorization": "Bearer key-one"})

    assert response.json() == {"allowed": True, "habilitation_id": "from-the-store"}
    assert rpc.calls == [("habilitation", CheckAuthorizationV1(**QUERY))]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic key-one"}])
def test_without_a_valid_key_the_answer_is_401_problem_json(headers: dict[str, str]) -> None:
    client, rpc, copy = _client()

    # Missing parameters too: the key is checked first, so a caller without one learns nothing.
    for params in (QUERY, {}):
        response = client.get("/api/v1/authorizations/check", params=params, headers=headers)

        assert response.status_code == 401
        assert response.headers["content-type"] == problems.MEDIA_TYPE
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "unauthenticated"
    assert rpc.calls == []
    assert copy.asked == []


def test_a_missing_parameter_is_a_validation_error() -> None:
    client, _, _ = _client()

    response = client.get(
        "/api/v1/authorizations/check", params={**QUERY, "siret": ""}, headers={"Authorization": "Bearer key-one"}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "siret"
