"""Refuses a request body over the gateway's limit before reading it (413), and a chunked one (411).

Checked by the edge middleware (gateway/edge.py) on the request's headers, before any route runs.
"""

from starlette.datastructures import Headers
from starlette.responses import Response

from contracts.errors import ErrorCode
from gateway import problems

WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
TOO_LARGE = "Le contenu envoyé est trop volumineux."


def refusal(method: str, headers: Headers, max_bytes: int) -> Response | None:
    """The answer to a body the gateway will not read, or None to go on."""
    # Refused before reading it; uvicorn rejects a body longer than its Content-Length.
    length = headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > max_bytes):
        return problems.problem_response(ErrorCode.PAYLOAD_TOO_LARGE, TOO_LARGE)
    if length is None and method in WITH_BODY and "chunked" in headers.get("transfer-encoding", ""):
        return problems.problem_response(
            ErrorCode.PAYLOAD_TOO_LARGE, "Indiquez la taille du contenu envoyé.", status=411
        )
    return None
