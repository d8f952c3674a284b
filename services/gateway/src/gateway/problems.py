"""Errors as RFC 9457 problem+json: a stable machine `code` and a French `detail` for the user."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts.errors import ErrorCode
from contracts.rpc import FieldError, RpcError
from efp_runtime.rpc import RpcRefused, RpcUnavailable
from gateway import auth

logger = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Requête refusée",
    401: "Non authentifié",
    403: "Accès refusé",
    413: "Contenu trop volumineux",
    404: "Introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    410: "Expiré",
    422: "Données invalides",
    429: "Trop de requêtes",
    500: "Erreur interne",
    503: "Service indisponible",
}
UNAVAILABLE = "Le service est momentanément indisponible. Veuillez réessayer dans quelques instants."


class Problem(BaseModel):
    """The body of every error response (documented in the OpenAPI schema)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] = []


# Derived, never written here: each code and its status are spelled once, in contracts.errors.
_STATUS = {code.value: code.status for code in ErrorCode}


def status_of(code: str) -> int:
    """The HTTP status of a refusal code; 400 for a code contracts.errors does not know (yet)."""
    return _STATUS.get(code, 400)


def problem_response(
    code: str,
    detail: str,
    errors: list[FieldError] | None = None,
    status: int | None = None,
    extra: dict[str, str] | None = None,
) -> JSONResponse:
    status = status or status_of(code)
    body = Problem(
        type=f"urn:efp-connect:problem:{code}",
        title=TITLES.get(status, "Erreur"),
        status=status,
        detail=detail,
        code=code,
        errors=errors or [],
    )
    # Extension members (RFC 9457 §3.2), e.g. `resendable_at` on `too_early`.
    return JSONResponse({**body.model_dump(), **(extra or {})}, status_code=status, media_type=MEDIA_TYPE)


def from_rpc_error(error: RpcError, status: int | None = None) -> JSONResponse:
    response = problem_response(error.code, error.detail, list(error.errors), status, extra=dict(error.details))
    if error.retry_after_seconds is not None:
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    return response


# Pydantic error types → the French sentence shown beside the field.
_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_type": "Ce champ doit être un texte.",
    "string_too_short": "Ce champ est trop court.",
    "string_too_long": "Ce champ est trop long.",
    "string_pattern_mismatch": "Le format de ce champ n'est pas valide.",
    "json_invalid": "Le contenu envoyé n'est pas un JSON valide.",
    "model_attributes_type": "Le contenu envoyé doit être un objet JSON.",
    "dict_type": "Le contenu envoyé doit être un objet JSON.",
    "literal_error": "Cette valeur n'est pas autorisée.",
    "bool_type": "Ce champ doit valoir true ou false.",
    "extra_forbidden": "Ce champ n'est pas attendu.",
    "password_mismatch": "Les deux mots de passe saisis ne sont pas identiques.",
    "cursor_invalid": "Ce curseur de pagination n'est pas valide : recommencez depuis la première page.",
    "int_parsing": "Ce champ doit être un nombre entier.",
    "credential_too_large": "Les données de la clé d'accès sont trop volumineuses.",
    "greater_than_equal": "Cette valeur est trop petite.",
    "less_than_equal": "Cette valeur est trop grande.",
}


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        if error.get("type") == "json_invalid":
            location = []  # its loc ends with a character offset, not a field
        message = _MESSAGES.get(error.get("type", ""), "Cette valeur n'est pas valide.")
        errors.append(FieldError(field=".".join(location) or "body", message=message))
    return errors


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(
            ErrorCode.VALIDATION_ERROR, "Certaines informations saisies sont invalides.", _field_errors(exc)
        )

    @app.exception_handler(RpcRefused)
    async def on_refused(request: Request, exc: RpcRefused) -> JSONResponse:
        return from_rpc_error(exc.error)

    @app.exception_handler(RpcUnavailable)
    async def on_unavailable(request: Request, exc: RpcUnavailable) -> JSONResponse:
        logger.warning("service unavailable: %s", exc)
        # A service that answered it cannot serve now may say why (an account deletion put off): its words.
        return problem_response(ErrorCode.SERVICE_UNAVAILABLE, exc.error.detail if exc.error else UNAVAILABLE)

    @app.exception_handler(auth.Unauthenticated)
    async def on_unauthenticated(request: Request, exc: auth.Unauthenticated) -> JSONResponse:
        return problem_response(ErrorCode.UNAUTHENTICATED, "Vous devez vous identifier pour accéder à cette page.")

    @app.exception_handler(auth.SecondFactorPending)
    async def on_second_factor_pending(request: Request, exc: auth.SecondFactorPending) -> JSONResponse:
        return problem_response(
            ErrorCode.SECOND_FACTOR_PENDING,
            "Terminez d'abord votre connexion avec votre double authentification.",
        )

    @app.exception_handler(auth.CsrfFailed)
    async def on_csrf_failed(request: Request, exc: auth.CsrfFailed) -> JSONResponse:
        return problem_response(
            ErrorCode.CSRF_FAILED, "Jeton de sécurité (CSRF) absent ou invalide. Rechargez la page."
        )

    @app.exception_handler(auth.Forbidden)
    async def on_forbidden(request: Request, exc: auth.Forbidden) -> JSONResponse:
        return problem_response(ErrorCode.FORBIDDEN, "Vous n'avez pas les droits pour effectuer cette action.")

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's only 400: a body it could not even decode (not UTF-8). For the caller that is
            # the same mistake as malformed JSON, so the same answer.
            return problem_response(
                ErrorCode.VALIDATION_ERROR,
                "Certaines informations saisies sont invalides.",
                [FieldError(field="body", message=_MESSAGES["json_invalid"])],
            )
        # Starlette raises no other status here; `http_error` would be a new code for contracts.errors.
        code = {
            404: ErrorCode.NOT_FOUND,
            405: ErrorCode.METHOD_NOT_ALLOWED,
            413: ErrorCode.PAYLOAD_TOO_LARGE,
        }.get(exc.status_code, "http_error")
        detail = {
            404: "Cette adresse n'existe pas.",
            405: "Cette méthode n'est pas autorisée ici.",
            413: "Le contenu envoyé est trop volumineux.",
        }.get(exc.status_code, str(exc.detail))
        return problem_response(code, detail, status=exc.status_code)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            ErrorCode.INTERNAL_ERROR, "Une erreur technique est survenue. Veuillez réessayer plus tard."
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _document_problems(FastAPI.openapi(app))
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


# Responses every route may give, for the OpenAPI document.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        s: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": TITLES.get(s, "Erreur")} for s in statuses
    }


def _document_problems(document: dict[str, Any]) -> None:
    """Make the document say what is sent: errors as `application/problem+json` only, and FastAPI's
    own 422 (a `detail` list, which `on_validation_error` replaces) as a problem too."""
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for operation in (op for path in document.get("paths", {}).values() for op in path.values()):
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if status == "422" or MEDIA_TYPE in content:
                response["content"] = {MEDIA_TYPE: problem}
                response["description"] = TITLES.get(int(status), "Erreur")
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
