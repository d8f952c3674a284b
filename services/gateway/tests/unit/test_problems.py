"""Errors as problem+json: the response shape and the mapping of refusals, outages, crashes and bad input."""

import json
import warnings

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from contracts.errors import ErrorCode
from contracts.rpc import FieldError, RpcError
from efp_runtime.rpc import RpcRefused, RpcUnavailable
from gateway import problems

with warnings.catch_warnings():
    # Starlette warns that its httpx-based TestClient is deprecated; it still works for these in-memory calls.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

GENERIC_DETAIL = "Certaines informations saisies sont invalides."


class Signup(BaseModel):
    email: str
    code: str = Field(pattern=r"^\d{6}$")


def make_app() -> FastAPI:
    app = FastAPI()
    problems.install(app)

    @app.get("/refused")
    async def refused() -> None:
        raise RpcRefused(RpcError(code="invalid_code", detail="Le code de validation saisi est incorrect."))

    @app.get("/refused-with-fields")
    async def refused_with_fields() -> None:
        error = RpcError(
            code="validation_error", detail="Invalide.", errors=[FieldError(field="email", message="Non.")]
        )
        raise RpcRefused(error)

    @app.get("/unavailable")
    async def unavailable() -> None:
        raise RpcUnavailable("x")

    @app.get("/unavailable-saying-why")
    async def unavailable_saying_why() -> None:
        raise RpcUnavailable("x", RpcError(code="service_unavailable", detail="La suppression attendra."))

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    @app.post("/signup")
    async def signup(body: Signup) -> dict[str, str]:
        return {"email": body.email}

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    # raise_server_exceptions=False: let the crash handler answer instead of re-raising into the test.
    return TestClient(make_app(), raise_server_exceptions=False)


def test_a_problem_response_is_problem_json_with_a_stable_type() -> None:
    response = problems.problem_response("code_expired", "Le code a expiré.")

    assert response.media_type == "application/problem+json"
    assert response.status_code == 410
    assert json.loads(response.body) == {
        "type": "urn:efp-connect:problem:code_expired",
        "title": "Expiré",
        "status": 410,
        "detail": "Le code a expiré.",
        "code": "code_expired",
        "errors": [],
    }


@pytest.mark.parametrize(("code", "status"), sorted((code.value, code.status) for code in ErrorCode))
def test_each_known_code_gets_its_status_and_a_french_title(code: str, status: int) -> None:
    body = json.loads(problems.problem_response(code, "x").body)

    assert body["status"] == status
    assert body["type"] == f"urn:efp-connect:problem:{code}"
    assert body["title"] == problems.TITLES[status]


def test_an_unknown_code_is_a_400() -> None:
    assert problems.problem_response("something_new", "x").status_code == 400


def test_an_explicit_status_wins_over_the_code_table() -> None:
    response = problems.problem_response("not_found", "x", status=418)

    assert response.status_code == 418
    assert json.loads(response.body)["title"] == "Erreur"


def test_field_errors_are_listed() -> None:
    body = json.loads(problems.problem_response("validation_error", "x", [FieldError(field="a", message="b")]).body)

    assert body["errors"] == [{"field": "a", "message": "b"}]


def test_a_refusal_from_a_service_is_a_400_with_its_french_detail(client: TestClient) -> None:
    response = client.get("/refused")

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["type"]) == ("invalid_code", "urn:efp-connect:problem:invalid_code")
    assert body["detail"] == "Le code de validation saisi est incorrect."
    assert body["title"] == "Requête refusée"


def test_a_refusal_keeps_the_service_field_errors(client: TestClient) -> None:
    response = client.get("/refused-with-fields")

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "email", "message": "Non."}]


def test_an_unavailable_service_is_a_503_in_french(client: TestClient) -> None:
    response = client.get("/unavailable")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert body["detail"] == problems.UNAVAILABLE
    assert "momentanément indisponible" in body["detail"]


def test_a_service_saying_it_cannot_serve_now_is_a_503_with_its_words(client: TestClient) -> None:
    response = client.get("/unavailable-saying-why")

    assert response.status_code == 503
    assert (response.json()["code"], response.json()["detail"]) == ("service_unavailable", "La suppression attendra.")


def test_a_crash_is_a_500_that_hides_the_cause(client: TestClient) -> None:
    response = client.get("/crash")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "internal_error"
    assert body["detail"] == "Une erreur technique est survenue. Veuillez réessayer plus tard."
    assert "boom" not in response.text


def test_a_missing_field_is_a_422_naming_the_field_in_french(client: TestClient) -> None:
    response = client.post("/signup", json={"code": "123456"})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["detail"]) == ("validation_error", GENERIC_DETAIL)
    assert body["errors"] == [{"field": "email", "message": "Ce champ est obligatoire."}]


def test_each_invalid_field_gets_its_own_french_message(client: TestClient) -> None:
    response = client.post("/signup", json={"email": 3, "code": "12"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "email", "message": "Ce champ doit être un texte."},
        {"field": "code", "message": "Le format de ce champ n'est pas valide."},
    ]


def test_a_body_that_is_not_json_is_a_422_in_french(client: TestClient) -> None:
    response = client.post("/signup", content=b"{not json", headers={"content-type": "application/json"})

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["message"] == "Le contenu envoyé n'est pas un JSON valide."


def test_an_unknown_address_is_a_404_problem_in_french(client: TestClient) -> None:
    response = client.get("/nowhere")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["detail"]) == ("not_found", "Cette adresse n'existe pas.")


def test_a_wrong_method_is_a_405_problem_in_french(client: TestClient) -> None:
    response = client.delete("/refused")

    assert response.status_code == 405
    assert (response.json()["code"], response.json()["title"]) == ("method_not_allowed", "Méthode non autorisée")


def test_a_missing_body_is_reported_on_the_body(client: TestClient) -> None:
    response = client.post("/signup")

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": "Ce champ est obligatoire."}]


def test_a_body_that_is_not_json_is_reported_on_the_body(client: TestClient) -> None:
    response = client.post("/signup", content=b"{not json", headers={"content-type": "application/json"})

    assert response.json()["errors"] == [{"field": "body", "message": "Le contenu envoyé n'est pas un JSON valide."}]


def test_a_body_that_is_not_even_utf8_is_the_same_422_as_malformed_json(client: TestClient) -> None:
    response = client.post("/signup", content=b"\xff\xfe{}", headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"] == [{"field": "body", "message": "Le contenu envoyé n'est pas un JSON valide."}]


def test_the_openapi_document_describes_errors_as_the_problems_sent() -> None:
    app = make_app()

    @app.get("/documented", responses=problems.problem_responses(404))
    async def documented(q: int) -> None: ...

    document = app.openapi()
    responses = document["paths"]["/documented"]["get"]["responses"]
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    # Only the media type actually sent, and FastAPI's own 422 (a `detail` list) replaced by a problem.
    assert responses["404"]["content"] == problem
    assert responses["422"]["content"] == problem
    assert "HTTPValidationError" not in json.dumps(document)
    assert app.openapi() is document
