"""The error format API.md promises, checked on any response: a problem+json with its five members."""

import json
from typing import Any

MEMBERS = ("type", "title", "status", "detail", "code")


def problem_failure(status: int, content_type: str, content: bytes, path: str = "") -> str | None:
    """Why a 4xx answer is not the problem+json of API.md, or None when it is one. The OpenID Connect
    endpoints (`/oidc/…`) speak OAuth 2.0 instead: `{error, error_description}` (RFC 6749 §5.2)."""
    media_type = content_type.split(";")[0].strip()
    if path.startswith("/oidc/") and status != 413:  # 413: the gateway's body limit, before any route
        return oauth_failure(status, media_type, content)
    body = json_object(status, media_type, "application/problem+json", content)
    if isinstance(body, str):
        return body
    if any(name not in body for name in MEMBERS):
        return f"{status} problem without all of {MEMBERS}"
    if body["status"] != status:
        return f"problem status {body['status']} on a {status}"
    if not all(isinstance(body[name], str) and body[name] for name in MEMBERS if name != "status"):
        return f"{status} problem with an empty or non-string member"
    return None


def oauth_failure(status: int, media_type: str, content: bytes) -> str | None:
    body = json_object(status, media_type, "application/json", content)
    if isinstance(body, str):
        return f"OAuth error: {body}"
    if not isinstance(body.get("error"), str) or not body["error"]:
        return f"{status} OAuth error without an `error` code"
    return None


def json_object(status: int, media_type: str, expected: str, content: bytes) -> dict[str, Any] | str:
    """The answer's JSON object, or why it is not one of the `expected` media type."""
    if media_type != expected:
        return f"{status} with media type {media_type!r}"
    try:
        body = json.loads(content)
    except ValueError:
        return f"{status} body is not JSON"
    return body if isinstance(body, dict) else f"{status} body is not a JSON object"
